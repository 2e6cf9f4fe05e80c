package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.RejectReason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blind spoofer cannot abort a join: it sends REJECTs (every reason) and VERSION_MISMATCHes from
 * the server's address, ahead of the server's real answers to HELLO and PROOF, but it never saw
 * the HELLO, so they do not echo its nonce. The client counts and drops them, and joins. Before,
 * any REJECT with connection id 0 (or the attempt's id) and any VERSION_MISMATCH ended the join.
 */
@Timeout(30)
class SpoofedRefusalTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void refusalsThatDoNotEchoTheHelloNonceDoNotAbortTheJoin() {
        SimulatedNetwork network = new SimulatedNetwork(84);
        SimulatedRoom room = SimulatedRoom.on(network).build();
        String seed = "seed " + network.seed();
        Random spoofer = network.newRandom();
        ArrayDeque<Datagram> spoofed = new ArrayDeque<>();
        // the spoofer races the server: its datagrams leave "from the server" just before each real answer
        network.attach(SimulatedRoom.SERVER, new ForwardingEngine(room.server()) {
            @Override
            public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
                long connectionId = connectionIdOfProof(datagram.duplicate());
                for (RejectReason reason : RejectReason.values()) {
                    spoofed.add(new Datagram(source, new HandshakePacket.Reject(guess(spoofer), connectionId, reason,
                            "spoofed " + reason).toBytes()));
                }
                spoofed.add(new Datagram(source, new HandshakePacket.VersionMismatch(guess(spoofer), List.of(7))
                        .toBytes()));
                super.handleDatagram(nowNanos, datagram, source);
            }

            @Override
            public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
                Datagram next = spoofed.poll();
                if (next == null) {
                    return super.pollDatagram(nowNanos, out);
                }
                out.put(next.bytes());
                return next.destination();
            }
        });

        assertThat(room.join("joan")).as("%s: %s", seed, room.sink("joan").log).isTrue();
        assertThat(room.client("joan").handshake().strayAnswers()).as(seed)
                .isEqualTo(2L * (RejectReason.values().length + 1)); // after the HELLO and after the PROOF
        room.runFor(SECOND);
        assertThat(room.sink("joan").disconnected).as(seed).isNull();
    }

    /** A nonce the spoofer hopes is the client's: 16 random bytes. */
    private static byte[] guess(Random random) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return nonce;
    }

    /** The connection id a PROOF names, or 0 for any other datagram (whose REJECT would name 0). */
    private static long connectionIdOfProof(ByteBuffer datagram) {
        try {
            return HandshakePacket.isLongHeader(datagram)
                    && HandshakePacket.decode(datagram) instanceof HandshakePacket.Proof proof ? proof.connectionId() : 0;
        } catch (MalformedPacketException e) {
            return 0;
        }
    }
}
