package io.roomcast.internal.room;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.RejectReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The room: who is in it (usernames unique ignoring case) and the log of what happened in it,
 * in one order. The server stamps sender, sequence and time on every event here, so no
 * client can speak as another.
 *
 * <p>Not thread-safe: owned by the I/O thread.
 */
public final class Room {
    private final String name;
    private final int maxMembers;
    private final RoomLog log;
    private final RoomHistory history;
    private final Sanctions sanctions = new Sanctions();
    /** The node of a room served by one server alone. */
    public static final String LOCAL_NODE = "local";

    private final Map<String, String> membersByKey = new LinkedHashMap<>();
    /** Each member's node and address, by key. */
    private final Map<String, Seat> seats = new LinkedHashMap<>();
    /** Each member's session as every node knows it, by key, for members that have one. */
    private final Map<String, MemberSession> sessions = new java.util.HashMap<>();
    /** How many members each node serves; a node with none is not here. */
    private final Map<String, Integer> membersPerNode = new java.util.HashMap<>();
    /** Names held for members that timed out and may resume, by key, in holding order. */
    private final Map<String, String> heldByKey = new LinkedHashMap<>();
    /** When each held name lapses, on the room's clock, by key. */
    private final Map<String, Long> heldUntilByKey = new java.util.HashMap<>();

    /**
     * An empty room.
     *
     * @param name        the room name
     * @param maxMembers  the most members it admits
     * @param logCapacity how many events the log keeps at most
     * @param logBytes    how many bytes of events the log keeps at most
     */
    public Room(String name, int maxMembers, int logCapacity, long logBytes) {
        this(name, maxMembers, logCapacity, logBytes, 0);
    }

    /**
     * An empty room that keeps its last {@code historySize} messages for newcomers, within
     * {@code logBytes} bytes.
     *
     * @throws IllegalArgumentException if {@code historySize} is outside 0..{@link RoomHistory#MAX_SIZE}
     */
    public Room(String name, int maxMembers, int logCapacity, long logBytes, int historySize) {
        this.name = name;
        this.maxMembers = maxMembers;
        this.log = new RoomLog(logCapacity, logBytes);
        this.history = new RoomHistory(historySize, logBytes);
    }

    /** The room name. */
    public String name() {
        return name;
    }

    /** The log. */
    public RoomLog log() {
        return log;
    }

    /** The last messages, for newcomers. */
    public RoomHistory history() {
        return history;
    }

    /** The host's bans and mutes. */
    public Sanctions sanctions() {
        return sanctions;
    }

    /** The name a member joined with, found by any name that compares equal to it, or empty. */
    public Optional<String> member(String username) {
        return Optional.ofNullable(membersByKey.get(Username.key(username)));
    }

    /**
     * Why {@code username} may not join now, or empty if it may.
     *
     * @return the reason and a human-readable detail
     */
    public Optional<Refusal> checkAdmission(String username) {
        return checkAdmission(username, 0, Long.MIN_VALUE);
    }

    /**
     * Why {@code username} may not join now, or empty if it may; a banned name is refused too.
     *
     * @param nowNanos the engine's clock, against which bans lapse
     * @return the reason and a human-readable detail
     */
    public Optional<Refusal> checkAdmission(String username, long nowNanos) {
        return checkAdmission(username, nowNanos, nowNanos, false);
    }

    /**
     * As {@link #checkAdmission(String, long)}, for a member resuming the session its name is held
     * for ({@code resuming}): the hold does not refuse it.
     *
     * @param nowNanos the room's clock, against which bans and holds lapse
     */
    public Optional<Refusal> checkAdmission(String username, long nowNanos, boolean resuming) {
        return checkAdmission(username, nowNanos, nowNanos, resuming);
    }

    private Optional<Refusal> checkAdmission(String username, long nowNanos, long banClock) {
        return checkAdmission(username, nowNanos, banClock, false);
    }

    private Optional<Refusal> checkAdmission(String username, long nowNanos, long banClock, boolean resuming) {
        Optional<String> problem = Username.problem(username);
        if (problem.isPresent()) {
            return Optional.of(new Refusal(RejectReason.INVALID_USERNAME, problem.get()));
        }
        long banned = banClock == Long.MIN_VALUE ? 0 : sanctions.nameBannedFor(Username.key(username), nowNanos);
        if (banned > 0) {
            return Optional.of(new Refusal(RejectReason.BANNED, bannedDetail(banned)));
        }
        Long heldUntil = heldUntilByKey.get(Username.key(username));
        if (!resuming && heldUntil != null && (banClock == Long.MIN_VALUE || nowNanos < heldUntil)) {
            return Optional.of(new Refusal(RejectReason.USERNAME_TAKEN, "the username '"
                    + heldByKey.get(Username.key(username)) + "' is held for its member, who may come back"));
        }
        if (membersByKey.containsKey(Username.key(username))) {
            return Optional.of(new Refusal(RejectReason.USERNAME_TAKEN,
                    "the username '" + membersByKey.get(Username.key(username)) + "' is taken (usernames ignore case)"));
        }
        if (membersByKey.size() >= maxMembers) {
            return Optional.of(new Refusal(RejectReason.ROOM_FULL, "the room is full (" + maxMembers + " members)"));
        }
        return Optional.empty();
    }

