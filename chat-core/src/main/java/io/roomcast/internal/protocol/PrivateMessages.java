package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.Username;
import java.util.Optional;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;

/**
 * Private messages between members: the server finds the recipient among the members in the room
 * (names compared as the room compares them), appends the message to the recipient's private
 * stream and a confirmation to the sender's, and tells the host. Neither touches the room log, so
 * a private message has no room sequence number and is never history.
 *
 * <p>Bounded: a recipient's private stream holds at most {@link RoomMember#MAX_PRIVATE_MESSAGES}
 * entries and {@link RoomMember#MAX_PRIVATE_BYTES} undelivered, and all members' together at most
 * {@link #MAX_ROOM_PRIVATE_BYTES}; past either, the sender's message is refused as
 * {@code RATE_LIMITED} (it may send again once the recipient catches up), so a recipient that
 * does not keep up slows its senders instead of growing the server's memory or being dropped.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class PrivateMessages {
    /** The most bytes of undelivered private entries all members' private streams hold together. */
    static final long MAX_ROOM_PRIVATE_BYTES = 32L * 1024 * 1024;
    /** The detail of a refusal for a recipient that is not in the room. */
    static final String NO_SUCH_MEMBER = "no member by that name is in the room";
    /** The detail of a refusal for a recipient (or room) with too much undelivered. */
    static final String RECIPIENT_BUSY = "too many private messages are waiting to be delivered; try again shortly";

    private final MemberTable members;
    private final ServerEventSink sink;
    private final ServerStats stats;
    private final Room room;
    private final RoomOrder order;
    private long bytesHeld;

    PrivateMessages(MemberTable members, ServerEventSink sink, ServerStats stats, Room room, RoomOrder order) {
        this.room = room;
        this.order = order;
        this.members = members;
        this.sink = sink;
        this.stats = stats;
    }

    /** Bytes of undelivered private entries held for all members. */
    long bytesHeld() {
        return bytesHeld;
    }

    /**
     * {@code sender}'s message {@code messageId} for {@code recipientName}: delivered, or refused. A
     * recipient served by another node gets it through the room's order ({@link #arrived}).
     */
    void send(RoomMember sender, long messageId, String recipientName, String text, long nowNanos, long nowMillis) {
        RoomMember recipient = members.byName(Username.key(recipientName));
        if (recipient == null || recipient.connection.isClosing()) {
            Optional<String> elsewhere = room.member(recipientName)
                    .filter(name -> !room.seat(name).map(seat -> seat.node().equals(order.nodeId())).orElse(true));
            if (elsewhere.isPresent() && sender.hasPrivateRoomFor(1, 0)) {
                order.privateMessage(sender, messageId, elsewhere.get(), text);
            } else if (elsewhere.isPresent()) {
                sender.privateFull(nowNanos);
                stats.rateLimited++;
                sender.incoming.refuse(messageId, ErrorCode.RATE_LIMITED, RECIPIENT_BUSY);
            } else {
                sender.incoming.refuse(messageId, ErrorCode.NO_SUCH_MEMBER, NO_SUCH_MEMBER);
            }
            return;
        }
        int entryBytes = EventFrame.privateMessage(0, nowMillis, sender.username, messageId, text).encodedLength();
        int confirmationBytes = EventFrame.privateSent(0, nowMillis, recipient.username, messageId).encodedLength();
        // a confirmation takes a place but not bytes: it is small, and sure to fit with its message
        boolean recipientRoom = sender == recipient ? sender.hasPrivateRoomFor(2, entryBytes)
                : recipient.hasPrivateRoomFor(1, entryBytes);
        boolean senderRoom = sender == recipient || sender.hasPrivateRoomFor(1, 0);
        if (!recipientRoom || !senderRoom || bytesHeld + entryBytes + confirmationBytes > MAX_ROOM_PRIVATE_BYTES) {
            // a full stream has a while to catch up (RoomMember.privateStalledAtNanos)
            if (!recipientRoom) {
                recipient.privateFull(nowNanos);
            }
            if (!senderRoom) {
                sender.privateFull(nowNanos);
            }
            stats.rateLimited++;
            sender.incoming.refuse(messageId, ErrorCode.RATE_LIMITED, RECIPIENT_BUSY);
            return;
        }
        bytesHeld += recipient.appendPrivate(sequence ->
                EventFrame.privateMessage(sequence, nowMillis, sender.username, messageId, text).toPrivateBytes());
        bytesHeld += sender.appendPrivate(sequence ->
                EventFrame.privateSent(sequence, nowMillis, recipient.username, messageId).toPrivateBytes());
        stats.privateMessages++;
        members.enqueue(recipient);
        members.enqueue(sender);
        sink.privateMessage(sender.username, recipient.username, text, nowMillis);
    }

    /**
     * The room ordered a private message between members of different nodes: this node gives it to
     * the recipient if it serves it (one that has no room for it cannot keep up, and leaves
     * {@code TOO_SLOW}), and its confirmation to the sender if it serves that.
     */
    void arrived(long nowNanos, String senderName, long messageId, String recipientName, String text,
                 long wallMillis, Departures departures) {
        RoomMember recipient = members.byName(Username.key(recipientName));
        if (recipient != null && !recipient.connection.isClosing()) {
            int entryBytes = EventFrame.privateMessage(0, wallMillis, senderName, messageId, text).encodedLength();
            if (recipient.hasPrivateRoomFor(1, entryBytes) && bytesHeld + entryBytes <= MAX_ROOM_PRIVATE_BYTES) {
                bytesHeld += recipient.appendPrivate(sequence ->
                        EventFrame.privateMessage(sequence, wallMillis, senderName, messageId, text).toPrivateBytes());
                members.enqueue(recipient);
                sink.privateMessage(senderName, recipient.username, text, wallMillis);
            } else {
                departures.removeFromRoom(recipient, io.roomcast.internal.wire.CloseReason.TOO_SLOW, true);
            }
        }
        RoomMember sender = members.byName(Username.key(senderName));
        if (sender != null && !sender.connection.isClosing() && sender.hasPrivateRoomFor(1, 0)) {
            String recipientShown = room.member(recipientName).orElse(recipientName);
            bytesHeld += sender.appendPrivate(sequence ->
                    EventFrame.privateSent(sequence, wallMillis, recipientShown, messageId).toPrivateBytes());
            stats.privateMessages++;
            members.enqueue(sender);
        }
    }

    /** {@code member} delivered its private stream up to {@code sequence}. */
    void delivered(RoomMember member, long sequence) {
        bytesHeld -= member.privateDelivered(sequence);
    }

    /** {@code member} is gone: what its private stream held is freed. */
    void forget(RoomMember member) {
        bytesHeld -= member.releasePrivate();
    }
}
