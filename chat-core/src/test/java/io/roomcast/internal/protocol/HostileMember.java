package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A member that holds the session keys and breaks every rule the keys do not enforce: it takes
 * over the address of a client that joined, speaks through that client's connection, sends each
 * frame it is given in a packet of its own (new packet numbers, outside loss recovery, so it
 * re-sends nothing), and never acknowledges anything. It reads what the server sends it, to
 * record the refusals and the CLOSE.
 *
 * <p>Not thread-safe: the simulator drives it.
 */
final class HostileMember extends TimerlessEngine {
    private final Connection<ClientOutbox.Sent> connection;
    private final InetSocketAddress server;
    private final ArrayDeque<Frame> toSend = new ArrayDeque<>();
    /** The ERROR frames that came, in order. */
    final List<Frame.Error> refusals = new ArrayList<>();
    /** Why the server closed the connection, once it did. */
    CloseReason closedWith;
    int datagramsSent;

    /**
     * Puts a hostile member in the place of the room's client {@code username}, which has joined:
     * at its address, speaking through its connection. The client itself gets nothing more.
     */
    static HostileMember takeOver(SimulatedRoom room, String username) {
        HostileMember hostile = new HostileMember(room.client(username).session().connection, SimulatedRoom.SERVER);
        room.network().attach(room.address(username), hostile);
        return hostile;
    }

    private HostileMember(Connection<ClientOutbox.Sent> connection, InetSocketAddress server) {
        if (connection == null) {
            throw new IllegalStateException("the client has not joined");
        }
        this.connection = connection;
        this.server = server;
    }

    /** Sends {@code frame} in a packet of its own, at the next chance. */
    void send(Frame frame) {
        toSend.add(frame);
    }

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        if (HandshakePacket.isLongHeader(datagram)) {
            return;
        }
        try {
            ShortHeader header = ProtectedPackets.peekHeader(datagram);
            // the connection records what arrived, but this member never writes a packet that would acknowledge it
            connection.receive(nowNanos, datagram, header, new Connection.Frames() {
                @Override
                public boolean take(Frame frame, long now) {
                    if (frame instanceof Frame.Error error) {
                        refusals.add(error);
                    } else if (frame instanceof Frame.Close close) {
                        closedWith = close.reason();
                    }
                    return true;
                }

                @Override
                public boolean ended() {
                    return false;
                }
            });
        } catch (MalformedPacketException e) {
            throw new AssertionError("the server sent a malformed packet", e);
        }
    }

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        Frame frame = toSend.poll();
        if (frame == null) {
            return null;
        }
        out.put(connection.packetOf(frame));
        datagramsSent++;
        return server;
    }
}
