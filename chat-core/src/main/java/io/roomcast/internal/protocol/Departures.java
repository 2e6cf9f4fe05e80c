package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How members leave the server. A member leaving the room ({@code LEFT}, {@code TIMED_OUT},
 * {@code TOO_SLOW}) is a room event every member sees, counted and reported to the host; one
 * dropped while it may still be listening (past its caps, behind the room log after an append,
 * or with a message left incomplete) is told CLOSE once, best effort. A member the host removes
 * ({@link #expel}) leaves the room at once but stays in the {@link MemberTable} while it drains
 * what the room logged before its removal, then is sent CLOSE until it acknowledges or the close
 * timeout passes; so is every member when the server closes ({@link #closeAll}). A member that
 * is gone ({@link #forget}) is out of routing and timers, with its keys wiped and its private
 * stream freed.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class Departures {
    private static final Logger log = LoggerFactory.getLogger(Departures.class);

    private final MemberTable members;
    private final PrivateMessages privateMessages;
    private final Queue<Datagram> replies;
    private final ServerStats stats;
    /** Where a member that fell behind the log is held, so that it may resume (with history). */
    private final HeldSessions held;
    private final RoomOrder order;

    /**
     * @param replies where a CLOSE to a member dropped for not keeping up goes
     * @param order   where leaves go to be ordered into the room
     */
    Departures(MemberTable members, PrivateMessages privateMessages, Queue<Datagram> replies,
               ServerStats stats, HeldSessions held, RoomOrder order) {
        this.order = order;
        this.held = held;
        this.members = members;
        this.privateMessages = privateMessages;
        this.replies = replies;
        this.stats = stats;
    }

    /**
     * The server is closing: every member is sent CLOSE until it acknowledges or the close timeout
     * passes — {@code SERVER_CLOSED}, reported to the host as a leave, or the reason the host
     * removed it for.
     */
    void closeAll(long now) {
        for (RoomMember member : List.copyOf(members.all())) {
            if (member.connection.isClosing()) {
                continue; // removed by the host, already being told
            }
            if (member.expelled()) {
                member.connection.startClosing(member.expelledFor, now, Timing.CLOSE_TIMEOUT_NANOS);
                members.enqueue(member);
                continue; // its leave was logged and reported when the host removed it
            }
            member.connection.startClosing(CloseReason.SERVER_CLOSED, now, Timing.CLOSE_TIMEOUT_NANOS);
            order.leave(member.username, CloseReason.SERVER_CLOSED, null);
            members.enqueue(member);
        }
    }

    /**
     * The host removes the member: its leave is a room event, and it is sent CLOSE with the reason,
     * re-sent until it acknowledges or the close timeout passes, so it learns why even under loss.
     * Its name is free at once (a kicked member may join again while the old connection closes).
     */
    void expel(long now, RoomMember member, CloseReason reason) {
        log.debug("the host removed {} ({})", member.username, reason);
        expelling(now, member, reason);
        order.leave(member.username, reason, member);
    }

    /**
     * The member is out of the room for {@code reason} (its name free at once): what the room
     * accepted before its leave still reaches it for a short while ({@link RoomOrder} ends its
     * stream there once the leave is ordered); then CLOSE tells it why.
     */
    void expelling(long now, RoomMember member, CloseReason reason) {
        members.leftRoom(member);
        member.expelledFor = reason;
        member.expelDeadlineNanos = now + Timing.LEAVE_DRAIN_NANOS;
        members.touch(member);
    }

    /** An expelled member that has everything from before its removal (or has had its time) is sent CLOSE. */
    void closeIfDrained(long now, RoomMember member) {
        if (member.expelled() && !member.connection.isClosing()
                && (member.events.drained() && member.privateDrained() || now >= member.expelDeadlineNanos)) {
            member.connection.startClosing(member.expelledFor, now, Timing.CLOSE_TIMEOUT_NANOS);
            members.touch(member);
            members.enqueue(member);
        }
    }

    /** Removes the member {@code TOO_SLOW} if it is {@link RoomMember#pastLimits}; {@code true} if it was. */
    boolean removeIfPastLimits(RoomMember member) {
        if (!members.contains(member) || member.connection.isClosing() || !member.pastLimits()) {
            return false;
        }
        log.debug("{} holds more than a member that keeps up can: removed", member.username);
        removeFromRoom(member, CloseReason.TOO_SLOW, true);
        return true;
    }

    /** The member is gone from the engine: no more routing or timers, and its private stream is freed. */
    void forget(RoomMember member) {
        members.remove(member);
        privateMessages.forget(member);
        if (member.resumeKey != null) {
            java.util.Arrays.fill(member.resumeKey, (byte) 0);
        }
        member.dropPreviousResume();
    }

    /**
     * The member leaves the room for {@code reason}: its leave is an event every member sees.
     *
     * @param tellMember send it a CLOSE, once: it may still be listening
     */
    void removeFromRoom(RoomMember member, CloseReason reason, boolean tellMember) {
        removeFromRoom(member, reason, tellMember, false);
    }

    /**
     * As {@link #removeFromRoom(RoomMember, CloseReason, boolean)}, for a member whose session was
     * just held ({@code sessionHeld}): every node holds it too.
     */
    void removeFromRoom(RoomMember member, CloseReason reason, boolean tellMember, boolean sessionHeld) {
        if (!members.contains(member)) {
            return; // already gone: a leave that removed others found it too slow as well
        }
        if (tellMember || member.expelled()) {
            // best effort: it is being dropped because it is not keeping up, so no retransmission;
            // sealed before it leaves the table, which wipes its keys. One the host removed still
            // learns why (its leave was logged then), whatever ends its drain early.
            CloseReason told = member.expelled() ? member.expelledFor : reason;
            replies.add(new Datagram(member.address, member.connection.packetOf(new Frame.Close(told))));
        }
        forget(member);
        if (member.expelled()) {
            return; // already out of the room: its leave was logged when the host removed it
        }
        order.leave(member.username, reason, null, sessionHeld); // the leave event, the count and the host's call come when it is ordered
    }

    /**
     * An event was appended to the room log: every member is queued to send it, except one whose
     * next event has left the log, which leaves {@code TOO_SLOW}.
     */
    void eventAppended() {
        List<RoomMember> tooSlow = null;
        for (RoomMember member : members.all()) {
            if (!member.connection.isClosing() && member.events.fellBehind()) {
                if (tooSlow == null) {
                    tooSlow = new ArrayList<>();
                }
                tooSlow.add(member);
            } else {
                members.enqueue(member);
            }
        }
        if (tooSlow != null) {
            // the next event such a member needs has left the log: it can never catch up
            for (RoomMember member : tooSlow) {
                log.debug("{} fell too far behind the room", member.username);
                if (held.enabled() && member.connection.unanswered(held.now()) && members.contains(member)
                        && !member.expelled()) {
                    // cut off while the room was busy: its session is held for it to come back,
                    // with history, and it is not told CLOSE (a client that got one would end for
                    // good, and its name would stay held for nobody); the others see it time out,
                    // as for every held member
                    removeFromRoom(member, CloseReason.TIMED_OUT, false, held.hold(member));
                } else {
                    // listening but not keeping up: told TOO_SLOW, it ends, and its name is free
                    removeFromRoom(member, CloseReason.TOO_SLOW, true);
                }
            }
        }
    }
}
