package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.room.RoomLog;
import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.Frame;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A member that never acknowledges anything and keeps sending what is refused: the ERROR frames
 * count against its packet window, and the refusals queued for it are bounded, so the server's
 * state for it cannot grow with what it sends.
 */
@Timeout(10)
class RefusalBoundsTest {
    private static final int MAX_MESSAGE_BYTES = 100;
    private static final int PACKET_WINDOW = 2;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** As long as the room's own: how many refusals fit in a packet depends on it. */
    private static final IncomingMessages.Details DETAILS = new IncomingMessages.Details(
            "the message is larger than the room's limit of " + MAX_MESSAGE_BYTES + " bytes of UTF-8", "rate limited");

    private final RoomMember member = member();

    private static RoomMember member() {
        PacketProtector protector = new PacketProtector(new byte[PacketProtector.KEY_BYTES],
                new byte[PacketProtector.IV_BYTES]);
        return new RoomMember(1, new InetSocketAddress("127.0.0.1", 4000), "mallory", TimeUnit.SECONDS.toNanos(15),
                new SessionKeys(protector, protector, protector), new EventStream(new RoomLog(16), 1, 16, PACKET_WINDOW),
                new IncomingMessages(MAX_MESSAGE_BYTES, new TokenBucket(20, 40, 0), DETAILS, ByteBudget.unlimited(),
                        new ServerStats()),
                16, PACKET_WINDOW, 0);
    }

    /** A SEND claiming more than the room allows: refused at once, whatever follows. */
    private IncomingMessages.Taken oversized(long id) {
        return member.incoming.take(new Frame.Send(id, MAX_MESSAGE_BYTES + 1, 0, new byte[1]), 0,
                (messageId, recipient, text) -> {
                    throw new AssertionError("nothing oversized is accepted");
                });
    }

    @Test
    void refusalsGoOutOnlyWithinThePacketWindow() {
        for (long id = 1; id <= ProtocolLimits.SEND_WINDOW; id++) {
            assertThat(oversized(id)).isEqualTo(IncomingMessages.Taken.TAKEN);
        }
        int packets = 0;
        for (int i = 0; i < 100 && member.connection.writePacket(i * MS, ByteBuffer.allocate(1200)); i++) {
            packets++;
        }
        assertThat(member.connection.packetsInFlight()).as("no acknowledgement ever came")
                .isEqualTo(PACKET_WINDOW);
        assertThat(packets).isEqualTo(PACKET_WINDOW);
        assertThat(member.incoming.hasRefusals()).as("the rest wait for the window").isTrue();
        assertThat(member.hasFramesToSend(100 * MS)).isFalse();
    }

    @Test
    void aMemberThatKeepsSendingRefusedMessagesCrossesTheCap() {
        long id = 1;
        while (!member.incoming.tooManyRefusals() && id < 10_000) {
            oversized(id++);
        }
        assertThat(member.incoming.tooManyRefusals()).isTrue();
        assertThat(id - 1).as("refusals at the cap").isEqualTo(IncomingMessages.MAX_QUEUED_REFUSALS + 1);
    }

    @Test
    void aRefusalLostAndProbedIsQueuedOnce() {
        oversized(1);
        List<Frame.Error> sent = new java.util.ArrayList<>();
        member.incoming.writeRefusals(ByteBuffer.allocate(1200), 1200, sent);
        assertThat(sent).extracting(Frame.Error::code).containsExactly(ErrorCode.MESSAGE_TOO_LARGE);

        member.incoming.lost(sent); // a probe re-queues the oldest packet's content...
        member.incoming.lost(sent); // ...and the packet is later declared lost as well
        List<Frame.Error> again = new java.util.ArrayList<>();
        member.incoming.writeRefusals(ByteBuffer.allocate(1200), 1200, again);
        assertThat(again).hasSize(1);
    }
}
