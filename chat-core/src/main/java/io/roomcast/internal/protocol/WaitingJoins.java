package io.roomcast.internal.protocol;

import io.roomcast.internal.room.AttemptThrottle;
import io.roomcast.internal.room.Command;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.wire.RejectReason;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Members whose password is proved, waiting for the room to order their join: by connection id, in
 * the order they started waiting (which is expiry order), at most {@link #MAX_WAITING} in all and
 * {@link HandshakeResponder#MAX_PENDING_PER_ADDRESS} per address group (as the handshakes count
 * them), each for at most {@link #TIMEOUT_NANOS}.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class WaitingJoins {
    /** How long a join waits for its backend to order it before it is refused {@code ROOM_UNAVAILABLE}: 5 s, half a client's default connect timeout, so that it hears why. */
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** The most joins waiting to be ordered; past it a join is refused {@code SERVER_BUSY}. */
    static final int MAX_WAITING = HandshakeResponder.MAX_PENDING_HANDSHAKES;

    /** A member whose password is proved, waiting for the room to order its join. */
    interface WaitingJoin {
        HandshakeResponder.Handshake handshake();

        /** The name it joins under (a resumed member's held name). */
        String username();

        /** When it started waiting, on the engine's clock. */
        long since();

        /** The session it will have, and the one it resumes. */
        Command.Resume session();

        /** The room refused it: REJECT. */
        void refused(long now, Room.Refusal refusal);

        /** The server closes: its keys are wiped, nothing is sent. */
        void abandon();
    }

    private final Map<Long, WaitingJoin> byConnectionId = new LinkedHashMap<>();
    private final Map<Object, Integer> perGroup = new HashMap<>();

    /**
     * Adds it, unless the bounds refuse it.
     *
     * @return why it may not wait, or {@code null} if it waits now
     */
    Room.Refusal add(WaitingJoin waiting) {
        if (byConnectionId.size() >= MAX_WAITING) {
            return new Room.Refusal(RejectReason.SERVER_BUSY, "too many joins are waiting; try again");
        }
        Object group = groupOf(waiting);
        if (perGroup.getOrDefault(group, 0) >= HandshakeResponder.MAX_PENDING_PER_ADDRESS) {
            return new Room.Refusal(RejectReason.SERVER_BUSY, HandshakeResponder.BUSY_AT_ADDRESS_DETAIL);
        }
        byConnectionId.put(waiting.handshake().connectionId(), waiting);
        perGroup.merge(group, 1, Integer::sum);
        return null;
    }

    /** The join of connection {@code id}, no longer waiting; or {@code null}. */
    WaitingJoin take(long id) {
        WaitingJoin waiting = byConnectionId.remove(id);
        if (waiting != null) {
            perGroup.computeIfPresent(groupOf(waiting), (group, count) -> count == 1 ? null : count - 1);
        }
        return waiting;
    }

    /** Joins that waited {@link #TIMEOUT_NANOS} by {@code now} are refused {@code ROOM_UNAVAILABLE}. */
    void expire(long now, String detail) {
        Iterator<WaitingJoin> it = byConnectionId.values().iterator();
        while (it.hasNext()) {
            WaitingJoin waiting = it.next();
            if (now - waiting.since() < TIMEOUT_NANOS) {
                return;
            }
            take(waiting.handshake().connectionId());
            waiting.refused(now, new Room.Refusal(RejectReason.ROOM_UNAVAILABLE, detail));
            it = byConnectionId.values().iterator();
        }
    }

    /** When the oldest waiting join expires, or {@code Long.MAX_VALUE}. */
    long nextExpiryNanos() {
        Iterator<WaitingJoin> it = byConnectionId.values().iterator();
        return it.hasNext() ? it.next().since() + TIMEOUT_NANOS : Long.MAX_VALUE;
    }

    /** Every waiting join ends unanswered: the server is closing. */
    void abandonAll() {
        byConnectionId.values().forEach(WaitingJoin::abandon);
        byConnectionId.clear();
        perGroup.clear();
    }

    private static Object groupOf(WaitingJoin waiting) {
        return AttemptThrottle.groupOf(waiting.handshake().address().getAddress());
    }
}
