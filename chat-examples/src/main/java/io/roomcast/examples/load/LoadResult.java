package io.roomcast.examples.load;

import io.roomcast.RefusalReason;
import java.util.Map;

/**
 * What a {@link LoadRun} measured.
 *
 * @param settings          what was run
 * @param joined            members that joined
 * @param joinNanos         how long joining took, all members
 * @param sent              messages sent
 * @param accepted          messages the room accepted (their send future completed normally)
 * @param refused           messages the room refused, by reason (a remote room's rate limit)
 * @param unconfirmed       messages whose send failed: neither confirmed nor refused (the sender left, or its
 *                          reconnect queue was full)
 * @param pending           messages sent but neither accepted, refused nor failed when the result was built (the
 *                          run stopped waiting for them); {@code sent == accepted + refused + unconfirmed + pending}
 * @param deliveries        messages received, all members together, duplicates included
 * @param sendNanos         how long the senders sent
 * @param drainNanos        how long the run then waited for the last deliveries
 * @param deliveryNanos     from the first send to the last delivery
 * @param latency           every delivery's latency, send to receipt
 * @param lost              accepted messages a member in the room never received
 * @param duplicated        messages a member received more than once
 * @param outOfOrder        messages a member received after a later one from the same sender
 * @param leftEarly         members that lost the room during the run (not closed by the run)
 * @param reconnects        times a member lost the server and tried to come back ({@code onReconnecting})
 * @param reconnected       times a member came back ({@code onReconnected})
 * @param wrongPassword     whether the room refused the password
 * @param interrupted       whether the run was stopped (Ctrl-C) before it ended: its counts are partial
 * @param firstJoinFailure  why the first member that could not join could not, or {@code null}
 * @param firstLeave        which member first lost the room and why, or {@code null}
 * @param firstSendFailure  which member's send first failed and why, or {@code null}
 * @param sendProblem       why the senders had to stop (a payload larger than the room allows), or {@code null}
 */
record LoadResult(LoadRun.Settings settings, int joined, long joinNanos, long sent, long accepted,
                  Map<RefusalReason, Long> refused, long unconfirmed, long pending, long deliveries, long sendNanos,
                  long drainNanos, long deliveryNanos, LatencyHistogram.Snapshot latency, long lost, long duplicated,
                  long outOfOrder, int leftEarly, int reconnects, int reconnected, boolean wrongPassword,
                  boolean interrupted, String firstJoinFailure, String firstLeave, String firstSendFailure,
                  String sendProblem) {

    /** Messages refused, for any reason. */
    long refusedTotal() {
        return refused.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Members joined per second of joining. */
    double joinsPerSecond() {
        return perSecond(joined, joinNanos);
    }

    /** Messages accepted per second of sending. */
    double messagesPerSecond() {
        return perSecond(accepted, sendNanos);
    }

    /** Deliveries per second, from the first send to the last delivery. */
    double deliveriesPerSecond() {
        return perSecond(deliveries, deliveryNanos);
    }

    /** Whether every message sent is in exactly one count: accepted, refused, unconfirmed or pending. */
    boolean settledCountsAddUp() {
        return sent == accepted + refusedTotal() + unconfirmed + pending;
    }

    /**
     * Whether the room did its job: every member joined and stayed; every message sent was settled
     * (accepted or refused; none failed, none still pending); nothing lost, duplicated or out of
     * order. Refusals (a remote room's rate limit) and reconnects alone do not fail a run.
     */
    boolean passed() {
        return !interrupted && joined == settings.members() && leftEarly == 0 && sendProblem == null
                && settledCountsAddUp() && pending == 0 && unconfirmed == 0 && lost == 0 && duplicated == 0
                && outOfOrder == 0;
    }

    static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }
}
