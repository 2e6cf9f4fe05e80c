package io.roomcast.internal.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AbuseLimitsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aBucketAllowsItsBurstThenItsRate() {
        TokenBucket bucket = new TokenBucket(20, 40, 0);
        int taken = 0;
        while (bucket.tryTake(0)) {
            taken++;
        }
        assertThat(taken).isEqualTo(40);
        assertThat(bucket.tryTake(SECOND / 20 - 1)).isFalse();
        assertThat(bucket.tryTake(SECOND / 20)).isTrue();
        assertThat(bucket.tryTake(SECOND / 20)).isFalse();
        int refilled = 0;
        while (bucket.tryTake(100 * SECOND)) {
            refilled++;
        }
        assertThat(refilled).as("never more than the burst").isEqualTo(40);
    }

    @Test
    void fiveFailuresInTenSecondsBlockThatAddressForAGrowingPenalty() throws Exception {
        AttemptThrottle throttle = new AttemptThrottle(5, 10 * SECOND);
        InetAddress guesser = InetAddress.getByName("127.0.0.5");
        InetAddress other = InetAddress.getByName("127.0.0.6");
        for (int i = 0; i < 4; i++) {
            throttle.failed(guesser, i * SECOND);
        }
        assertThat(throttle.refusedForNanos(guesser, 4 * SECOND)).isZero();

        throttle.failed(guesser, 4 * SECOND);
        assertThat(throttle.refusedForNanos(guesser, 4 * SECOND)).isEqualTo(10 * SECOND);
        assertThat(throttle.refusedForNanos(other, 4 * SECOND)).isZero();
        assertThat(throttle.refusedForNanos(guesser, 14 * SECOND)).isZero();

        for (int i = 0; i < 5; i++) {
            throttle.failed(guesser, 15 * SECOND);
        }
        assertThat(throttle.refusedForNanos(guesser, 15 * SECOND)).as("second offence").isEqualTo(20 * SECOND);

        throttle.succeeded(guesser);
        assertThat(throttle.refusedForNanos(guesser, 16 * SECOND)).isZero();
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() throws Exception {
        AttemptThrottle throttle = new AttemptThrottle(5, 10 * SECOND);
        InetAddress slow = InetAddress.getByName("127.0.0.7");
        for (int i = 0; i < 20; i++) {
            throttle.failed(slow, i * 3 * SECOND); // one every 3 s: at most 4 in any 10 s
        }
        assertThat(throttle.refusedForNanos(slow, 60 * SECOND)).isZero();
    }
}