    /** Holds a name until it is {@link #release released} (a snapshot's held name, a test's). */
    public void hold(String displayName) {
        hold(displayName, Long.MAX_VALUE, Long.MIN_VALUE);
    }

    /**
     * Holds a name that just left, for its member to resume: {@link #checkAdmission} refuses it
     * ({@code USERNAME_TAKEN}) until {@code untilNanos} on the room's clock, or until
     * {@link #release}. Held names do not count towards the room's size. Holds that lapsed by
     * {@code nowNanos} are forgotten first; at most the room's member limit are kept, the oldest
     * forgotten first. Every step depends only on its arguments and the room, so that nodes applying
     * the same leaves hold the same names.
     */
    public void hold(String displayName, long untilNanos, long nowNanos) {
        heldUntilByKey.entrySet().removeIf(held -> {
            boolean lapsed = held.getValue() <= nowNanos;
            if (lapsed) {
                heldByKey.remove(held.getKey());
            }
            return lapsed;
        });
        String key = Username.key(displayName);
        heldByKey.remove(key); // held again: last in line to be forgotten
        heldByKey.put(key, displayName);
        heldUntilByKey.put(key, untilNanos);
        while (heldByKey.size() > maxMembers) {
            String oldest = heldByKey.keySet().iterator().next();
            heldByKey.remove(oldest);
            heldUntilByKey.remove(oldest);
        }
    }

    /** Frees a held name (its session resumed); nothing if it was not held. */
    public void release(String displayName) {
        heldByKey.remove(Username.key(displayName));
        heldUntilByKey.remove(Username.key(displayName));
    }

    /**
     * Adds a member that {@link #checkAdmission} admitted and logs its join.
     *
     * @return the join event
     * @throws IllegalStateException if the member may not join
     */
    public EventFrame join(String username, long nowMillis) {
        return join(username, LOCAL_NODE, null, nowMillis);
    }

    /**
     * Adds a member that {@link #checkAdmission} admitted, served by {@code node}, and logs its join.
     *
     * @param address where it speaks from, as its node sees it, or null if unknown
     * @return the join event
     * @throws IllegalStateException if the member may not join
     */
    public EventFrame join(String username, String node, java.net.InetSocketAddress address, long nowMillis) {
        release(username); // admitted at its time: a hold of the name (lapsed, or its own) is over
        checkAdmission(username).ifPresent(refusal -> {
            throw new IllegalStateException(refusal.detail());
        });
        String display = Username.normalize(username);
        membersByKey.put(Username.key(display), display);
        seats.put(Username.key(display), new Seat(node, address));
        membersPerNode.merge(node, 1, Integer::sum);
        return append(EventFrame.joined(log.nextSequence(), nowMillis, display));
    }

    /** The node serving the member named {@code username}, and its address, or empty if it is not a member. */
    public Optional<Seat> seat(String username) {
        return Optional.ofNullable(seats.get(Username.key(username)));
    }

    /** The session of the member named {@code username}, or empty (no member, or one joined without one). */
    public Optional<MemberSession> session(String username) {
        return Optional.ofNullable(sessions.get(Username.key(username)));
    }

    /** Gives the member named {@code username} its session (replacing and wiping any earlier one). */
    public void session(String username, MemberSession session) {
        MemberSession before = sessions.put(Username.key(username), session);
        if (before != null && before != session) {
            before.wipe();
        }
    }

    /** The members {@code node} serves, in the order they joined. */
    public List<String> membersOf(String node) {
        List<String> names = new ArrayList<>();
        seats.forEach((key, seat) -> {
            if (seat.node().equals(node)) {
                names.add(membersByKey.get(key));
            }
        });
        return names;
    }

    /** The held names, by key, in holding order: live, for {@link RoomSnapshot}. */
    Map<String, String> held() {
        return heldByKey;
    }

    /** When the name held under {@code key} lapses, on the room's clock, for {@link RoomSnapshot}. */
    long heldUntil(String key) {
        return heldUntilByKey.getOrDefault(key, Long.MAX_VALUE);
    }

