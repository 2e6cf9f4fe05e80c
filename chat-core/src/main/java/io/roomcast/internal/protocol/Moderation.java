package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The host's commands on the room: kick, ban and unban, mute and unmute, announce. Names are
 * compared as the room compares them. A kick or ban removes the member through
 * {@link Departures#expel}; a mute, an unmute and an announcement are room events, in room order
 * with the members' messages. Bans and mutes last until a time on the engine's clock (a mute's
 * event carries the same moment by the wall clock); the sum saturates, so a duration too long to
 * add lasts for ever instead of ending at once. While the room is closing no member is removed or
 * muted and nothing is announced.
 *
 * <p>Not thread-safe: owned by the server engine's thread, where the host's commands run as loop
 * commands.
 */
final class Moderation {
    private final MemberTable members;
    private final Room room;
    private final Departures departures;
    private final LongSupplier wallClockMillis;
    private final BooleanSupplier closing;

    /**
     * @param wallClockMillis the wall clock that stamps the events
     * @param closing         whether the room is closing
     */
    Moderation(MemberTable members, Room room, Departures departures, LongSupplier wallClockMillis,
               BooleanSupplier closing) {
        this.members = members;
        this.room = room;
        this.departures = departures;
        this.wallClockMillis = wallClockMillis;
        this.closing = closing;
    }

    /** Removes the member named {@code username} with {@code KICKED}; {@code false} if there is none. */
    boolean kick(long now, String username) {
        RoomMember member = closing.getAsBoolean() ? null : members.byName(Username.key(username));
        if (member == null) {
            return false;
        }
        departures.expel(now, member, CloseReason.KICKED);
        return true;
    }

    /** Bans the name, and the address group of its member if one is in the room, which is removed {@code BANNED}. */
    void ban(long now, String username, long durationNanos) {
        String key = Username.key(username);
        RoomMember member = closing.getAsBoolean() ? null : members.byName(key);
        room.sanctions().ban(key, member == null ? null : member.address.getAddress(),
                saturatedAdd(now, durationNanos));
        if (member != null) {
            departures.expel(now, member, CloseReason.BANNED);
        }
    }

    /** Lifts the ban on the name and the address it banned; {@code false} if there was none. */
    boolean unban(long now, String username) {
        return room.sanctions().unban(Username.key(username), now);
    }

    /** Mutes the member named {@code username}; {@code false} if there is none. */
    boolean mute(long now, String username, long durationNanos) {
        if (closing.getAsBoolean()) {
            return false;
        }
        long wallNow = wallClockMillis.getAsLong();
        Optional<EventFrame> muted = room.mute(username, saturatedAdd(now, durationNanos),
                saturatedAdd(wallNow, durationNanos / 1_000_000), wallNow);
        if (muted.isPresent()) {
            departures.eventAppended();
        }
        return muted.isPresent();
    }

    /** Lifts the mute on {@code username}; {@code false} if it was not muted. */
    boolean unmute(long now, String username) {
        Optional<EventFrame> unmuted = room.unmute(username, now, wallClockMillis.getAsLong());
        if (unmuted.isPresent()) {
            departures.eventAppended();
        }
        return unmuted.isPresent();
    }

    /** The host's announcement to the room; {@code false} if the room is closing. */
    boolean announce(String text) {
        if (closing.getAsBoolean()) {
            return false;
        }
        room.announce(text, wallClockMillis.getAsLong());
        departures.eventAppended();
        return true;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
