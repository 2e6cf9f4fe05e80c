package io.roomcast.gateway.classic;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's own count of wrong passwords, kept below the room's. Every classic client joins
 * from the gateway's address, and a Roomcast server refuses an address that fails 5 password
 * proofs within 10 seconds, for a penalty that doubles with each offence: left alone, a few
 * students mistyping the password (or one stranger guessing) would shut every later join through
 * the gateway out. So after {@link #MAX_FAILURES} wrong passwords within {@link #WINDOW_NANOS}
 * the gateway tries no more joins until the oldest falls out of the window; with at most
 * {@link ClassicEndpoint#CONCURRENT_JOINS} (2) joins in flight the room sees at most four failures
 * from the gateway in its window, never five. Thread-safe.
 */
final class WrongPasswords {
    static final int MAX_FAILURES = 2;
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ArrayDeque<Long> failures = new ArrayDeque<>();

    /** Whether a join may be tried now. */
    synchronized boolean mayTry(long nowNanos) {
        while (!failures.isEmpty() && nowNanos - failures.peekFirst() >= WINDOW_NANOS) {
            failures.pollFirst();
        }
        return failures.size() < MAX_FAILURES;
    }

    /** A join was refused for its password: counted from when the answer came, later than the room counted it. */
    synchronized void failed(long nowNanos) {
        failures.addLast(nowNanos); // at most MAX_FAILURES + CONCURRENT_JOINS are kept: no try starts past the limit
    }
}
