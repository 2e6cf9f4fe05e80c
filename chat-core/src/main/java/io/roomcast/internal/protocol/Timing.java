package io.roomcast.internal.protocol;

import java.util.concurrent.TimeUnit;

/** Protocol timer constants, in nanoseconds. */
final class Timing {
    private Timing() {
    }

    /** First retransmission timeout, before anything is known about the path. */
    static final long INITIAL_RTO_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Retransmission timeouts back off exponentially up to this. */
    static final long MAX_RTO_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Probe timeouts back off exponentially up to this. */
    static final long MAX_PROBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** How long a closing side waits for its CLOSE to be acknowledged. */
    static final long CLOSE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long close() waits for messages already sent to be confirmed before it sends CLOSE. */
    static final long LEAVE_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How long CLOSE retransmissions wait between tries. */
    static final long CLOSE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    static long backoff(long rto) {
        return Math.min(rto * 2, MAX_RTO_NANOS);
    }
}
