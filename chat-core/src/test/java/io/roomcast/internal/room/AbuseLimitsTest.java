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
            fail(throttle, guesser, i * SECOND);
        }
        assertThat(throttle.refusedForNanos(guesser, 4 * SECOND)).isZero();

        fail(throttle, guesser, 4 * SECOND);
        assertThat(throttle.refusedForNanos(guesser, 4 * SECOND)).isEqualTo(10 * SECOND);
        assertThat(throttle.refusedForNanos(other, 4 * SECOND)).isZero();
        assertThat(throttle.refusedForNanos(guesser, 14 * SECOND)).isZero();

        for (int i = 0; i < 5; i++) {
            fail(throttle, guesser, 15 * SECOND);
        }
        assertThat(throttle.refusedForNanos(guesser, 15 * SECOND)).as("second offence").isEqualTo(20 * SECOND);

        assertThat(throttle.startCheck(guesser, 16 * SECOND)).as("even a right password waits for the penalty")
                .isEqualTo(AttemptThrottle.Check.REFUSED);
    }

    @Test
    void guessesBeingCheckedCountAgainstTheBudgetAndASuccessForgivesNothing() throws Exception {
        AttemptThrottle throttle = new AttemptThrottle(5, 10 * SECOND);
        InetAddress guesser = InetAddress.getByName("127.0.0.8");
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.startCheck(guesser, 0)).as("guess %d in flight", i + 1).isEqualTo(AttemptThrottle.Check.GO);
        }
        assertThat(throttle.startCheck(guesser, 0)).as("a sixth while five are being checked")
                .isEqualTo(AttemptThrottle.Check.WAIT);

        throttle.checked(guesser, false, 0); // one was right
        assertThat(throttle.startCheck(guesser, 0)).isEqualTo(AttemptThrottle.Check.GO);
        for (int i = 0; i < 5; i++) {
            throttle.checked(guesser, true, SECOND); // the other five were wrong
        }
        assertThat(throttle.refusedForNanos(guesser, SECOND)).as("the success wiped nothing").isEqualTo(10 * SECOND);
    }

    @Test
    void ipv6AddressesAreThrottledByTheirSlash64() throws Exception {
        AttemptThrottle throttle = new AttemptThrottle(5, 10 * SECOND);
        for (int i = 1; i <= 5; i++) {
            fail(throttle, InetAddress.getByName("2001:db8:1:2::" + i), SECOND); // five hosts, one /64
        }
        assertThat(throttle.refusedForNanos(InetAddress.getByName("2001:db8:1:2:ffff::9"), SECOND))
                .as("any address in the same /64").isEqualTo(10 * SECOND);
        assertThat(throttle.refusedForNanos(InetAddress.getByName("2001:db8:1:3::1"), SECOND))
                .as("the next /64").isZero();
    }

    /** A guess from {@code address} checked and found wrong. */
    private static void fail(AttemptThrottle throttle, InetAddress address, long nowNanos) {
        assertThat(throttle.startCheck(address, nowNanos)).isEqualTo(AttemptThrottle.Check.GO);
        throttle.checked(address, true, nowNanos);
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() throws Exception {
        AttemptThrottle throttle = new AttemptThrottle(5, 10 * SECOND);
        InetAddress slow = InetAddress.getByName("127.0.0.7");
        for (int i = 0; i < 20; i++) {
            fail(throttle, slow, i * 3 * SECOND); // one every 3 s: at most 4 in any 10 s
        }
        assertThat(throttle.refusedForNanos(slow, 60 * SECOND)).isZero();
    }
}
