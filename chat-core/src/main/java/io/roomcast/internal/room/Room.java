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
    private final Map<String, String> membersByKey = new LinkedHashMap<>();

    /**
     * An empty room.
     *
     * @param name        the room name
     * @param maxMembers  the most members it admits
     * @param logCapacity how many events the log keeps at most
     * @param logBytes    how many bytes of events the log keeps at most
     */
    public Room(String name, int maxMembers, int logCapacity, long logBytes) {
        this.name = name;
        this.maxMembers = maxMembers;
        this.log = new RoomLog(logCapacity, logBytes);
    }

    /** The room name. */
    public String name() {
        return name;
    }

    /** The log. */
    public RoomLog log() {
        return log;
    }

    /**
     * Why {@code username} may not join now, or empty if it may.
     *
     * @return the reason and a human-readable detail
     */
    public Optional<Refusal> checkAdmission(String username) {
        Optional<String> problem = Username.problem(username);
        if (problem.isPresent()) {
            return Optional.of(new Refusal(RejectReason.INVALID_USERNAME, problem.get()));
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

    /**
     * Adds a member that {@link #checkAdmission} admitted and logs its join.
     *
     * @return the join event
     * @throws IllegalStateException if the member may not join
     */
    public EventFrame join(String username, long nowMillis) {
        checkAdmission(username).ifPresent(refusal -> {
            throw new IllegalStateException(refusal.detail());
        });
        String display = Username.normalize(username);
        membersByKey.put(Username.key(display), display);
        return append(EventFrame.joined(log.nextSequence(), nowMillis, display));
    }

    /**
     * Logs a message from a member.
     *
     * @return the message event
     */
    public EventFrame message(String sender, long messageId, String text, long nowMillis) {
        return append(EventFrame.message(log.nextSequence(), nowMillis, sender, messageId, text));
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

    private EventFrame append(EventFrame event) {
        log.append(event.toBytes());
        return event;
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
