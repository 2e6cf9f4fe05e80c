package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.room.RoomLog;
import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SECURITY.md: "private messages waiting in the room: 32 MiB; past it senders are refused
 * {@code RATE_LIMITED}". Recipients that never report anything delivered each hold a little less
 * than their own bound ({@link RoomMember#MAX_PRIVATE_BYTES}), so only the room's bound
 * ({@link PrivateMessages#MAX_ROOM_PRIVATE_BYTES}) can stop the sender: once it is reached even a
 * recipient whose stream is empty (which always takes one message) is refused, nothing beyond the
 * bound is held, and what a recipient delivers frees room for the next message.
 *
 * <p>Unit level, on {@link PrivateMessages} with members built by hand: the engine-level scenario
 * needs over 130 members and thousands of 16 KiB messages past the rate limit.
 */
@Timeout(30)
class RoomPrivateBytesBoundTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long NOW_MILLIS = 1_700_000_000_000L;
    private static final String TEXT = "x".repeat(16_000);
    /** Messages per recipient: together below its own byte bound, so that it never refuses one itself. */
    private static final int PER_RECIPIENT = 15;
    private static final int RECIPIENTS = 150;

    private final ServerStats stats = new ServerStats();
    private final MemberTable members = new MemberTable();
    // every recipient is a member of this node: nothing goes through the room's order (null)
    private final PrivateMessages privateMessages = new PrivateMessages(members, new NoSink(), stats,
            new io.roomcast.internal.room.Room("lobby", 1_000, 16, 1 << 20), null);
    private long senderSequence;

    @Test
    void pastTheRoomsBoundSendersAreRefusedNothingMoreIsHeldAndDeliveriesFreeRoom() {
        RoomMember sender = member(1, "sender");
        List<RoomMember> recipients = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            recipients.add(member(10 + i, "r" + i));
        }
        RoomMember idle = member(5, "idle"); // its stream is empty: its own bound would take anything
        long entryBytes = EventFrame.privateMessage(0, NOW_MILLIS, "sender", 1, TEXT).toPrivateBytes().length;
        assertThat(PER_RECIPIENT * entryBytes).as("each recipient stays within its own bound")
                .isLessThan(RoomMember.MAX_PRIVATE_BYTES);
        assertThat(RECIPIENTS * PER_RECIPIENT * entryBytes).as("together they could hold more than the room's bound")
                .isGreaterThan(PrivateMessages.MAX_ROOM_PRIVATE_BYTES);

        long id = 0;
        long refusedId = -1;
        long heldMost = 0;
        fill:
        for (RoomMember recipient : recipients) {
            for (int k = 0; k < PER_RECIPIENT; k++) {
                id++;
                if (!send(sender, id, recipient.username, TEXT)) {
                    refusedId = id;
                    break fill;
                }
                heldMost = Math.max(heldMost, privateMessages.bytesHeld());
            }
        }

        assertThat(refusedId).as("the sender was stopped").isPositive();
        assertThat(refusal(sender, refusedId)).isEqualTo(
                new Frame.Error(refusedId, ErrorCode.RATE_LIMITED, PrivateMessages.RECIPIENT_BUSY));
        long held = privateMessages.bytesHeld();
        assertThat(held).as("never more than the room's bound").isLessThanOrEqualTo(PrivateMessages.MAX_ROOM_PRIVATE_BYTES)
                .isEqualTo(heldMost);
        assertThat(held + 2 * entryBytes).as("stopped at the bound, not before")
                .isGreaterThan(PrivateMessages.MAX_ROOM_PRIVATE_BYTES);
        assertThat(heldByMembers()).as("what the members hold is what is counted").isEqualTo(held);
        assertThat(stats.privateMessages).isEqualTo(refusedId - 1);
        assertThat(stats.rateLimited).isEqualTo(1);

        // a recipient with nothing waiting, which its own bound would never refuse, is refused too
        assertThat(send(sender, ++id, "idle", TEXT)).as("an idle recipient while the room is full").isFalse();
        assertThat(refusal(sender, id).code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(idle.privateCountHeld()).isZero();
        for (int attempt = 0; attempt < 50; attempt++) {
            assertThat(send(sender, ++id, "r" + (RECIPIENTS - 1), TEXT)).isFalse();
        }
        assertThat(privateMessages.bytesHeld()).as("refused messages hold nothing").isEqualTo(held);

        // the first recipient delivers everything it holds: its bytes are freed, room for more
        RoomMember first = recipients.get(0);
        long firstHeld = first.privateBytesHeld();
        assertThat(firstHeld).isEqualTo(PER_RECIPIENT * entryBytes);
        privateMessages.delivered(first, PER_RECIPIENT);
        assertThat(first.privateBytesHeld()).isZero();
        assertThat(privateMessages.bytesHeld()).as("delivered bytes are no longer held").isEqualTo(held - firstHeld);
        assertThat(send(sender, ++id, "idle", TEXT)).as("room again after the delivery").isTrue();
        assertThat(idle.privateCountHeld()).isEqualTo(1);
        assertThat(heldByMembers()).isEqualTo(privateMessages.bytesHeld());

        // a recipient that leaves frees its share as well
        RoomMember second = recipients.get(1);
        long secondHeld = second.privateBytesHeld();
        long before = privateMessages.bytesHeld();
        members.leftRoom(second);
        privateMessages.forget(second);
        assertThat(privateMessages.bytesHeld()).isEqualTo(before - secondHeld);
        assertThat(heldByMembers()).isEqualTo(privateMessages.bytesHeld());
    }

    /**
     * {@code sender} sends a private message; its confirmation is delivered at once, as a client
     * that keeps up would, so that only the recipients' streams fill.
     *
     * @return {@code true} if it was accepted
     */
    private boolean send(RoomMember sender, long id, String recipient, String text) {
        long accepted = stats.privateMessages;
        privateMessages.send(sender, id, recipient, text, SECOND, NOW_MILLIS);
        assertThat(privateMessages.bytesHeld()).isLessThanOrEqualTo(PrivateMessages.MAX_ROOM_PRIVATE_BYTES);
        if (stats.privateMessages == accepted) {
            return false;
        }
        privateMessages.delivered(sender, ++senderSequence);
        assertThat(sender.privateBytesHeld()).isZero();
        return true;
    }

    private long heldByMembers() {
        return members.all().stream().mapToLong(RoomMember::privateBytesHeld).sum();
    }

    private static Frame.Error refusal(RoomMember sender, long messageId) {
        return sender.incoming.unacknowledgedRefusals(List.of()).stream()
                .filter(error -> error.messageId() == messageId).findFirst()
                .orElseThrow(() -> new AssertionError("no refusal of message " + messageId));
    }

    private RoomMember member(long connectionId, String username) {
        PacketProtector protector = new PacketProtector(new byte[PacketProtector.KEY_BYTES],
                new byte[PacketProtector.IV_BYTES]);
        RoomMember member = new RoomMember(connectionId, new InetSocketAddress("127.0.0.1", 4000 + (int) connectionId),
                username, 15 * SECOND, new SessionKeys(protector, protector, protector),
                new EventStream(new RoomLog(16), 1, 1024, 128),
                new IncomingMessages(16 * 1024, new TokenBucket(20, 40, 0),
                        new IncomingMessages.Details("too large", "rate limited"), ByteBudget.unlimited(), stats),
                1024, 128, 0);
        members.add(member);
        return member;
    }

    /** The host's listener, which this test does not look at. */
    private static final class NoSink implements ServerEventSink {
        @Override
        public void memberJoined(long sequence, String username, InetSocketAddress address) {
        }

        @Override
        public void message(long sequence, String sender, String text, long timestampMillis) {
        }

        @Override
        public void privateMessage(String sender, String recipient, String text, long timestampMillis) {
        }

        @Override
        public void memberLeft(long sequence, String username, InetSocketAddress address, CloseReason reason) {
        }
    }
}
