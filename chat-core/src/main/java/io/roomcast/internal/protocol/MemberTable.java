package io.roomcast.internal.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's members four ways: by connection id (for routing), by name (members in the room,
 * for private messages and the host's commands), in the order of their next
 * timer deadline ({@link MemberDeadlines}), and in a round-robin queue of members with something
 * to send. A member's deadline is recomputed whenever it is {@link #touch touched}.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class MemberTable {
    private final Map<Long, RoomMember> byConnectionId = new LinkedHashMap<>();
    /** Members in the room by {@link io.roomcast.internal.room.Username#key}; a member closing after removal is not. */
    private final Map<String, RoomMember> byName = new java.util.HashMap<>();
    private final MemberDeadlines deadlines = new MemberDeadlines(RoomMember::nextDeadlineNanos);
    private final ArrayDeque<RoomMember> sendQueue = new ArrayDeque<>();

    void add(RoomMember member) {
        byConnectionId.put(member.connectionId(), member);
        byName.put(member.nameKey, member);
        deadlines.touch(member);
    }

    /** The member in the room whose name has comparison key {@code nameKey}, or null. */
    RoomMember byName(String nameKey) {
        return byName.get(nameKey);
    }

    /** The member has left the room but stays here while its connection closes: it has no name any more. */
    void leftRoom(RoomMember member) {
        byName.remove(member.nameKey, member);
    }

    /** The member with this connection id, or null. */
    RoomMember get(long connectionId) {
        return byConnectionId.get(connectionId);
    }

    boolean containsConnectionId(long connectionId) {
        return byConnectionId.containsKey(connectionId);
    }

    /** {@code true} if {@code member} is still here (not removed since it was looked up). */
    boolean contains(RoomMember member) {
        return byConnectionId.get(member.connectionId()) == member;
    }

    /**
     * Takes the member out of routing and timers (if it is queued to send, {@link #nextToSend}
     * skips it), wipes its connection's keys (nothing more is sealed for it or opened from it), and
     * gives what its incomplete messages held back to the room's budget.
     */
    void remove(RoomMember member) {
        byConnectionId.remove(member.connectionId());
        byName.remove(member.nameKey, member);
        deadlines.remove(member);
        member.connection.discardKeys();
        member.incoming.release();
    }

    boolean isEmpty() {
        return byConnectionId.isEmpty();
    }

    /** Every member, in the order they were added. */
    Collection<RoomMember> all() {
        return byConnectionId.values();
    }

    /**
     * Something happened to the member: its deadline is recomputed before the order is next read.
     * A member that was removed meanwhile (by a frame it sent, say) stays out.
     */
    void touch(RoomMember member) {
        if (contains(member)) {
            deadlines.touch(member);
        }
    }

    /** The earliest deadline of any member, or {@link Long#MAX_VALUE}. */
    long firstDeadlineNanos() {
        return deadlines.first();
    }

    /** The members whose deadline is at or before {@code nowNanos}, or every member if {@code all}. */
    List<RoomMember> due(long nowNanos, boolean all) {
        return all ? new ArrayList<>(byConnectionId.values()) : deadlines.due(nowNanos);
    }

    /** Puts the member at the end of the send queue, unless it is already queued. */
    void enqueue(RoomMember member) {
        if (!member.queued) {
            member.queued = true;
            sendQueue.add(member);
        }
    }

    /** The next queued member still here, touched; or null if none is queued. */
    RoomMember nextToSend() {
        RoomMember member;
        while ((member = sendQueue.poll()) != null) {
            member.queued = false;
            if (contains(member)) {
                deadlines.touch(member);
                return member;
            }
        }
        return null;
    }
}
