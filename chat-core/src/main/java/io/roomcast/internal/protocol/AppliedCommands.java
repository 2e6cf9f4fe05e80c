package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Command;
import io.roomcast.internal.room.MemberSession;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.RoomHistory;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import java.util.Optional;

/**
 * What applying each committed {@link Command} does, on every node the same from the same room:
 * the room's change, the events its members and host are told, and — for a member this node
 * serves — what finishes it (a WELCOME or REJECT, an expelled member's stream ended before its
 * leave, a member removed elsewhere forgotten here). Decisions depend on the commands alone
 * (their wall-clock time is the room's clock, {@link RoomOrder#roomNanos}).
 *
 * <p>Not thread-safe: owned by the server engine's thread, called by {@link RoomOrder#apply}.
 */
final class AppliedCommands {
    private final RoomOrder order;
    private final Room room;
    private final MemberTable members;
    private final HeldSessions held;
    private final ServerEventSink sink;
    private final ServerStats stats;
    private final Departures departures;
    private final MemberAdmission admission;
    private final PrivateMessages privateMessages;
    private final Moderation moderation;

    AppliedCommands(RoomOrder order, Room room, MemberTable members, HeldSessions held, ServerEventSink sink,
                    ServerStats stats, Departures departures, MemberAdmission admission,
                    PrivateMessages privateMessages, Moderation moderation) {
        this.order = order;
        this.room = room;
        this.members = members;
        this.held = held;
        this.sink = sink;
        this.stats = stats;
        this.departures = departures;
        this.admission = admission;
        this.privateMessages = privateMessages;
        this.moderation = moderation;
    }

    /** Applies one committed command at {@code now} on the engine's clock. */
    void apply(long now, Command command) {
        if (command instanceof Command.Join join) {
            applyJoin(now, join);
        } else if (command instanceof Command.Say say) {
            if (room.member(say.username()).isEmpty()
                    || !room.session(say.username()).map(session -> session.processed(say.messageId())).orElse(true)) {
                return; // it left before its message was ordered, or it was sent again after a failover
            }
            EventFrame event = room.message(say.username(), say.messageId(), say.text(), say.wallMillis());
            stats.messagesAccepted++;
            sink.message(event.sequence(), event.username(), event.text(), event.timestampMillis());
            order.appended();
        } else if (command instanceof Command.Leave leave) {
            applyLeave(now, leave.username(), leave.reason(), leave.wallMillis(), leave.origin().equals(order.nodeId()),
                    leave.holdNanos());
        } else if (command instanceof Command.Announce announce) {
            room.announce(announce.text(), announce.wallMillis());
            order.appended();
        } else if (command instanceof Command.Mute mute) {
            if (room.mute(mute.username(), RoomOrder.saturatedAdd(RoomOrder.roomNanos(mute.wallMillis()), mute.durationNanos()),
                    RoomOrder.saturatedAdd(mute.wallMillis(), mute.durationNanos() / 1_000_000), mute.wallMillis()).isPresent()) {
                order.appended();
            }
        } else if (command instanceof Command.Unmute unmute) {
            if (room.unmute(unmute.username(), RoomOrder.roomNanos(unmute.wallMillis()), unmute.wallMillis()).isPresent()) {
                order.appended();
            }
        } else if (command instanceof Command.Private message) {
            privateMessages.arrived(now, message.sender(), message.messageId(), message.recipient(), message.text(),
                    message.wallMillis(), departures);
        } else if (command instanceof Command.Ban ban) {
            moderation.banned(now, RoomOrder.roomNanos(ban.wallMillis()), ban.username(), ban.address(), ban.durationNanos());
        } else if (command instanceof Command.Unban unban) {
            room.sanctions().unban(Username.key(unban.username()), RoomOrder.roomNanos(unban.wallMillis()));
        } else if (command instanceof Command.NodeLost lost) {
            for (String name : room.membersOf(lost.node())) {
                applyLeave(now, name, CloseReason.TIMED_OUT, lost.wallMillis(), false, lost.holdNanos());
            }
        }
    }

