package io.roomcast.internal.protocol;

import java.util.concurrent.TimeUnit;

/**
 * Round-trip time estimate per RFC 9002 section 5: minimum, smoothed and variation, from
 * samples taken when the largest acknowledged packet is newly acknowledged. Not thread-safe.
 */
final class RttEstimator {
    /** RTT assumed before any sample; a chat runs over LANs and the Internet alike. */
    static final long INITIAL_RTT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Timer granularity (RFC 9002 kGranularity). */
    static final long GRANULARITY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private boolean sampled;
    private long latest = INITIAL_RTT_NANOS;
    private long min = Long.MAX_VALUE;
    private long smoothed = INITIAL_RTT_NANOS;
    private long variation = INITIAL_RTT_NANOS / 2;

    /**
     * Adds a sample.
     *
     * @param sampleNanos time from sending the packet to receiving its acknowledgement
     * @param ackDelayNanos how long the peer says it held the acknowledgement
     */
    void update(long sampleNanos, long ackDelayNanos) {
        if (sampleNanos <= 0) {
            sampleNanos = 1;
        }
        latest = sampleNanos;
        if (!sampled) {
            sampled = true;
            min = sampleNanos;
            smoothed = sampleNanos;
            variation = sampleNanos / 2;
            return;
        }
        min = Math.min(min, sampleNanos);
        long adjusted = sampleNanos >= min + ackDelayNanos ? sampleNanos - ackDelayNanos : sampleNanos;
        variation = (3 * variation + Math.abs(smoothed - adjusted)) / 4;
        smoothed = (7 * smoothed + adjusted) / 8;
    }

    long smoothed() {
        return smoothed;
    }

    long latest() {
        return latest;
    }

    long variation() {
        return variation;
    }

    /** The probe timeout before backoff: {@code smoothed + max(4 * variation, granularity) + maxAckDelay}. */
    long probeTimeout(long maxAckDelayNanos) {
        return smoothed + Math.max(4 * variation, GRANULARITY_NANOS) + maxAckDelayNanos;
    }

    /** How long after a later packet was acknowledged an earlier one counts as lost: 9/8 of the RTT. */
    long lossDelay() {
        return Math.max(Math.max(latest, smoothed) * 9 / 8, GRANULARITY_NANOS);
    }
}
