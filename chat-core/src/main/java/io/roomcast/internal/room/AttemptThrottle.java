package io.roomcast.internal.room;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throttles password guessing per source address, grouped the way attackers get addresses: an
 * IPv4 address alone, an IPv6 address by its /64. After {@code maxFailures} failed proofs within
 * {@code window}, the group is refused for a penalty that doubles with each further offence (up
 * to {@link #MAX_PENALTY_NANOS}). Proofs being checked count against the budget too, so a group
 * with budget 5 never has more than 5 guesses in flight (a sixth waits for one of them: hosts
 * behind one NAT joining at once are slowed, not refused), and a success does not forgive
 * earlier failures. Other groups are unaffected. Memory is bounded: at most {@link #MAX_TRACKED} groups
 * are remembered, the least recently seen forgotten first. Not thread-safe.
 */
public final class AttemptThrottle {
    private static final class Record {
        final ArrayDeque<Long> failures = new ArrayDeque<>();
        long blockedUntilNanos = Long.MIN_VALUE;
        int offences;
        int checking;
    }

    /** The longest penalty. */
    public static final long MAX_PENALTY_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** How many source IPs are tracked at most. */
    static final int MAX_TRACKED = 65_536;

    private final int maxFailures;
    private final long windowNanos;
    private final Map<Object, Record> records = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Record> eldest) {
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
        Record record = records.get(groupOf(address));
        if (record == null || nowNanos >= record.blockedUntilNanos) {
            return 0;
        }
        return record.blockedUntilNanos - nowNanos;
    }

    /** What may happen to a proof that is about to be checked. */
    public enum Check {
        /** Check it: it now takes one guess from the budget until {@link #checked}. */
        GO,
        /** Not now: the proofs being checked use the rest of the budget; a retransmission may go. */
        WAIT,
        /** Refuse it unchecked: the group is refused, or its recent failures used the budget. */
        REFUSED
    }

    /** Whether a proof from {@code address} may be checked now; {@link Check#GO} takes a guess. */
    public Check startCheck(InetAddress address, long nowNanos) {
        Record record = records.computeIfAbsent(groupOf(address), a -> new Record());
        if (nowNanos < record.blockedUntilNanos) {
            return Check.REFUSED;
        }
        forgetOld(record, nowNanos);
        if (record.failures.size() >= maxFailures) {
            return Check.REFUSED;
        }
        if (record.failures.size() + record.checking >= maxFailures) {
            return Check.WAIT;
        }
        record.checking++;
        return Check.GO;
    }

    /**
     * The proof {@link #startCheck} let through was checked (or abandoned, when {@code failed} is
     * false and it never completed). A success forgives nothing: earlier failures keep counting.
     */
    public void checked(InetAddress address, boolean failed, long nowNanos) {
        Object group = groupOf(address);
        Record record = records.computeIfAbsent(group, a -> new Record());
        record.checking = Math.max(0, record.checking - 1);
        if (failed) {
            failed(record, nowNanos);
        } else if (record.checking == 0 && record.offences == 0 && record.failures.isEmpty()) {
            records.remove(group); // nothing to remember about an address that only ever got it right
        }
    }

    private void forgetOld(Record record, long nowNanos) {
        while (!record.failures.isEmpty() && record.failures.peekFirst() <= nowNanos - windowNanos) {
            record.failures.pollFirst();
        }
    }

    private void failed(Record record, long nowNanos) {
        record.failures.addLast(nowNanos);
        forgetOld(record, nowNanos);
        if (record.failures.size() >= maxFailures) {
            record.offences++;
            long penalty = Math.min(MAX_PENALTY_NANOS, windowNanos << Math.min(record.offences - 1, 20));
            record.blockedUntilNanos = nowNanos + penalty;
            record.failures.clear();
        }
    }

    /** The group an address is throttled in: an IPv4 address itself, an IPv6 address's /64 prefix. */
    public static Object groupOf(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            return ByteBuffer.wrap(bytes, 0, 8).getLong(); // the /64
        }
        return address;
    }
}
