package io.roomcast.examples.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The histogram's percentiles against the exact ones of a sorted array. */
@Timeout(10)
class LatencyHistogramTest {
    private static final long SEED = 0x10AD_CA57L;

    @Test
    void percentilesAreWithinOnePercentOrOneMicrosecondOfTheExactOnes() {
        SplittableRandom random = new SplittableRandom(SEED);
        long[] values = new long[200_000];
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            // log-uniform from 100 ns to 20 s: every bucket range, linear and logarithmic
            values[i] = (long) Math.pow(10, 2 + random.nextDouble() * 8.3);
            histogram.record(values[i]);
        }
        Arrays.sort(values);
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();

        assertThat(snapshot.count()).isEqualTo(values.length);
        assertThat(snapshot.maxNanos()).isEqualTo(values[values.length - 1]);
        for (double percent : new double[] {0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100}) {
            long exact = values[(int) Math.ceil(percent / 100 * values.length) - 1];
            double tolerance = Math.max(1_000, exact * 0.01);
            assertThat(snapshot.percentileNanos(percent)).as("p%s (seed %x)", percent, SEED)
                    .isBetween(exact - tolerance, exact + tolerance);
        }
    }

    @Test
    void aDifferenceHoldsOnlyWhatWasRecordedBetweenTheSnapshots() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 100; i++) {
            histogram.record(5_000_000); // 5 ms
        }
        LatencyHistogram.Snapshot before = histogram.snapshot();
        for (int i = 0; i < 10; i++) {
            histogram.record(200_000); // 0.2 ms
        }
        LatencyHistogram.Snapshot since = histogram.snapshot().minus(before);

        assertThat(since.count()).isEqualTo(10);
        assertThat(since.percentileNanos(99)).isBetween(198_000.0, 202_000.0);
        assertThat(histogram.snapshot().percentileNanos(50)).isBetween(4_950_000.0, 5_050_000.0);
    }

    @Test
    void longerThanSixtySecondsCountsInTheLastBucketAndTheMaximumIsExact() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(90_000_000_000L);
        histogram.record(-5);
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();

        assertThat(snapshot.percentileNanos(100)).isEqualTo(90_000_000_000.0);
        assertThat(snapshot.percentileNanos(50)).isBetween(0.0, 1_000.0);
        assertThat(new LatencyHistogram().snapshot().percentileNanos(50)).isZero();
    }

    @Test
    void bucketsTileTheRangeWithoutGapsOrOverlaps() {
        long misplaced = -1;
        for (long micros = 0; micros < 1 << 22 && misplaced < 0; micros++) {
            int index = LatencyHistogram.index(micros);
            long lowest = LatencyHistogram.lowest(index);
            if (micros < lowest || micros >= lowest + LatencyHistogram.width(index)) {
                misplaced = micros;
            }
        }
        assertThat(misplaced).as("the first value outside its bucket").isEqualTo(-1);
        assertThat(LatencyHistogram.index(LatencyHistogram.HIGHEST_NANOS / 1000)).isLessThan(2600);
    }
}