    private void applyJoin(long now, Command.Join join) {
        boolean fromHere = join.origin().equals(order.nodeId());
        WaitingJoins.WaitingJoin waiting = fromHere ? order.waitingJoins.take(join.connectionId()) : null;
        try {
            applyJoin(now, join, fromHere, waiting);
        } finally {
            // the room's session and the member hold copies: the command's (and the waiting join's) go
            java.util.Arrays.fill(join.session().resumeKey(), (byte) 0);
            if (waiting != null) {
                java.util.Arrays.fill(waiting.session().resumeKey(), (byte) 0);
            }
        }
    }

    private void applyJoin(long now, Command.Join join, boolean fromHere, WaitingJoins.WaitingJoin waiting) {
        if (join.session().resumes() && !fromHere) {
            held.discard(join.session().resumedId()); // resumed on another node: this node's copy is spent
        }
        Optional<Room.Refusal> refusal = room.checkAdmission(join.username(), RoomOrder.roomNanos(join.wallMillis()),
                join.session().resumes());
        if (refusal.isPresent()) {
            if (waiting != null) {
                waiting.refused(now, refusal.get()); // another node admitted the name first
            }
            return;
        }
        if (join.session().resumes()) {
            room.release(join.username()); // the name held for it is its own again
        }
        RoomHistory.Snapshot history = room.history().snapshot(); // before the join: its own join is not history
        EventFrame joined = room.join(join.username(), join.origin(), join.address(), join.wallMillis());
        Command.Resume session = join.session();
        if (session.resumeId().length > 0) {
            // the floor a later resume must reach to continue without a gap: on a gapless resume the
            // member's delivered position (a second outage before the replay caught up is no gap),
            // else the join that history was sent for — the same on every node
            long floor = RoomOrder.nothingMissed(session, room.log().firstSequence(), joined.sequence())
                    ? session.lastDelivered() : joined.sequence();
            room.session(joined.username(), new MemberSession(session.resumeId(), session.resumeKey(), floor,
                    session.lastProcessedId()));
        }
        if (waiting != null) {
            admission.joined(now, waiting, joined, history);
        } else if (join.origin().equals(order.nodeId())) {
            // its handshake ended (expired, or the server is closing) before the room took it
            sink.memberJoined(joined.sequence(), joined.username(), join.address());
            order.appended();
            order.leave(joined.username(), CloseReason.TIMED_OUT, null);
        } else {
            sink.memberJoined(joined.sequence(), joined.username(), join.address());
            order.appended();
        }
    }

    /**
     * @param fromHere whether this node's server made the leave, having dealt with its member itself
     * @param holdNanos for how long the member's name is held for it to resume, on the room's clock
     *                  from the leave's time (its session too, here, if not from here); 0: not held
     */
    private void applyLeave(long now, String username, CloseReason reason, long wallMillis, boolean fromHere,
                            long holdNanos) {
        Optional<Room.Seat> seat = room.seat(username);
        Optional<String> display = room.member(username);
        if (holdNanos > 0 && display.isPresent()) {
            long at = RoomOrder.roomNanos(wallMillis);
            room.hold(display.get(), RoomOrder.saturatedAdd(at, holdNanos), at);
            if (!fromHere) {
                room.session(username).ifPresent(session -> held.hold(display.get(), session));
            }
        }
        Optional<EventFrame> left = room.leave(username, reason, wallMillis);
        if (left.isEmpty()) {
            return; // it had left already (a node lost after its members left, say)
        }
        String key = Username.key(username);
        long sequence = left.get().sequence();
        RoomMember expelled = order.expelling.remove(key);
        RoomMember here = fromHere ? null : members.byName(key);
        if (expelled == null && here != null) {
            // removed by another node: its host's kick or ban, or this node counted as lost
            if (reason == CloseReason.KICKED || reason == CloseReason.BANNED) {
                expelled = here;
                departures.expelling(now, here, reason);
            } else {
                departures.forget(here); // not told: it comes back through resume, or joins again
            }
        }
        if (expelled != null) {
            expelled.events.endBefore(sequence); // it gets what the room accepted before its leave, not after
        }
        stats.departures[reason.ordinal()]++;
        sink.memberLeft(sequence, left.get().username(), seat.map(Room.Seat::address).orElse(null), reason);
        order.appended();
        if (expelled != null) {
            departures.closeIfDrained(now, expelled);
        }
    }
}