    /** Every member's session, by key: live, for {@link RoomSnapshot}. */
    Map<String, MemberSession> sessions() {
        return sessions;
    }

    /** Every member's seat, by key, in joining order: live, for {@link RoomSnapshot}. */
    Map<String, Seat> seats() {
        return seats;
    }

    /** Forgets every member and held name (a node restoring a snapshot), before {@link #restore}. */
    void clearMembers() {
        sessions.values().forEach(MemberSession::wipe);
        sessions.clear();
        membersByKey.clear();
        seats.clear();
        membersPerNode.clear();
        heldByKey.clear();
        heldUntilByKey.clear();
    }

    /** Puts back a member from a snapshot, with no event. */
    void restore(String display, Seat seat) {
        membersByKey.put(Username.key(display), display);
        seats.put(Username.key(display), seat);
        membersPerNode.merge(seat.node(), 1, Integer::sum);
    }

    /** The nodes that serve members: a copy. */
    public java.util.Set<String> nodes() {
        return new java.util.HashSet<>(membersPerNode.keySet());
    }

    /**
     * Logs a message from a member.
     *
     * @return the message event
     */
    public EventFrame message(String sender, long messageId, String text, long nowMillis) {
        EventFrame event = EventFrame.message(log.nextSequence(), nowMillis, sender, messageId, text);
        byte[] encoded = event.toBytes();
        log.append(encoded);
        history.add(event.sequence(), encoded);
        return event;
    }

    /**
     * Logs an announcement from the host.
     *
     * @return the announcement event
     */
    public EventFrame announce(String text, long nowMillis) {
        return append(EventFrame.announcement(log.nextSequence(), nowMillis, text));
    }

    /**
     * Mutes a member until {@code untilNanos} on the engine's clock and logs it.
     *
     * @param untilMillis the same moment by the wall clock, which the event carries
     * @return the mute event, or empty if {@code username} is not a member
     */
    public Optional<EventFrame> mute(String username, long untilNanos, long untilMillis, long nowMillis) {
        String display = membersByKey.get(Username.key(username));
        if (display == null) {
            return Optional.empty();
        }
        sanctions.mute(Username.key(display), untilNanos);
        return Optional.of(append(EventFrame.muted(log.nextSequence(), nowMillis, display, untilMillis)));
    }

    /**
     * Lifts a member's mute and logs it.
     *
     * @return the event, or empty if {@code username} was not muted
     */
    public Optional<EventFrame> unmute(String username, long nowNanos, long nowMillis) {
        String key = Username.key(username);
        if (!sanctions.unmute(key, nowNanos)) {
            return Optional.empty();
        }
        String display = membersByKey.getOrDefault(key, Username.normalize(username));
        return Optional.of(append(EventFrame.unmuted(log.nextSequence(), nowMillis, display)));
    }

    /**
     * Removes a member and logs its leave.
     *
     * @return the leave event, or empty if it was not a member
     */
    public Optional<EventFrame> leave(String username, CloseReason reason, long nowMillis) {
        String display = membersByKey.remove(Username.key(username));
        if (display == null) {
            return Optional.empty();
        }
        Seat seat = seats.remove(Username.key(username));
        MemberSession session = sessions.remove(Username.key(username));
        if (session != null) {
            session.wipe(); // a holder copies what it holds first
        }
        membersPerNode.computeIfPresent(seat.node(), (node, count) -> count == 1 ? null : count - 1);
        return Optional.of(append(EventFrame.left(log.nextSequence(), nowMillis, display, reason)));
    }

    /** The members' usernames, in the order they joined. */
    public List<String> members() {
        return new ArrayList<>(membersByKey.values());
    }

    /** How many members there are. */
    public int size() {
        return membersByKey.size();
    }

    /** "banned from this room for another 59 min 59 s", for a ban with {@code remainingNanos} to go. */
    public static String bannedDetail(long remainingNanos) {
        return "banned from this room for another " + Durations.describe(remainingNanos);
    }

    private EventFrame append(EventFrame event) {
        log.append(event.toBytes());
        return event;
    }

    /**
     * Where a member is served.
     *
     * @param node    the node serving it ({@link #LOCAL_NODE} for a room of one server)
     * @param address where it speaks from, as its node sees it, or null if unknown
     */
    public record Seat(String node, java.net.InetSocketAddress address) {
    }

    /**
     * A refused admission.
     *
     * @param reason the reason carried by REJECT
     * @param detail what to tell the user
     */
    public record Refusal(RejectReason reason, String detail) {
    }
}
