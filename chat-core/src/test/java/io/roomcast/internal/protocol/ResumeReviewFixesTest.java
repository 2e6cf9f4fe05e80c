package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resume bugs found by the fresh-eyes review of issue #12, each reproduced in the deterministic
 * simulator: a fragmented event half-received at the cut, the link dropping right after a resume
 * WELCOME, {@code close()} while reconnecting, {@code onReconnected} after a lost WELCOME, and
 * names held for nobody.
 */
@Timeout(120)
class ResumeReviewFixesTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = SimulatedRoom.DEFAULT_IDLE_TIMEOUT_NANOS;
    private static final InetSocketAddress JOAN = new InetSocketAddress("127.0.0.5", 30_000);

    private static void cut(SimulatedRoom room, InetSocketAddress address) {
        room.network().partition(address, SimulatedRoom.SERVER);
        room.network().partition(SimulatedRoom.SERVER, address);
    }

    private static void heal(SimulatedRoom room, InetSocketAddress address) {
        room.network().heal(address, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, address);
    }

    private static boolean isShortHeader(byte[] datagram) {
        return !HandshakePacket.isLongHeader(ByteBuffer.wrap(datagram));
    }

    private static boolean isProof(byte[] datagram) {
        try {
            return !isShortHeader(datagram)
                    && HandshakePacket.decode(ByteBuffer.wrap(datagram)) instanceof HandshakePacket.Proof;
        } catch (MalformedPacketException e) {
            return false;
        }
    }

    /** joan (reconnecting for {@code reconnect}) and ega in a room that holds sessions for 6 idle timeouts. */
    private static SimulatedRoom roomWithJoanAndEga(long seed, long reconnect) {
        SimulatedRoom room = SimulatedRoom.builder(seed).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(6 * IDLE)).build();
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(reconnect), JOAN);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        return room;
    }

    private static long count(List<String> log, String line) {
        return log.stream().filter(line::equals).count();
    }

    private static long countEnding(List<String> log, String suffix) {
        return log.stream().filter(line -> line.endsWith(suffix)).count();
    }

    private static int indexOfEnding(List<String> log, String suffix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).endsWith(suffix)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Review finding 1: the old connection's unfinished reassembly of a fragmented event made the
     * resumed connection look stale at once (no progress for twice the idle timeout), and the
     * client reconnected again, forever.
     */
    @Test
    void aFragmentedEventHalfReceivedAtTheCutArrivesOnceAfterASingleResume() {
        SimulatedRoom room = roomWithJoanAndEga(83, 6 * IDLE);
        RecordingClientSink joan = room.sink("joan");
        String big = "x".repeat(8000);
        int[] bigPackets = {0};
        room.network().rewrite(SimulatedRoom.SERVER, JOAN, datagram -> {
            if (isShortHeader(datagram) && datagram.length > 600 && ++bigPackets[0] == 2) {
                cut(room, JOAN); // joan has the first piece(s) of the big event, not the rest
            }
            return datagram;
        });
        room.send("ega", big);
        room.runFor(SECOND);
        room.network().rewrite(SimulatedRoom.SERVER, JOAN, null);
        assertThat(room.client("joan").session().fragmentBytes()).as("part of the event arrived").isPositive();
        room.runFor(3 * IDLE);
        heal(room, JOAN);
        room.runFor(30 * SECOND);

        assertThat(joan.disconnected).as(joan.log.toString()).isNull();
        assertThat(joan.log.stream().filter(line -> line.startsWith("reconnecting")).count())
                .as("one outage, one reconnect").isEqualTo(1);
        assertThat(joan.log).contains("reconnected true");
        assertThat(joan.messages.stream().filter(message -> message.text().equals(big)).count())
                .as("the big message exactly once").isEqualTo(1);
        List<String> egaSaw = room.sink("ega").log;
        assertThat(count(egaSaw, "<-- joan TIMED_OUT")).as(egaSaw.toString()).isEqualTo(1);
        assertThat(count(egaSaw, "--> joan")).as(egaSaw.toString()).isEqualTo(1);
        assertThat(room.client("joan").isJoined()).isTrue();
    }
}
