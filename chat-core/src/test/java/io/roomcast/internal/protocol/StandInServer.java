package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.RejectReason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A server address on the simulated network that is not a room: it records when each HELLO
 * arrived, and either never answers (a server that is down, or cut off) or refuses every HELLO
 * with {@code REJECT(ROOM_UNAVAILABLE)}, as a server of a cluster in a minority partition will.
 * Not thread-safe.
 */
final class StandInServer implements DatagramEngine {
    /** The detail of its refusals. */
    static final String DETAIL = "this server is cut off from most of its cluster";

    /** When each HELLO arrived, and whether it asked to resume a session. */
    record Hello(long atNanos, boolean resuming) {
    }

    final List<Hello> hellos = new ArrayList<>();
    private final boolean refuses;
    private final ArrayDeque<byte[]> replies = new ArrayDeque<>();
    private final ArrayDeque<InetSocketAddress> replyTo = new ArrayDeque<>();

    private StandInServer(boolean refuses) {
        this.refuses = refuses;
    }

    /** One that never answers. */
    static StandInServer silent() {
        return new StandInServer(false);
    }

    /** One that refuses every HELLO: the room is unavailable there. */
    static StandInServer unavailable() {
        return new StandInServer(true);
    }

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        try {
            if (HandshakePacket.decode(datagram) instanceof HandshakePacket.Hello hello) {
                hellos.add(new Hello(nowNanos, hello.resumeId().length > 0));
                if (refuses) {
                    replies.add(new HandshakePacket.Reject(hello.clientNonce(), 0, RejectReason.ROOM_UNAVAILABLE,
                            DETAIL).toBytes());
                    replyTo.add(source);
                }
            }
        } catch (MalformedPacketException e) {
            throw new AssertionError("a client sent a packet that does not decode", e);
        }
    }

    @Override
    public void handleTimeout(long nowNanos) {
    }

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        byte[] reply = replies.poll();
        if (reply == null) {
            return null;
        }
        out.put(reply);
        return replyTo.poll();
    }

    @Override
    public long nextDeadlineNanos() {
        return Long.MAX_VALUE;
    }

    @Override
    public boolean isFinished() {
        return false;
    }
}
