package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Command;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.RoomSnapshot;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.RejectReason;
import io.roomcast.spi.RoomBackend;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /** How long a join waits for its backend to order it ({@link WaitingJoins#TIMEOUT_NANOS}). */
    static final long JOIN_ORDER_TIMEOUT_NANOS = WaitingJoins.TIMEOUT_NANOS;
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
    final WaitingJoins waitingJoins = new WaitingJoins();
    /** Members this node's host removed, until their leave is applied, by name key. */
    final Map<String, RoomMember> expelling = new LinkedHashMap<>();
    private final java.util.ArrayDeque<Command.Leave> unorderedLeaves = new java.util.ArrayDeque<>();
    private RoomBackend backend;
    private String nodeId = Room.LOCAL_NODE;
    private boolean available = true;
    private boolean closing;
    private Departures departures;
    private AppliedCommands applied;

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
        this.departures = departures;
        this.applied = new AppliedCommands(this, room, members, held, sink, stats, departures, admission,
                privateMessages, moderation);
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
    void join(long now, WaitingJoins.WaitingJoin waiting) {
        Room.Refusal busy = waitingJoins.add(waiting);
        if (busy != null) {
            waiting.refused(now, busy);
            return;
        }
        long id = waiting.handshake().connectionId();
        if (!submit(new Command.Join(nodeId, waiting.username(), id, waiting.handshake().address(),
                wallClockMillis.getAsLong(), waiting.session()))) {
            waitingJoins.take(id);
            waiting.refused(now, new Room.Refusal(RejectReason.ROOM_UNAVAILABLE, UNAVAILABLE));
        }
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
        applied.apply(nanoClock.getAsLong(), (Command) command);
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
        submitUnordered();
    }

    /** Submits the leaves kept for later, oldest first, while the backend takes them. */
    private void submitUnordered() {
        while (available && !unorderedLeaves.isEmpty()) {
            Command.Leave leave = unorderedLeaves.removeFirst();
            if (!backend.submit(leave)) {
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
            WaitingJoins.WaitingJoin waiting = waitingJoins.take(join.connectionId());
            if (waiting != null) {
                waiting.refused(now, new Room.Refusal(RejectReason.ROOM_UNAVAILABLE, UNAVAILABLE));
            }
        } else if (command instanceof Command.Say say) {
            refuse(say.username(), say.messageId());
        } else if (command instanceof Command.Private message) {
            refuse(message.sender(), message.messageId());
        } else if (command instanceof Command.Leave leave) {
            keepUnordered(leave);
            submitUnordered(); // availability may not have changed (a fence settled it): again now
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
        waitingJoins.expire(now, UNAVAILABLE);
    }

    /** When the oldest waiting join expires, or {@code Long.MAX_VALUE}. */
    long nextExpiryNanos() {
        return waitingJoins.nextExpiryNanos();
    }

    /** Every waiting join ends unanswered: the server is closing. */
    void abandonAll() {
        waitingJoins.abandonAll();
    }

    /**
     * An event was appended: members are queued to send it (and one the log left behind leaves) —
     * not while the server closes, when every member is being told {@code SERVER_CLOSED} and
     * nothing else may remove one.
     */
    void appended() {
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

}
