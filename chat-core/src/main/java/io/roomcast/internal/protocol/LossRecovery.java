package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.AckFrame;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The sending side of packet numbers, per RFC 9002 section 6: what each ack-eliciting packet
 * carried, which were acknowledged, which are lost (three later packets acknowledged, or
 * 9/8 of an RTT passed since a later one was), and the probe timeout with exponential
 * backoff when acknowledgements stop. What a lost packet carried is handed back so that it
 * goes out again in new packets; packet numbers are never reused.
 *
 * <p>Not thread-safe.
 *
 * @param <P> what a packet carried that must be re-sent if it is lost
 */
final class LossRecovery<P> {
    private record Sent<P>(long sentAtNanos, P payload) {
    }

    /** RFC 9002 kPacketThreshold. */
    static final int PACKET_THRESHOLD = 3;

    private final TreeMap<Long, Sent<P>> inFlight = new TreeMap<>();
    private final RttEstimator rtt = new RttEstimator();
    private long largestAcked = -1;
    private long lossTimeNanos = Long.MAX_VALUE;
    private long lastElicitingSentNanos;
    private int probeCount;

    /** Records an ack-eliciting packet just sent. */
    void onSent(long packetNumber, long nowNanos, P payload) {
        inFlight.put(packetNumber, new Sent<>(nowNanos, payload));
        lastElicitingSentNanos = nowNanos;
    }

    /** Ack-eliciting packets sent and neither acknowledged nor declared lost. */
    int inFlight() {
        return inFlight.size();
    }

    RttEstimator rtt() {
        return rtt;
    }

    /** Hands {@code action} what each packet in flight carried, oldest first: for reports of what is held. */
    void forEachInFlight(Consumer<P> action) {
        for (Sent<P> sent : inFlight.values()) {
            action.accept(sent.payload);
        }
    }

    /**
     * Processes an ACK frame.
     *
     * @param acked receives the payload of each newly acknowledged packet
     * @param lost  receives the payload of each packet now declared lost
     * @return {@code true} if it acknowledged anything new
     */
    boolean onAck(AckFrame ack, long nowNanos, Consumer<P> acked, Consumer<P> lost) {
        largestAcked = Math.max(largestAcked, ack.largest());
        List<Long> newlyAcked = new ArrayList<>();
        for (AckFrame.Range range : ack.ranges()) {
            newlyAcked.addAll(inFlight.subMap(range.from(), true, range.to(), true).keySet());
        }
        if (newlyAcked.isEmpty()) {
            return false;
        }
        Sent<P> largest = inFlight.get(ack.largest());
        if (largest != null) {
            rtt.update(nowNanos - largest.sentAtNanos, ack.ackDelayMicros() * 1_000);
        }
        for (long pn : newlyAcked) {
            acked.accept(inFlight.remove(pn).payload);
        }
        probeCount = 0;
        detectLost(nowNanos, lost);
        return true;
    }

    /** When {@link #onTimeout} must run, or {@link Long#MAX_VALUE}. */
    long timeoutNanos(long maxAckDelayNanos) {
        if (lossTimeNanos != Long.MAX_VALUE) {
            return lossTimeNanos;
        }
        if (inFlight.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long pto = rtt.probeTimeout(maxAckDelayNanos) << Math.min(probeCount, 16);
        return lastElicitingSentNanos + Math.min(pto, Timing.MAX_PROBE_TIMEOUT_NANOS);
    }

    /**
     * The loss or probe timer fired.
     *
     * @param lost  receives the payload of each packet declared lost by time
     * @param probe receives the payload to send again as a probe, if the probe timeout fired
     * @return {@code true} if the probe timeout fired: a probe must go out
     */
    boolean onTimeout(long nowNanos, Consumer<P> lost, Consumer<P> probe) {
        if (lossTimeNanos != Long.MAX_VALUE && nowNanos >= lossTimeNanos) {
            detectLost(nowNanos, lost);
            return false;
        }
        if (inFlight.isEmpty()) {
            return false;
        }
        probeCount++;
        // probe with the oldest packet's content: the retransmission most likely to be needed
        Map.Entry<Long, Sent<P>> oldest = inFlight.firstEntry();
        lastElicitingSentNanos = nowNanos;
        probe.accept(oldest.getValue().payload);
        return true;
    }

    /** {@code true} if a packet has been in flight, unacknowledged, for a probe timeout or longer. */
    boolean unansweredFor(long nowNanos, long maxAckDelayNanos) {
        return !inFlight.isEmpty()
                && nowNanos - inFlight.firstEntry().getValue().sentAtNanos() >= rtt.probeTimeout(maxAckDelayNanos);
    }

    /** Consecutive probe timeouts without an acknowledgement. */
    int probeCount() {
        return probeCount;
    }

    private void detectLost(long nowNanos, Consumer<P> lost) {
        long lossDelay = rtt.lossDelay();
        long lostIfSentBefore = nowNanos - lossDelay;
        lossTimeNanos = Long.MAX_VALUE;
        Iterator<Map.Entry<Long, Sent<P>>> it = inFlight.headMap(largestAcked, false).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Sent<P>> entry = it.next();
            Sent<P> sent = entry.getValue();
            if (sent.sentAtNanos <= lostIfSentBefore || largestAcked >= entry.getKey() + PACKET_THRESHOLD) {
                it.remove();
                lost.accept(sent.payload);
            } else {
                lossTimeNanos = Math.min(lossTimeNanos, sent.sentAtNanos + lossDelay);
            }
        }
    }
}
