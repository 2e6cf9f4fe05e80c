package io.roomcast.examples.load;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * What each sender sent and what each receiver got, by the sender's own sequence numbers (0, 1,
 * 2, ... per sender, in the order it sent), and from that, exactly, what went wrong.
 *
 * <p>For each pair of receiver and sender: a sequence number that arrives a second time is
 * <em>duplicated</em>; one that arrives after a later one from the same sender is
 * <em>out of order</em>; one the room accepted (its send future completed normally) that never
 * arrives at a receiver that was in the room when it was sent is <em>lost</em>. Refused messages
 * (and those whose sender left before the room confirmed them) are expected nowhere. A receiver
 * that was removed from the room ({@link #left}) expects only what was sent before it left.
 *
 * <p>How: a receiver keeps, per sender, the highest sequence number it has seen and the numbers
 * below it that it skipped ("gaps"); in a healthy run the gaps are only refused messages, and
 * {@link #pruneRefused} drops those, so memory stays small. Senders keep which of their numbers
 * were accepted and which refused.
 *
 * <p>Threading: {@link #accepted}, {@link #refused} and {@link #sent} from any thread;
 * {@link #delivered} for one receiver from one thread at a time (a client's listener calls never
 * overlap), for different receivers at once; the rest from any thread.
 */
final class DeliveryLedger {
    private final Sender[] senders;
    private final Receiver[] receivers;
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();

    DeliveryLedger(int receivers, int senders) {
        this.senders = new Sender[senders];
        for (int s = 0; s < senders; s++) {
            this.senders[s] = new Sender();
        }
        this.receivers = new Receiver[receivers];
        for (int r = 0; r < receivers; r++) {
            this.receivers[r] = new Receiver(senders);
        }
    }

    /** Sender {@code sender} is sending {@code sequence}, the next of its numbers. */
    void sent(int sender, long sequence) {
        Sender s = senders[sender];
        synchronized (s) {
            s.sent = Math.max(s.sent, sequence + 1);
        }
    }

    /** The room accepted sender {@code sender}'s message {@code sequence}. */
    void accepted(int sender, long sequence) {
        Sender s = senders[sender];
        synchronized (s) {
            s.accepted.set(Math.toIntExact(sequence));
        }
    }

    /** The room refused sender {@code sender}'s message {@code sequence}: nobody should get it. */
    void refused(int sender, long sequence) {
        Sender s = senders[sender];
        synchronized (s) {
            s.refused.set(Math.toIntExact(sequence));
        }
    }

    /** Receiver {@code receiver} got sender {@code sender}'s message {@code sequence}. */
    void delivered(int receiver, int sender, long sequence) {
        deliveries.increment();
        Receiver r = receivers[receiver];
        synchronized (r) {
            long highest = r.highest[sender];
            if (sequence > highest) {
                for (long skipped = highest + 1; skipped < sequence; skipped++) {
                    if (!isRefused(sender, skipped)) {
                        r.gaps[sender].add(skipped);
                    }
                }
                r.highest[sender] = sequence;
            } else if (r.gaps[sender].remove(sequence)) {
                outOfOrder.increment();
            } else {
                duplicated.increment();
            }
        }
    }

    /**
     * Receiver {@code receiver} is in the room (its join completed). Its leave may have been
     * recorded already: a member can lose the room before the thread that joined it gets here.
     *
     * @return whether it has left already: then this call, not {@link #left}, is the one that
     *         makes it a member that left after joining ({@link #leftAfterJoining})
     */
    boolean joined(int receiver) {
        Receiver r = receivers[receiver];
        synchronized (r) {
            boolean first = !r.joined;
            r.joined = true;
            return first && r.expectedBelow != null;
        }
    }

    /**
     * Receiver {@code receiver} is out of the room: from now on it expects nothing, and of what
     * was sent before, it still expects what the room accepted. The first call counts; later
     * ones change nothing.
     *
     * @return whether this is its first leave and it had joined ({@link #joined}) before: then this
     *         call is the one that makes it a member that left after joining
     */
    boolean left(int receiver) {
        long[] sentSoFar = new long[senders.length];
        for (int s = 0; s < senders.length; s++) {
            synchronized (senders[s]) {
                sentSoFar[s] = senders[s].sent;
            }
        }
        Receiver r = receivers[receiver];
        synchronized (r) {
            if (r.expectedBelow != null) {
                return false;
            }
            r.expectedBelow = sentSoFar;
            return r.joined;
        }
    }

    /** Receivers that joined and left, in either order of the two calls ({@link #joined}, {@link #left}). */
    int leftAfterJoining() {
        int count = 0;
        for (Receiver r : receivers) {
            synchronized (r) {
                if (r.joined && r.expectedBelow != null) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Whether receiver {@code receiver} has left the room ({@link #left}). */
    boolean hasLeft(int receiver) {
        Receiver r = receivers[receiver];
        synchronized (r) {
            return r.expectedBelow != null;
        }
    }

    /** Forgets the gaps that are refused messages: keeps memory to what may yet arrive or is lost. */
    void pruneRefused() {
        for (Receiver r : receivers) {
            synchronized (r) {
                for (int s = 0; s < senders.length; s++) {
                    int sender = s;
                    r.gaps[s].removeIf(sequence -> isRefused(sender, sequence));
                }
            }
        }
    }

    /** Every message received, duplicates included. */
    long deliveries() {
        return deliveries.sum();
    }

    /** Messages received a second (or further) time. */
    long duplicated() {
        return duplicated.sum();
    }

    /** Messages received after a later one from the same sender. */
    long outOfOrder() {
        return outOfOrder.sum();
    }

    /** Messages the room accepted, from all senders. */
    long accepted() {
        long total = 0;
        for (Sender s : senders) {
            synchronized (s) {
                total += s.accepted.cardinality();
            }
        }
        return total;
    }

    /**
     * Accepted messages not (yet) received by a receiver that expects them: at the end of a run,
     * the lost ones. It walks every pair: call it once a second or so, not per message.
     */
    long lost() {
        BitSet[] accepted = new BitSet[senders.length];
        for (int s = 0; s < senders.length; s++) {
            synchronized (senders[s]) {
                accepted[s] = (BitSet) senders[s].accepted.clone();
            }
        }
        long lost = 0;
        for (Receiver r : receivers) {
            synchronized (r) {
                for (int s = 0; s < senders.length; s++) {
                    long end = r.expectedBelow == null ? Long.MAX_VALUE : r.expectedBelow[s];
                    int seenEnd = (int) Math.min(end, r.highest[s] + 1);
                    int acceptedEnd = (int) Math.min(end, accepted[s].length());
                    if (acceptedEnd > seenEnd) {
                        lost += accepted[s].get(seenEnd, acceptedEnd).cardinality();
                    }
                    for (long gap : r.gaps[s]) {
                        if (gap < end && accepted[s].get((int) gap)) {
                            lost++;
                        }
                    }
                }
            }
        }
        return lost;
    }

    private boolean isRefused(int sender, long sequence) {
        Sender s = senders[sender];
        synchronized (s) {
            return s.refused.get(Math.toIntExact(sequence));
        }
    }

    /** One sender's outcomes; guarded by itself. */
    private static final class Sender {
        long sent;
        final BitSet accepted = new BitSet();
        final BitSet refused = new BitSet();
    }

    /** One receiver's view; guarded by itself. */
    private static final class Receiver {
        final long[] highest;
        final Set<Long>[] gaps;
        long[] expectedBelow; // null until it leaves: then it expects everything
        boolean joined;

        @SuppressWarnings("unchecked")
        Receiver(int senders) {
            highest = new long[senders];
            Arrays.fill(highest, -1);
            gaps = new Set[senders];
            for (int s = 0; s < senders; s++) {
                gaps[s] = new HashSet<>();
            }
        }
    }
}
