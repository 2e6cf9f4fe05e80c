package io.roomcast.internal.room;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throttles password guessing per source IP: after {@code maxFailures} failed proofs within
 * {@code window}, the IP is refused for a penalty that doubles with each further offence (up
 * to {@link #MAX_PENALTY_NANOS}). Other IPs are unaffected. Memory is bounded: at most
 * {@link #MAX_TRACKED} IPs are remembered, the least recently seen forgotten first.
 * Not thread-safe.
 */
public final class AttemptThrottle {
    private static final class Record {
        final ArrayDeque<Long> failures = new ArrayDeque<>();
        long blockedUntilNanos = Long.MIN_VALUE;
        int offences;
    }

    /** The longest penalty. */
    public static final long MAX_PENALTY_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** How many source IPs are tracked at most. */
    static final int MAX_TRACKED = 65_536;

    private final int maxFailures;
    private final long windowNanos;
    private final Map<InetAddress, Record> records = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Record> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    /** A throttle allowing {@code maxFailures} failed proofs per {@code windowNanos} per IP. */
    public AttemptThrottle(int maxFailures, long windowNanos) {
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
    }

    /** How long {@code address} is still refused, in nanoseconds; 0 if it may try. */
    public long refusedForNanos(InetAddress address, long nowNanos) {
        Record record = records.get(address);
        if (record == null || nowNanos >= record.blockedUntilNanos) {
            return 0;
        }
        return record.blockedUntilNanos - nowNanos;
    }

    /** A proof from {@code address} failed. */
    public void failed(InetAddress address, long nowNanos) {
        Record record = records.computeIfAbsent(address, a -> new Record());
        record.failures.addLast(nowNanos);
        while (!record.failures.isEmpty() && record.failures.peekFirst() <= nowNanos - windowNanos) {
            record.failures.pollFirst();
        }
        if (record.failures.size() >= maxFailures) {
            record.offences++;
            long penalty = Math.min(MAX_PENALTY_NANOS, windowNanos << Math.min(record.offences - 1, 20));
            record.blockedUntilNanos = nowNanos + penalty;
            record.failures.clear();
        }
    }

    /** A proof from {@code address} succeeded: its past failures are forgiven. */
    public void succeeded(InetAddress address) {
        records.remove(address);
    }
}
