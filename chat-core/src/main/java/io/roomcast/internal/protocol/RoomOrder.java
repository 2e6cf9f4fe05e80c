package io.roomcast.internal.protocol;

import io.roomcast.internal.room.AttemptThrottle;
import io.roomcast.internal.room.Command;
import io.roomcast.internal.room.MemberSession;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.RoomHistory;
import io.roomcast.internal.room.RoomSnapshot;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.RejectReason;
import io.roomcast.spi.RoomBackend;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine's changes to the room go through its {@link RoomBackend}: a join, a message, a
 * leave, an announcement, a mute is submitted as a {@link Command}, and changes the room only when
 * the backend hands it back, committed, to {@link #apply} — at once with the in-process backend
 * (one server: the same calls, in the same order, as without a backend), later with a replicating
 * one, on every node in the same order. Applying a command of this node finishes what it started:
 * the joining member's WELCOME, or its REJECT if the room refused it meanwhile; an expelled
 * member's stream ends before its own leave.
 *
 * <p>The engine's {@link RoomStateMachine}: every method runs on the engine's thread (the runtime
 * hands calls from a backend's threads over to it).
 */
final class RoomOrder implements RoomStateMachine {
    private static final Logger log = LoggerFactory.getLogger(RoomOrder.class);

    /** How long a join waits for its backend to order it before it is refused {@code ROOM_UNAVAILABLE}: 5 s, half a client's default connect timeout, so that it hears why. */
    static final long JOIN_ORDER_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    /** The most joins waiting to be ordered; past it a join is refused {@code SERVER_BUSY}. */
    static final int MAX_WAITING_JOINS = HandshakeResponder.MAX_PENDING_HANDSHAKES;
    /** The most leaves kept to be ordered once the backend can: the member limit's default. */
    static final int MAX_UNORDERED_LEAVES = 1024;
    /** The detail of a {@code ROOM_UNAVAILABLE} refusal. */
    static final String UNAVAILABLE = "the room is unavailable on this server: it cannot reach the majority of its"
            + " cluster; try again, or another server";

    private final Room room;
    private final MemberTable members;
    private final HeldSessions held;
    private final ServerEventSink sink;
    private final ServerStats stats;
    private final LongSupplier wallClockMillis;
    private final LongSupplier nanoClock;
    private final Map<Long, WaitingJoin> waitingJoins = new LinkedHashMap<>();
    /** How many joins wait per address group (as the handshakes count them): at most {@link HandshakeResponder#MAX_PENDING_PER_ADDRESS}. */
    private final Map<Object, Integer> waitingPerGroup = new java.util.HashMap<>();
    /** Members this node's host removed, until their leave is applied, by name key. */
    private final Map<String, RoomMember> expelling = new LinkedHashMap<>();
    private final java.util.ArrayDeque<Command.Leave> unorderedLeaves = new java.util.ArrayDeque<>();
    private RoomBackend backend;
    private String nodeId = Room.LOCAL_NODE;
    private boolean available = true;
    private boolean closing;
    private Departures departures;
    private MemberAdmission admission;
    private PrivateMessages privateMessages;
    private Moderation moderation;

    RoomOrder(Room room, MemberTable members, HeldSessions held, ServerEventSink sink, ServerStats stats,
              LongSupplier wallClockMillis, LongSupplier nanoClock) {
        this.held = held;
        this.room = room;
        this.members = members;
        this.sink = sink;
        this.stats = stats;
        this.wallClockMillis = wallClockMillis;
        this.nanoClock = nanoClock;
    }

    /** Wires the parts that finish what applied commands started. */
    void wire(Departures departures, MemberAdmission admission, PrivateMessages privateMessages,
              Moderation moderation) {
        this.moderation = moderation;
        this.privateMessages = privateMessages;
        this.departures = departures;
        this.admission = admission;
    }

    /** Orders through {@code backend}, whose node id this node's commands carry. */
    void orderThrough(RoomBackend backend) {
        this.backend = backend;
        this.nodeId = backend.nodeId();
    }

    String nodeId() {
        return nodeId;
    }

    // ---------------------------------------------------------------- submitting

    /** @return whether the backend took it ({@code false}: this node cannot order anything now) */
    private boolean submit(Command command) {
        return available && backend.submit(command);
    }

    /**
     * Asks for a member to join; the room's answer comes at {@link #apply}. Refused at once
     * {@code ROOM_UNAVAILABLE} when the backend cannot order, {@code SERVER_BUSY} when too many wait.
     */
    void join(long now, WaitingJoin waiting) {
        if (waitingJoins.size() >= MAX_WAITING_JOINS) {
            waiting.refused(now, new Room.Refusal(RejectReason.SERVER_BUSY, "too many joins are waiting; try again"));
            return;
        }
        Object group = AttemptThrottle.groupOf(waiting.handshake().address().getAddress());
        if (waitingPerGroup.getOrDefault(group, 0) >= HandshakeResponder.MAX_PENDING_PER_ADDRESS) {
            waiting.refused(now, new Room.Refusal(RejectReason.SERVER_BUSY, HandshakeResponder.BUSY_AT_ADDRESS_DETAIL));
            return;
        }
        long id = waiting.handshake().connectionId();
        waitingJoins.put(id, waiting);
        waitingPerGroup.merge(group, 1, Integer::sum);
        if (!submit(new Command.Join(nodeId, waiting.username(), id, waiting.handshake().address(),
                wallClockMillis.getAsLong(), waiting.session()))) {
            takeWaiting(id);
            waiting.refused(now, new Room.Refusal(RejectReason.ROOM_UNAVAILABLE, UNAVAILABLE));
        }
    }

    /** The waiting join of connection {@code id}, no longer waiting; or {@code null}. */
    private WaitingJoin takeWaiting(long id) {
        WaitingJoin waiting = waitingJoins.remove(id);
        if (waiting != null) {
            waitingPerGroup.computeIfPresent(AttemptThrottle.groupOf(waiting.handshake().address().getAddress()),
                    (group, count) -> count == 1 ? null : count - 1);
        }
        return waiting;
    }

    /** A member's message; refused {@code ROOM_UNAVAILABLE} when the backend cannot order it. */
    void say(RoomMember member, long messageId, String text) {
        if (!submit(new Command.Say(nodeId, member.username, messageId, text, wallClockMillis.getAsLong()))) {
            member.incoming.refuse(messageId, ErrorCode.ROOM_UNAVAILABLE, UNAVAILABLE);
        }
    }

    /** The member leaves for {@code reason}; if this node's host removed it, {@code expelled} is it. */
    void leave(String username, CloseReason reason, RoomMember expelled) {
        leave(username, reason, expelled, false);
    }

    /**
     * The member leaves for {@code reason}; if this node's host removed it, {@code expelled} is it;
     * {@code hold}: this node held its session for it to resume, and every other node holds it too.
     */
    void leave(String username, CloseReason reason, RoomMember expelled, boolean hold) {
        if (expelled != null) {
            expelling.put(Username.key(username), expelled);
        }
        Command.Leave leave = new Command.Leave(nodeId, username, reason, wallClockMillis.getAsLong(),
                hold ? held.windowNanos() : 0);
        if (!submit(leave)) {
            keepUnordered(leave);
        }
    }

    /** A private message for a member of another node; refused {@code ROOM_UNAVAILABLE} when it cannot be ordered. */
    void privateMessage(RoomMember sender, long messageId, String recipient, String text) {
        if (!submit(new Command.Private(nodeId, sender.username, messageId, recipient, text,
                wallClockMillis.getAsLong()))) {
            sender.incoming.refuse(messageId, ErrorCode.ROOM_UNAVAILABLE, UNAVAILABLE);
        }
    }

    /**
     * A leave the backend could not order is kept and submitted again once it can (or the room
     * would keep a member that is gone, its name taken, on every node); at most
     * {@link #MAX_UNORDERED_LEAVES}, the oldest dropped first (the cluster then reports that
     * member when this node is lost).
     */
    private void keepUnordered(Command.Leave leave) {
        log.debug("{} left ({}) while the room cannot order: ordered once it can", leave.username(), leave.reason());
        if (unorderedLeaves.size() >= MAX_UNORDERED_LEAVES) {
            unorderedLeaves.removeFirst();
        }
        unorderedLeaves.addLast(leave);
    }

    /** The host's announcement. @return whether it was taken */
    boolean announce(String text) {
        return submit(new Command.Announce(nodeId, text, wallClockMillis.getAsLong()));
    }

    /** The host mutes a member. @return whether it was taken */
    boolean mute(String username, long durationNanos) {
        return submit(new Command.Mute(nodeId, username, durationNanos, wallClockMillis.getAsLong()));
    }

    /** The host bans a name (and an address group). */
    void ban(String username, byte[] address, long durationNanos) {
        submit(new Command.Ban(nodeId, username, address, durationNanos, wallClockMillis.getAsLong()));
    }

    /** The host lifts a ban. @return whether it was taken */
    boolean unban(String username) {
        return submit(new Command.Unban(nodeId, username, wallClockMillis.getAsLong()));
    }

    /** The host lifts a mute. @return whether it was taken */
    boolean unmute(String username) {
        return submit(new Command.Unmute(nodeId, username, wallClockMillis.getAsLong()));
    }

    // ---------------------------------------------------------------- applying

    @Override
    public void apply(RoomCommand command) {
        long now = nanoClock.getAsLong();
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
            appended();
        } else if (command instanceof Command.Leave leave) {
            applyLeave(now, leave.username(), leave.reason(), leave.wallMillis(), leave.origin().equals(nodeId),
                    leave.holdNanos());
        } else if (command instanceof Command.Announce announce) {
            room.announce(announce.text(), announce.wallMillis());
            appended();
        } else if (command instanceof Command.Mute mute) {
            if (room.mute(mute.username(), saturatedAdd(roomNanos(mute.wallMillis()), mute.durationNanos()),
                    saturatedAdd(mute.wallMillis(), mute.durationNanos() / 1_000_000), mute.wallMillis()).isPresent()) {
                appended();
            }
        } else if (command instanceof Command.Unmute unmute) {
            if (room.unmute(unmute.username(), roomNanos(unmute.wallMillis()), unmute.wallMillis()).isPresent()) {
                appended();
            }
        } else if (command instanceof Command.Private message) {
            privateMessages.arrived(now, message.sender(), message.messageId(), message.recipient(), message.text(),
                    message.wallMillis(), departures);
        } else if (command instanceof Command.Ban ban) {
            moderation.banned(now, roomNanos(ban.wallMillis()), ban.username(), ban.address(), ban.durationNanos());
        } else if (command instanceof Command.Unban unban) {
            room.sanctions().unban(Username.key(unban.username()), roomNanos(unban.wallMillis()));
        } else if (command instanceof Command.NodeLost lost) {
            for (String name : room.membersOf(lost.node())) {
                applyLeave(now, name, CloseReason.TIMED_OUT, lost.wallMillis(), false, lost.holdNanos());
            }
        }
    }

    private void applyJoin(long now, Command.Join join) {
        boolean fromHere = join.origin().equals(nodeId);
        WaitingJoin waiting = fromHere ? takeWaiting(join.connectionId()) : null;
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

    private void applyJoin(long now, Command.Join join, boolean fromHere, WaitingJoin waiting) {
        if (join.session().resumes() && !fromHere) {
            held.discard(join.session().resumedId()); // resumed on another node: this node's copy is spent
        }
        Optional<Room.Refusal> refusal = room.checkAdmission(join.username(), roomNanos(join.wallMillis()),
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
            long floor = nothingMissed(session, room.log().firstSequence(), joined.sequence())
                    ? session.lastDelivered() : joined.sequence();
            room.session(joined.username(), new MemberSession(session.resumeId(), session.resumeKey(), floor,
                    session.lastProcessedId()));
        }
        if (waiting != null) {
            admission.joined(now, waiting, joined, history);
        } else if (join.origin().equals(nodeId)) {
            // its handshake ended (expired, or the server is closing) before the room took it
            sink.memberJoined(joined.sequence(), joined.username(), join.address());
            appended();
            leave(joined.username(), CloseReason.TIMED_OUT, null);
        } else {
            sink.memberJoined(joined.sequence(), joined.username(), join.address());
            appended();
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
            long at = roomNanos(wallMillis);
            room.hold(display.get(), saturatedAdd(at, holdNanos), at);
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
        RoomMember expelled = expelling.remove(key);
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
        appended();
        if (expelled != null) {
            departures.closeIfDrained(now, expelled);
        }
    }

    // ---------------------------------------------------------------- the rest of the state machine

    @Override
    public RoomCommand decode(byte[] bytes) {
        return Command.decode(bytes);
    }

    @Override
    public RoomCommand nodeLost(String node) {
        return new Command.NodeLost(nodeId, node, wallClockMillis.getAsLong(), held.windowNanos());
    }

    @Override
    public Set<String> nodesWithMembers() {
        return room.nodes();
    }

    @Override
    public void availabilityChanged(boolean available) {
        if (this.available != available) {
            log.info("the room {} available on node {}", available ? "is" : "is not", nodeId);
        }
        this.available = available;
        while (available && !unorderedLeaves.isEmpty() && this.available) {
            Command.Leave leave = unorderedLeaves.removeFirst();
            if (!submit(leave)) {
                unorderedLeaves.addFirst(leave);
                return;
            }
        }
    }

    /** Whether the backend can order now. */
    boolean available() {
        return available;
    }

    @Override
    public void failed(RoomCommand command) {
        long now = nanoClock.getAsLong();
        if (command instanceof Command.Join join) {
            WaitingJoin waiting = takeWaiting(join.connectionId());
            if (waiting != null) {
                waiting.refused(now, new Room.Refusal(RejectReason.ROOM_UNAVAILABLE, UNAVAILABLE));
            }
        } else if (command instanceof Command.Say say) {
            refuse(say.username(), say.messageId());
        } else if (command instanceof Command.Private message) {
            refuse(message.sender(), message.messageId());
        } else if (command instanceof Command.Leave leave) {
            keepUnordered(leave);
        }
    }

    private void refuse(String username, long messageId) {
        RoomMember member = members.byName(Username.key(username));
        if (member != null) {
            member.incoming.refuse(messageId, ErrorCode.ROOM_UNAVAILABLE, UNAVAILABLE);
            members.enqueue(member);
        }
    }

    @Override
    public void writeSnapshot(DataOutput out) throws IOException {
        RoomSnapshot.write(room, out);
        held.writeTo(out);
    }

    @Override
    public void readSnapshot(DataInput in) throws IOException {
        // both parts read and checked before either changes: a damaged snapshot changes nothing
        RoomSnapshot.Parsed parsedRoom = RoomSnapshot.parse(room, in);
        java.util.List<HeldSessions.Held> parsedHeld;
        try {
            parsedHeld = held.parse(in);
        } catch (IOException | RuntimeException e) {
            parsedRoom.discard();
            throw e;
        }
        parsedRoom.applyTo(room);
        held.replaceWith(parsedHeld);
        for (RoomMember member : java.util.List.copyOf(members.all())) { // forgetting one removes it from the table
            if (room.member(member.username).isEmpty() && !member.expelled() && !member.connection.isClosing()) {
                departures.forget(member); // the room moved on without it
            }
        }
    }

    /** Joins that waited too long for the backend are refused {@code ROOM_UNAVAILABLE}. */
    void expire(long now) {
        for (Iterator<WaitingJoin> it = waitingJoins.values().iterator(); it.hasNext(); ) {
            WaitingJoin waiting = it.next();
            if (now - waiting.since() < JOIN_ORDER_TIMEOUT_NANOS) {
                break; // in insertion order, which is expiry order
            }
            takeWaiting(waiting.handshake().connectionId());
            waiting.refused(now, new Room.Refusal(RejectReason.ROOM_UNAVAILABLE, UNAVAILABLE));
            it = waitingJoins.values().iterator();
        }
    }

    /** When the oldest waiting join expires, or {@code Long.MAX_VALUE}. */
    long nextExpiryNanos() {
        Iterator<WaitingJoin> it = waitingJoins.values().iterator();
        return it.hasNext() ? it.next().since() + JOIN_ORDER_TIMEOUT_NANOS : Long.MAX_VALUE;
    }

    /** Every waiting join ends unanswered: the server is closing. */
    void abandonAll() {
        waitingJoins.values().forEach(WaitingJoin::abandon);
        waitingJoins.clear();
        waitingPerGroup.clear();
    }

    /**
     * An event was appended: members are queued to send it (and one the log left behind leaves) —
     * not while the server closes, when every member is being told {@code SERVER_CLOSED} and
     * nothing else may remove one.
     */
    private void appended() {
        if (!closing) {
            departures.eventAppended();
        }
    }

    /** The server closes: the leaves it orders for its members append nothing else's consequences. */
    void closing() {
        closing = true;
    }

    /**
     * Whether a resuming member missed nothing: its position (proved, but a client may be hostile)
     * lies in its own stream and in the log — not below its floor nor below one before the log's
     * first event, not past the last event before this join; no arithmetic on it, which would
     * overflow at {@code Long.MAX_VALUE}.
     */
    static boolean nothingMissed(Command.Resume session, long firstSequence, long joinedSequence) {
        long lastDelivered = session.lastDelivered();
        return session.resumes() && lastDelivered >= session.resumedFloor() && lastDelivered >= firstSequence - 1
                && lastDelivered < joinedSequence;
    }

    /**
     * The room's clock: a command's wall-clock time in nanoseconds. Bans, mutes and held names
     * lapse by it, and whatever {@link #apply} decides by them depends on the commands alone, the
     * same on every node. Checks outside {@code apply} (a HELLO from a banned address, a muted
     * member's message) read it from the local wall clock ({@link #roomNanosNow}).
     */
    static long roomNanos(long wallMillis) {
        return wallMillis > Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE
                : wallMillis < Long.MIN_VALUE / 1_000_000 ? Long.MIN_VALUE : wallMillis * 1_000_000;
    }

    /** The room's clock now, by this node's wall clock. */
    long roomNanosNow() {
        return roomNanos(wallClockMillis.getAsLong());
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

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
}
