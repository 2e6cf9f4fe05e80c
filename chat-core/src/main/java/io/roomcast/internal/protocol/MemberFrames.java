package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Durations;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.Frame;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a member's packets carry, besides ACKs: SEND and PRIVATE_SEND slices (to its
 * {@link IncomingMessages}; a whole message is refused {@code MUTED} while the member is muted,
 * goes to {@link PrivateMessages} if it names a recipient, and is otherwise appended to the room
 * and reported to the host; a member that sends past its caps leaves {@code TOO_SLOW}), DELIVERED
 * and PRIVATE_DELIVERED reports (which move its streams forward, and may let an expelled member
 * be told CLOSE), CLOSE (answered with CLOSE_ACK, kept to repeat; the member leaves {@code LEFT}),
 * CLOSE_ACK of the server's own CLOSE, and PATH_RESPONSE (the member moves to the validated
 * address). Once the room is closing, or the member is out of it, nothing more it sends is
 * appended.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class MemberFrames {
    private static final Logger log = LoggerFactory.getLogger(MemberFrames.class);

    private final Room room;
    private final MemberTable members;
    private final Departures departures;
    private final PrivateMessages privateMessages;
    private final HandshakeResponder handshakes;
    private final Queue<Datagram> replies;
    private final ServerStats stats;
    private final RoomOrder order;
    private final LongSupplier wallClockMillis;
    private final BooleanSupplier closing;

    /**
     * @param handshakes      keeps a CLOSE_ACK to repeat once the member is gone
     * @param replies         where a CLOSE_ACK goes
     * @param wallClockMillis the wall clock that stamps messages
     * @param closing         whether the room is closing
     */
    MemberFrames(Room room, MemberTable members, Departures departures, PrivateMessages privateMessages,
                 HandshakeResponder handshakes, Queue<Datagram> replies, ServerStats stats, RoomOrder order,
                 LongSupplier wallClockMillis, BooleanSupplier closing) {
        this.room = room;
        this.members = members;
        this.departures = departures;
        this.privateMessages = privateMessages;
        this.handshakes = handshakes;
        this.replies = replies;
        this.stats = stats;
        this.order = order;
        this.wallClockMillis = wallClockMillis;
        this.closing = closing;
    }

    /** Handles one frame from {@code member}; {@code false} if it carried data the server could not take now. */
    boolean take(long now, RoomMember member, Frame frame, InetSocketAddress source) {
        if (frame instanceof Frame.Send || frame instanceof Frame.PrivateSend) {
            if (member.connection.isClosing() || member.expelled()) {
                return true; // out of the room: nothing it sends is taken, held or answered any more
            }
            IncomingMessages.Acceptor acceptor = (id, recipient, text) -> accepted(now, member, id, recipient, text);
            IncomingMessages.Taken taken = frame instanceof Frame.Send send ? member.incoming.take(send, now, acceptor)
                    : member.incoming.take((Frame.PrivateSend) frame, now, acceptor);
            // it may keep sending what is refused and never acknowledge the refusals
            departures.removeIfPastLimits(member);
            return taken != IncomingMessages.Taken.NO_ROOM;
        } else if (frame instanceof Frame.Delivered delivered) {
            long before = member.events.delivered();
            member.events.delivered(delivered.sequence());
            stats.deliveries += member.events.delivered() - before;
            departures.closeIfDrained(now, member);
        } else if (frame instanceof Frame.PrivateDelivered delivered) {
            privateMessages.delivered(member, delivered.sequence());
            departures.closeIfDrained(now, member);
        } else if (frame instanceof Frame.Close close) {
            handleClose(now, member, close.reason());
        } else if (frame instanceof Frame.CloseAck) {
            if (member.connection.isClosing()) {
                departures.forget(member);
            }
        } else if (frame instanceof Frame.PathResponse response) {
            InetSocketAddress validated = member.path.response(response, source);
            if (validated != null) {
                log.debug("{} moved from {} to {}", member.username, member.address, validated);
                member.address = validated;
                stats.migrations++;
            }
        }
        return true;
    }

    /** @return {@code false} if the member is no longer in the room (appending it pushed it out) */
    private boolean accepted(long now, RoomMember member, long messageId, String recipient, String text) {
        if (closing.getAsBoolean() || member.connection.isClosing() || member.expelled()) {
            return true; // the room is closing, or the member is out of it: nothing more is appended
        }
        long mutedFor = room.sanctions().mutedFor(member.nameKey, order.roomNanosNow());
        if (mutedFor > 0) {
            member.incoming.refuse(messageId, ErrorCode.MUTED, "you are muted for another " + Durations.describe(mutedFor));
            return true;
        }
        if (recipient != null) {
            privateMessages.send(member, messageId, recipient, text, now, wallClockMillis.getAsLong());
            return true;
        }
        order.say(member, messageId, text);
        return members.contains(member);
    }

    /** The member closed its connection: CLOSE_ACK, and it leaves (or, if it was being closed, is gone). */
    private void handleClose(long now, RoomMember member, CloseReason reason) {
        byte[] closeAck = member.connection.packetOf(Frame.CloseAck.INSTANCE);
        replies.add(new Datagram(member.address, closeAck));
        handshakes.keepAnswer(member.connectionId(), member.address, closeAck, now);
        if (member.connection.isClosing()) {
            departures.forget(member);
        } else {
            departures.removeFromRoom(member, CloseReason.LEFT, false);
        }
        log.debug("{} closed the connection ({})", member.username, reason);
    }
}
