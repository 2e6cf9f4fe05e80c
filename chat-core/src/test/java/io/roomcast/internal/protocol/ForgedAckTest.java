package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.AckFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.MalformedPacketException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer holding the keys can still lie in its ACKs. An ACK for a packet number this end never
 * sent must change nothing: before, it moved the largest acknowledged number, so the next genuine
 * ACK declared everything in flight lost and it was all sent again, outside the window.
 */
@Timeout(10)
class ForgedAckTest {
    private static final long ID = 77;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final PacketProtector ourSealer = protector((byte) 1);
    private final PacketProtector peerSealer = protector((byte) 2);
    private final List<Integer> lost = new ArrayList<>();
    private int written;
    private final Connection<Integer> connection = new Connection<>(ID, ourSealer, peerSealer,
            TimeUnit.SECONDS.toNanos(15), 0, new Connection.Content<>() {
                @Override
                public boolean hasFramesToSend(long nowNanos) {
                    return written < 5;
                }

                @Override
                public Integer write(ByteBuffer out, int limit, boolean carrying, long nowNanos) {
                    if (written >= 5) {
                        return null;
                    }
                    Frame.Ping.INSTANCE.encode(out); // stands for data: something to re-send if lost
                    return ++written;
                }

                @Override
                public void lost(Integer sent, long nowNanos) {
                    lost.add(sent);
                }
            });
    private final Connection.Frames ignoreFrames = new Connection.Frames() {
        @Override
        public boolean take(Frame frame, long nowNanos) {
            return true;
        }

        @Override
        public boolean ended() {
            return false;
        }
    };

    private static PacketProtector protector(byte seed) {
        byte[] key = new byte[PacketProtector.KEY_BYTES];
        byte[] iv = new byte[PacketProtector.IV_BYTES];
        key[0] = seed;
        iv[0] = seed;
        return new PacketProtector(key, iv);
    }

    /** An authentic packet from the peer carrying {@code ack}. */
    private Connection.Arrival peerSends(long packetNumber, AckFrame ack, long nowNanos)
            throws MalformedPacketException {
        ByteBuffer datagram = ByteBuffer.wrap(ProtectedPackets.packet(peerSealer, ID, packetNumber, ack));
        return connection.receive(nowNanos, datagram, ProtectedPackets.peekHeader(datagram), ignoreFrames);
    }

    private static AckFrame ack(long from, long to) {
        return new AckFrame(List.of(new AckFrame.Range(from, to)), 0);
    }

    @Test
    void anAckForAPacketNeverSentChangesNothing() throws MalformedPacketException {
        for (int i = 0; i < 5; i++) {
            assertThat(connection.writePacket(i * MS, ByteBuffer.allocate(1200))).isTrue();
        }
        assertThat(connection.packetsInFlight()).isEqualTo(5);

        assertThat(peerSends(1, ack(1_000, 1_000), 6 * MS)).isEqualTo(Connection.Arrival.FRESH);
        assertThat(connection.packetsInFlight()).as("nothing acknowledged by the lie").isEqualTo(5);

        assertThat(peerSends(2, ack(1, 1), 7 * MS)).isEqualTo(Connection.Arrival.FRESH);
        assertThat(connection.packetsInFlight()).as("the genuine ACK took packet 1 only").isEqualTo(4);
        assertThat(lost).as("packets 2-5 are not declared lost: nothing after them was acknowledged")
                .isEmpty();
    }

    @Test
    void anAckWithinWhatWasSentStillWorks() throws MalformedPacketException {
        for (int i = 0; i < 5; i++) {
            connection.writePacket(i * MS, ByteBuffer.allocate(1200));
        }
        peerSends(1, ack(5, 5), 6 * MS);
        // 5 acknowledged (an RTT of 2 ms); 1 and 2 lost by the packet threshold, 3 and 4 by time
        assertThat(connection.packetsInFlight()).isZero();
        assertThat(lost).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aClientConfigNeverShowsItsPassword() {
        ClientConfig config = new ClientConfig(new InetSocketAddress("127.0.0.1", 9000), "joan", "s3cret-pass",
                SrpGroup.RFC5054_2048_SHA256, 1, 1);
        assertThat(config.toString()).doesNotContain("s3cret-pass").contains("joan").contains("hidden");
    }
}
