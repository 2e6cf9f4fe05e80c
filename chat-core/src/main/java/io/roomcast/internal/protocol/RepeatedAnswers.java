package io.roomcast.internal.protocol;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * The last answers of finished connections — REJECTs and CLOSE_ACKs — kept for a while so that a
 * retransmitted PROOF or CLOSE gets the same answer again instead of silence. A repeat goes only
 * within the {@link AmplificationBudget} of its exchange: a PROOF or CLOSE can be replayed by
 * anyone who saw it, from its sender's address. Kept in insertion order, which is expiry order (a
 * fixed lifetime from a monotonic clock), so the next expiry is the first entry: no scan per loop
 * turn, however many there are.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class RepeatedAnswers {
    private record Answer(InetSocketAddress address, byte[] bytes, AmplificationBudget budget, long expiresAtNanos) {
    }

    /** How long an answer is kept. */
    static final long LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Map<Long, Answer> answers = new LinkedHashMap<>();

    /**
     * Keeps {@code bytes} as the answer to repeat to {@code address} for {@code connectionId}.
     *
     * @param budget what the exchange has received from {@code address} and sent to it so far
     */
    void keep(long connectionId, InetSocketAddress address, byte[] bytes, AmplificationBudget budget, long nowNanos) {
        answers.remove(connectionId); // re-inserted at the end of the expiry order
        answers.put(connectionId, new Answer(address, bytes, budget, nowNanos + LIFETIME_NANOS));
    }

    /**
     * A packet of {@code received} bytes for {@code connectionId} came from {@code source}: its kept
     * answer goes to {@code replies} again, if it was given to {@code source} and the exchange's
     * budget allows it.
     *
     * @return {@code false} if no answer is kept for {@code connectionId} at {@code source}
     */
    boolean repeat(long connectionId, InetSocketAddress source, int received, Queue<Datagram> replies) {
        Answer answer = answers.get(connectionId);
        if (answer == null || !answer.address.equals(source)) {
            return false;
        }
        answer.budget.received(received);
        if (answer.budget.trySend(answer.bytes.length)) {
            replies.add(new Datagram(source, answer.bytes));
        }
        return true;
    }

    boolean contains(long connectionId) {
        return answers.containsKey(connectionId);
    }

    int size() {
        return answers.size();
    }

    /** When the oldest answer expires, or {@link Long#MAX_VALUE}. */
    long nextExpiryNanos() {
        return answers.isEmpty() ? Long.MAX_VALUE : answers.values().iterator().next().expiresAtNanos;
    }

    /** Forgets the answers that expired by {@code nowNanos}. */
    void expire(long nowNanos) {
        for (Iterator<Answer> it = answers.values().iterator(); it.hasNext(); ) {
            if (nowNanos < it.next().expiresAtNanos) {
                break; // the rest expire later
            }
            it.remove();
        }
    }
}
