package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SrpClientSession;
import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A peer on the simulated network that sends exactly the datagrams a test gives it and records
 * what reaches it: for the packets no client engine would send (many HELLOs from one address, a
 * token on another HELLO, a replayed PROOF, a HELLO in another version). Not thread-safe.
 */
final class RawPeer implements DatagramEngine {
    /** Every datagram that arrived, in order. */
    final List<byte[]> received = new ArrayList<>();
    private final ArrayDeque<Datagram> outgoing = new ArrayDeque<>();

    /** Queues {@code packet} for {@code to}; the network sends it when the peer is next asked. */
    void send(InetSocketAddress to, HandshakePacket packet) {
        outgoing.add(new Datagram(to, packet.toBytes()));
    }

    /** Queues {@code bytes} for {@code to}, as they are. */
    void send(InetSocketAddress to, byte[] bytes) {
        outgoing.add(new Datagram(to, bytes.clone()));
    }

    /**
     * The handshake packets of {@code type} that arrived, in order.
     *
     * @throws AssertionError if a datagram that arrived is not a valid handshake packet
     */
    <T extends HandshakePacket> List<T> received(Class<T> type) {
        List<T> packets = new ArrayList<>();
        for (byte[] bytes : received) {
            try {
                HandshakePacket packet = HandshakePacket.decode(ByteBuffer.wrap(bytes));
                if (type.isInstance(packet)) {
                    packets.add(type.cast(packet));
                }
            } catch (MalformedPacketException e) {
                throw new AssertionError("the server sent a packet that does not decode", e);
            }
        }
        return packets;
    }

    /** A HELLO a real client could send: a fresh nonce and a valid SRP {@code A}. */
    static HandshakePacket.Hello hello(Random random, SrpGroup group, String username, byte[] retryToken) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return new HandshakePacket.Hello(nonce, username, 15_000, new SrpClientSession(group, random).publicValue(),
                retryToken);
    }

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        received.add(bytes);
    }

    @Override
    public void handleTimeout(long nowNanos) {
    }

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        Datagram next = outgoing.poll();
        if (next == null) {
            return null;
        }
        out.put(next.bytes());
        return next.destination();
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
