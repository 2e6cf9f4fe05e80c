package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import java.net.InetAddress;
import java.util.Optional;
import java.util.function.BooleanSupplier;

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
    private final RoomOrder order;
    private final BooleanSupplier closing;

    /**
     * @param order   where the room events go to be ordered
     * @param closing whether the room is closing
     */
    Moderation(MemberTable members, Room room, Departures departures, RoomOrder order, BooleanSupplier closing) {
        this.order = order;
        this.members = members;
        this.room = room;
        this.departures = departures;
        this.closing = closing;
    }

    /**
     * Removes the member named {@code username} with {@code KICKED}, here or (its leave ordered
     * into the room) on the node that serves it; {@code false} if there is none.
     */
    boolean kick(long now, String username) {
        if (closing.getAsBoolean()) {
            return false;
        }
        RoomMember member = members.byName(Username.key(username));
        if (member != null) {
            departures.expel(now, member, CloseReason.KICKED);
            return true;
        }
        Optional<String> elsewhere = room.member(username);
        elsewhere.ifPresent(name -> order.leave(name, CloseReason.KICKED, null));
        return elsewhere.isPresent();
    }

    /**
     * Bans the name, and the address group of its member if one is in the room (which the node
     * serving it removes {@code BANNED}), on every node ({@link #banned}).
     */
    void ban(long now, String username, long durationNanos) {
        String key = Username.key(username);
        RoomMember member = closing.getAsBoolean() ? null : members.byName(key);
        java.net.InetSocketAddress address = member != null ? member.address
                : room.seat(username).map(Room.Seat::address).orElse(null);
        order.ban(username, address == null ? new byte[0] : address.getAddress().getAddress(), durationNanos);
    }

    /** The room ordered a ban: the sanction here, and this node's member of that name removed {@code BANNED}. */
    void banned(long now, long roomNanos, String username, byte[] address, long durationNanos) {
        String key = Username.key(username);
        InetAddress group = null;
        try {
            group = address.length == 0 ? null : InetAddress.getByAddress(address);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("an address of " + address.length + " bytes", e); // decode checked it
        }
        room.sanctions().ban(key, group, RoomOrder.saturatedAdd(roomNanos, durationNanos));
        RoomMember member = closing.getAsBoolean() ? null : members.byName(key);
        if (member != null) {
            departures.expel(now, member, CloseReason.BANNED);
        }
    }

    /** Lifts the ban on the name and the address it banned; {@code false} if there was none. */
    boolean unban(long now, String username) {
        String key = Username.key(username);
        if (room.sanctions().nameBannedFor(key, order.roomNanosNow()) <= 0) {
            room.sanctions().unban(key, order.roomNanosNow()); // lapsed (or none): only this node's leftover
            return false;
        }
        return order.unban(username);
    }

    /** Mutes the member named {@code username}; {@code false} if there is none (or the room cannot order now). */
    boolean mute(long now, String username, long durationNanos) {
        if (closing.getAsBoolean() || room.member(username).isEmpty()) {
            return false;
        }
        return order.mute(username, durationNanos);
    }

    /** Lifts the mute on {@code username}; {@code false} if it was not muted (or the room cannot order now). */
    boolean unmute(long now, String username) {
        if (room.sanctions().mutedFor(Username.key(username), order.roomNanosNow()) <= 0) {
            return false;
        }
        return order.unmute(username);
    }

    /** The host's announcement to the room; {@code false} if the room is closing (or cannot order now). */
    boolean announce(String text) {
        if (closing.getAsBoolean()) {
            return false;
        }
        return order.announce(text);
    }
}
