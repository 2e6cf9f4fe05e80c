package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.AckFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LossRecoveryTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final LossRecovery<String> recovery = new LossRecovery<>();
    private final List<String> acked = new ArrayList<>();
    private final List<String> lost = new ArrayList<>();
    private final List<String> probed = new ArrayList<>();

    private static AckFrame ack(long from, long to) {
        return new AckFrame(List.of(new AckFrame.Range(from, to)), 0);
    }

    @Test
    void theFirstSampleSetsTheEstimate() {
        recovery.onSent(1, 0, "a");
        recovery.onAck(ack(1, 1), 40 * MS, acked::add, lost::add);

        assertThat(acked).containsExactly("a");
        assertThat(recovery.rtt().smoothed()).isEqualTo(40 * MS);
        assertThat(recovery.rtt().variation()).isEqualTo(20 * MS);
        assertThat(recovery.inFlight()).isZero();
    }

    @Test
    void laterSamplesAreSmoothedAndAckDelayIsSubtracted() {
        RttEstimator rtt = new RttEstimator();
        rtt.update(100 * MS, 0);
        rtt.update(60 * MS, 20 * MS); // ack delay only subtracted while the result stays above min RTT
        assertThat(rtt.smoothed()).isEqualTo((7 * 100 * MS + 60 * MS) / 8);
        rtt.update(200 * MS, 50 * MS);
        long adjusted = 150 * MS;
        assertThat(rtt.latest()).isEqualTo(200 * MS);
        assertThat(rtt.smoothed()).isEqualTo((7 * ((7 * 100 * MS + 60 * MS) / 8) + adjusted) / 8);
    }

    @Test
    void aPacketThreeBelowTheLargestAcknowledgedIsLost() {
        for (int pn = 1; pn <= 5; pn++) {
            recovery.onSent(pn, 0, "p" + pn); // all at once: only the packet threshold can declare loss
        }
        recovery.onAck(ack(4, 4), 10 * MS, acked::add, lost::add);

        assertThat(lost).containsExactly("p1");
        assertThat(recovery.inFlight()).isEqualTo(3); // 2, 3 and 5 are still in flight

        recovery.onAck(ack(5, 5), 11 * MS, acked::add, lost::add);
        assertThat(lost).containsExactly("p1", "p2");
    }

    @Test
    void aPacketOlderThanNineEighthsOfTheRttBehindAnAcknowledgedOneIsLostByTime() {
        recovery.onSent(1, 0, "p1");
        recovery.onSent(2, 1 * MS, "p2");
        recovery.onAck(ack(2, 2), 101 * MS, acked::add, lost::add); // rtt 100 ms: p1 not yet lost

        assertThat(lost).isEmpty();
        long lossTime = recovery.timeoutNanos(0);
        assertThat(lossTime).isEqualTo(100 * MS * 9 / 8);

        assertThat(recovery.onTimeout(lossTime, lost::add, probed::add)).isFalse(); // a loss, not a probe
        assertThat(lost).containsExactly("p1");
        assertThat(probed).isEmpty();
    }

    @Test
    void theProbeTimeoutBacksOffAndResetsOnAnAcknowledgement() {
        recovery.onSent(1, 0, "p1");
        long first = recovery.timeoutNanos(0);
        assertThat(first).isEqualTo(RttEstimator.INITIAL_RTT_NANOS + 4 * (RttEstimator.INITIAL_RTT_NANOS / 2));

        assertThat(recovery.onTimeout(first, lost::add, probed::add)).isTrue();
        assertThat(probed).containsExactly("p1"); // the oldest goes out again as a probe
        long second = recovery.timeoutNanos(0);
        assertThat(second - first).isEqualTo(2 * first);

        recovery.onAck(ack(1, 1), second, acked::add, lost::add);
        assertThat(recovery.probeCount()).isZero();
        assertThat(recovery.timeoutNanos(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(lost).isEmpty();
    }

    @Test
    void anAckForNothingInFlightChangesNothing() {
        recovery.onSent(7, 0, "p7");
        assertThat(recovery.onAck(ack(1, 3), 5 * MS, acked::add, lost::add)).isFalse();
        assertThat(recovery.inFlight()).isEqualTo(1);
        assertThat(acked).isEmpty();
    }

    @Test
    void receivedPacketsAreRangesAndDuplicatesAreRecognised() {
        ReceivedPackets received = new ReceivedPackets();
        for (long pn : new long[] {1, 2, 3, 5, 6, 9}) {
            received.record(pn, true, 0);
        }
        assertThat(received.isDuplicate(2)).isTrue();
        assertThat(received.isDuplicate(4)).isFalse();
        assertThat(received.isDuplicate(9)).isTrue();
        AckFrame ackFrame = received.buildAck(3 * MS);
        assertThat(ackFrame.ranges()).containsExactly(new AckFrame.Range(9, 9), new AckFrame.Range(5, 6),
                new AckFrame.Range(1, 3));

        received.record(4, true, 0);
        assertThat(received.buildAck(0).ranges()).containsExactly(new AckFrame.Range(9, 9), new AckFrame.Range(1, 6));
    }

    @Test
    void anAcknowledgementIsDueAtOnceForAGapOrTwoPacketsAndOtherwiseAfterTheDelay() {
        ReceivedPackets received = new ReceivedPackets();
        received.record(1, true, 10 * MS);
        assertThat(received.ackDueAtNanos()).isEqualTo(10 * MS + ReceivedPackets.MAX_ACK_DELAY_NANOS);
        received.record(2, true, 11 * MS);
        assertThat(received.ackDueAtNanos()).isEqualTo(11 * MS);
        received.buildAck(11 * MS);
        assertThat(received.ackPending()).isFalse();

        received.record(4, true, 12 * MS); // 3 is missing
        assertThat(received.ackDueAtNanos()).isEqualTo(12 * MS);
        received.buildAck(12 * MS);
        received.record(5, false, 13 * MS); // only an ACK: nothing owed
        assertThat(received.ackPending()).isFalse();
    }

    @Test
    void anEarlierPacketArrivingLateIsNotADuplicate() {
        ReceivedPackets received = new ReceivedPackets();
        received.record(2, true, 0);
        assertThat(received.isDuplicate(1)).isFalse();
        received.record(1, true, 0);
        assertThat(received.buildAck(0).ranges()).containsExactly(new AckFrame.Range(1, 2));
    }

    @Test
    void receivedRangesStayBoundedAndAnythingOlderCountsAsSeen() {
        ReceivedPackets received = new ReceivedPackets();
        for (long pn = 0; pn < 200; pn += 2) {
            received.record(pn, false, 0);
        }
        assertThat(received.buildAck(0).ranges()).hasSize(AckFrame.MAX_RANGES);
        assertThat(received.isDuplicate(1)).isTrue();
        assertThat(received.isDuplicate(199)).isFalse();
    }
}
