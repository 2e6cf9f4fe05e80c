package io.roomcast.internal.protocol;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * When a client that lost the server tries to resume its session: the first attempt at once, then,
 * after each attempt that fails for want of an answer, a wait from {@link #FIRST_BACKOFF_NANOS}
 * doubling up to {@link #MAX_BACKOFF_NANOS}, each drawn between {@code 1 - JITTER} of it and all
 * of it so that clients cut off together do not all come back together; every attempt (a
 * handshake re-sending its HELLO) lasts at most {@link #ATTEMPT_TIMEOUT_NANOS}, and all of it ends
 * at the deadline ({@code ClientConfig.reconnectNanos} after the outage was noticed).
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class Reconnection {
    /** The wait after the first failed attempt. */
    static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The longest wait between attempts. */
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** Each wait is drawn from this fraction of the backoff below it up to all of it. */
    static final double JITTER = 0.5;
    /** The longest one attempt lasts before it counts as failed and the next is scheduled. */
    static final long ATTEMPT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final long deadlineNanos;
    private long backoffNanos = FIRST_BACKOFF_NANOS;
    private long nextAttemptNanos;
    private boolean attempting;

    /** Reconnecting starts at {@code nowNanos}, for {@code forNanos}: the first attempt is due at once. */
    Reconnection(long nowNanos, long forNanos) {
        this.deadlineNanos = nowNanos + forNanos;
        this.nextAttemptNanos = nowNanos;
    }

    /** {@code true} once the time to reconnect is over. */
    boolean over(long nowNanos) {
        return nowNanos >= deadlineNanos;
    }

    /** {@code true} if no attempt is running and the next one is due. */
    boolean attemptDue(long nowNanos) {
        return !attempting && nowNanos >= nextAttemptNanos && !over(nowNanos);
    }

    /** An attempt starts: how long it may last. */
    long attemptStarted(long nowNanos) {
        attempting = true;
        return Math.max(1, Math.min(ATTEMPT_TIMEOUT_NANOS, deadlineNanos - nowNanos));
    }

    /** {@code true} while an attempt is running. */
    boolean attempting() {
        return attempting;
    }

    /** The attempt got no answer in time: the next is due after a jittered backoff. */
    void attemptFailed(long nowNanos, Random random) {
        attempting = false;
        nextAttemptNanos = nowNanos + (long) (backoffNanos * (1 - JITTER * random.nextDouble()));
        backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
    }

    /** The next deadline while no attempt is running: the next attempt or the end. */
    long nextDeadlineNanos() {
        return Math.min(attempting ? Long.MAX_VALUE : nextAttemptNanos, deadlineNanos);
    }
}
