package io.roomcast.examples.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies counted in log-linear buckets, as HdrHistogram does, without the dependency: below
 * {@value #LINEAR_MICROS} µs one bucket per microsecond; above, each power of two is cut into
 * {@value #SUB_BUCKETS} buckets, so a bucket is at most 1/128 of its value wide and a
 * percentile, reported at its bucket's middle, is within 0.4 % of the true value (or half a
 * microsecond below {@value #LINEAR_MICROS} µs). Values up to {@link #HIGHEST_NANOS} (60 s) are
 * told apart; longer ones count in the last bucket, and the maximum is kept exactly.
 *
 * <p>Thread-safe and lock-free: any number of threads may {@link #record} at once (one atomic
 * increment each), and {@link #snapshot} may be taken meanwhile; a snapshot taken while others
 * record may miss the latest values, never count one twice.
 */
final class LatencyHistogram {
    /** The longest latency told apart from longer ones: 60 seconds. */
    static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final int SUB_BITS = 7;
    private static final int SUB_BUCKETS = 1 << SUB_BITS; // 128
    private static final int LINEAR_MICROS = SUB_BUCKETS;
    private static final long HIGHEST_MICROS = HIGHEST_NANOS / 1000;
    private static final int BUCKETS = index(HIGHEST_MICROS) + 1;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong maxNanos = new AtomicLong();

    /** Counts one latency; a negative one (clocks do not go back, but be safe) counts as 0. */
    void record(long nanos) {
        long value = Math.max(0, nanos);
        counts.incrementAndGet(index(Math.min(value / 1000, HIGHEST_MICROS)));
        long max = maxNanos.get();
        while (value > max && !maxNanos.compareAndSet(max, value)) {
            max = maxNanos.get();
        }
    }

    /** The counts so far. */
    Snapshot snapshot() {
        long[] copy = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
            total += copy[i];
        }
        return new Snapshot(copy, total, maxNanos.get());
    }

    /** The bucket of {@code micros}: itself below 128, else 128 per power of two. */
    static int index(long micros) {
        if (micros < LINEAR_MICROS) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros); // >= SUB_BITS
        int sub = (int) (micros >>> (exponent - SUB_BITS)); // in [128, 256)
        return (exponent - SUB_BITS) * SUB_BUCKETS + sub;
    }

    /** The smallest value, in microseconds, in bucket {@code index}. */
    static long lowest(int index) {
        if (index < 2 * SUB_BUCKETS) {
            return index;
        }
        int shift = index / SUB_BUCKETS - 1;
        return (long) (index % SUB_BUCKETS + SUB_BUCKETS) << shift;
    }

    /** How many microseconds bucket {@code index} spans. */
    static long width(int index) {
        return index < 2 * SUB_BUCKETS ? 1 : 1L << (index / SUB_BUCKETS - 1);
    }

    /**
     * The counts at one moment: what {@link #snapshot} copied.
     *
     * @param counts   the count in each bucket (not to be changed)
     * @param count    how many latencies in all
     * @param maxNanos the largest recorded, since the histogram began (not just in a difference)
     */
    record Snapshot(long[] counts, long count, long maxNanos) {
        /** What was recorded after {@code earlier} and up to this snapshot. */
        Snapshot minus(Snapshot earlier) {
            long[] difference = new long[counts.length];
            for (int i = 0; i < counts.length; i++) {
                difference[i] = counts[i] - earlier.counts[i];
            }
            return new Snapshot(difference, count - earlier.count, maxNanos);
        }

        /**
         * The latency below or at which {@code percent} % of the counted ones lie, in nanoseconds:
         * the middle of the bucket that holds that rank, never above the maximum; 0 when nothing
         * was counted.
         *
         * @param percent from 0 (exclusive) to 100
         */
        double percentileNanos(double percent) {
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(percent / 100 * count));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    double middle = (lowest(i) + width(i) / 2.0) * 1000;
                    return i == counts.length - 1 ? maxNanos : Math.min(middle, maxNanos);
                }
            }
            return maxNanos;
        }
    }
}
