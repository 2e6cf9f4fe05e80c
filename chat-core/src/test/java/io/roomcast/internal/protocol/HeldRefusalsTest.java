package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The refusals a held session keeps for its member: queued and in flight, once each, in id order, bounded. */
@Timeout(10)
class HeldRefusalsTest {
    private static IncomingMessages incoming() {
        return new IncomingMessages(1024, new TokenBucket(20, 40, 0), new IncomingMessages.Details("too large",
                "rate limited"), ByteBudget.unlimited(), new ServerStats());
    }

    @Test
    void queuedAndInFlightRefusalsAreKeptOnceInIdOrderAtMostTheCap() {
        IncomingMessages incoming = incoming();
        for (long id = 1; id <= 3; id++) {
            incoming.refuse(id, ErrorCode.RATE_LIMITED, "rate limited");
        }
        List<Frame.Error> inFlight = new ArrayList<>();
        incoming.writeRefusals(ByteBuffer.allocate(1200), 1200, inFlight); // 1..3 now in flight
        incoming.refuse(5, ErrorCode.MESSAGE_TOO_LARGE, "too large");
        incoming.lost(List.of(inFlight.get(1))); // 2 queued again and still listed in flight

        List<Frame.Error> kept = incoming.unacknowledgedRefusals(inFlight);
        assertThat(kept).extracting(Frame.Error::messageId).containsExactly(1L, 2L, 3L, 5L);

        IncomingMessages resumed = incoming();
        resumed.requeue(kept);
        assertThat(resumed.refusalsQueued()).isEqualTo(4);
    }

    @Test
    void atMostTheQueueCapIsKeptTheLowestIdsFirst() {
        IncomingMessages incoming = incoming();
        List<Frame.Error> inFlight = new ArrayList<>();
        for (long id = 1; id <= 3 * IncomingMessages.MAX_QUEUED_REFUSALS; id++) {
            inFlight.add(new Frame.Error(id, ErrorCode.RATE_LIMITED, "rate limited"));
        }
        List<Frame.Error> kept = incoming.unacknowledgedRefusals(inFlight);
        assertThat(kept).hasSize(IncomingMessages.MAX_QUEUED_REFUSALS);
        assertThat(kept.get(0).messageId()).isEqualTo(1);
        assertThat(kept.get(kept.size() - 1).messageId()).isEqualTo(IncomingMessages.MAX_QUEUED_REFUSALS);
    }
}
