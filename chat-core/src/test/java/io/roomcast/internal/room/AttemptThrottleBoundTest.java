package io.roomcast.internal.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SECURITY.md: "source IPs tracked for throttling: 65,536 (least recently seen forgotten)" and the
 * password-proof penalty "10 s doubling to 10 min". The throttle remembers at most
 * {@link AttemptThrottle#MAX_TRACKED} address groups; one more forgets the group seen least
 * recently (its penalty with it), not the one added first, and however many groups come, no more
 * than the bound is remembered.
 *
 * <p>A remembered group is observed through its penalty: every group here is penalised (or, for
 * the filler, asked about, which is all a HELLO does), and {@link AttemptThrottle#refusedForNanos}
 * is {@code > 0} exactly while the group's record is kept. Looking a group up counts as seeing it.
 */
@Timeout(30)
class AttemptThrottleBoundTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final int FAILURES = 5;

    @Test
    void pastTheBoundTheLeastRecentlySeenGroupIsForgottenWhileARecentlySeenOneKeepsItsPenalty() {
        AttemptThrottle throttle = new AttemptThrottle(FAILURES, 10 * SECOND);
        InetAddress early = address(1); // added first, but seen again before the bound is passed
        InetAddress stale = address(2); // added second, never seen again
        penalise(throttle, early);
        penalise(throttle, stale);
        int fillers = AttemptThrottle.MAX_TRACKED - 2;
        for (int i = 0; i < fillers; i++) {
            assertThat(throttle.startCheck(address(3 + i), 0)).isEqualTo(AttemptThrottle.Check.GO);
        }
        // exactly the bound is tracked: both penalties are still there (asking sees both again)
        assertThat(throttle.refusedForNanos(early, SECOND)).as("at the bound").isEqualTo(9 * SECOND);
        assertThat(throttle.refusedForNanos(stale, SECOND)).as("at the bound").isEqualTo(9 * SECOND);
        // the fillers are seen again, then the early group: the stale one is now the least recently seen
        for (int i = 0; i < fillers; i++) {
            throttle.refusedForNanos(address(3 + i), SECOND);
        }
        assertThat(throttle.refusedForNanos(early, SECOND)).isEqualTo(9 * SECOND);

        InetAddress newcomer = address(3 + fillers);
        penalise(throttle, newcomer); // one group past the bound

        assertThat(throttle.refusedForNanos(stale, SECOND)).as("the least recently seen is forgotten, penalty and all")
                .isZero();
        assertThat(throttle.startCheck(stale, SECOND)).as("so it may guess again").isEqualTo(AttemptThrottle.Check.GO);
        assertThat(throttle.refusedForNanos(early, SECOND)).as("a recently seen group keeps its penalty, though added first")
                .isEqualTo(9 * SECOND);
        assertThat(throttle.refusedForNanos(newcomer, SECOND)).isEqualTo(9 * SECOND);
        assertThat(AttemptThrottle.MAX_TRACKED).as("SECURITY.md: 65,536").isEqualTo(65_536);
    }

    @Test
    void howeverManyGroupsComeAtMostTheBoundIsRememberedTheMostRecentOnes() {
        AttemptThrottle throttle = new AttemptThrottle(FAILURES, 10 * SECOND);
        int groups = 2 * AttemptThrottle.MAX_TRACKED + 1_000;
        for (int i = 0; i < groups; i++) {
            penalise(throttle, address(i));
        }
        // oldest first, so that looking a group up does not change which of the later ones are kept
        int remembered = 0;
        int firstRemembered = -1;
        for (int i = 0; i < groups; i++) {
            if (throttle.refusedForNanos(address(i), SECOND) > 0) {
                remembered++;
                if (firstRemembered < 0) {
                    firstRemembered = i;
                }
            }
        }
        assertThat(remembered).as("groups remembered").isEqualTo(AttemptThrottle.MAX_TRACKED);
        assertThat(firstRemembered).as("the most recent ones").isEqualTo(groups - AttemptThrottle.MAX_TRACKED);
    }

    @Test
    void thePenaltyDoublesFromTheWindowUpToTenMinutes() throws Exception {
        AttemptThrottle throttle = new AttemptThrottle(FAILURES, 10 * SECOND);
        InetAddress guesser = InetAddress.getByName("10.200.0.1");
        long[] expectedSeconds = {10, 20, 40, 80, 160, 320, 600, 600, 600};
        long now = 0;
        for (long seconds : expectedSeconds) {
            for (int i = 0; i < FAILURES; i++) {
                assertThat(throttle.startCheck(guesser, now)).isEqualTo(AttemptThrottle.Check.GO);
                throttle.checked(guesser, true, now);
            }
            assertThat(throttle.refusedForNanos(guesser, now)).as("offence after %d s", now / SECOND)
                    .isEqualTo(seconds * SECOND);
            now += seconds * SECOND; // the penalty is over: the next guesses may go
            assertThat(throttle.refusedForNanos(guesser, now)).isZero();
        }
        assertThat(AttemptThrottle.MAX_PENALTY_NANOS).as("SECURITY.md: 10 min").isEqualTo(600 * SECOND);
    }

    /** Five wrong guesses from {@code address} at time 0: refused for 10 s. */
    private static void penalise(AttemptThrottle throttle, InetAddress address) {
        for (int i = 0; i < FAILURES; i++) {
            assertThat(throttle.startCheck(address, 0)).isEqualTo(AttemptThrottle.Check.GO);
            throttle.checked(address, true, 0);
        }
        assertThat(throttle.refusedForNanos(address, 0)).isEqualTo(10 * SECOND);
    }

    /** The IPv4 address 10.x.y.z numbered {@code n}: every one its own group. */
    private static InetAddress address(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {10, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
