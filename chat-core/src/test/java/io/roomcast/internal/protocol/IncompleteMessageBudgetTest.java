package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Incomplete messages cost what arrived of them, not what their sender claims; one member holds
 * at most its budget of them, and all members together at most the room's
 * ({@link ServerConfig#reassemblyBytes}): past it a message is refused, its bytes freed, and its
 * sender may send it again. A client holds incomplete events the same way. None of this gets in
 * the way of a large message over a lossy link.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(60)
class IncompleteMessageBudgetTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final int MIB = 1024 * 1024;

    private static RoomMember member(ServerEngine server, String username) {
        return server.members().stream().filter(m -> m.username.equals(username)).findFirst().orElseThrow();
    }

    @Test
    void aTwentyByteSliceClaimingAMebibyteHoldsOnlyAboutThatSlice() {
        SimulatedRoom room = SimulatedRoom.builder(20_260_311L).group(SrpGroup.RFC5054_1024_SHA256)
                .maxMessageBytes(MIB).build();
        assertThat(room.join("mallory")).isTrue();
        RoomMember held = member(room.server(), "mallory");
        HostileMember mallory = HostileMember.takeOver(room, "mallory");

        mallory.send(new Frame.Send(1, MIB, 0, new byte[20]));
        room.runFor(100 * MS);
        assertThat(held.incoming.bytesHeld()).as("one 4 KiB chunk and its bookkeeping, not 1 MiB")
                .isPositive().isLessThan(8 * 1024);

        // as many claims as the member may have under way, each reaching a chunk of its own
        for (long id = 2; id <= ProtocolLimits.SEND_WINDOW; id++) {
            mallory.send(new Frame.Send(id, MIB, (int) (id * 10_000), new byte[20]));
        }
        room.runFor(100 * MS);
        assertThat(held.incoming.bytesHeld()).as("all of it within the member's budget")
                .isLessThanOrEqualTo(IncomingMessages.budgetBytes(MIB))
                .isLessThan(ProtocolLimits.SEND_WINDOW * 8 * 1024L);
        assertThat(room.server().reassemblyBudget().usedBytes()).isEqualTo(held.incoming.bytesHeld());
        assertThat(room.memberCount()).isEqualTo(1);
    }

    @Test
    void theMembersTogetherHoldNoMoreThanTheRoomsBudgetAndAMessageRefusedForItMayBeSentAgain() {
        int maxMessageBytes = 64 * 1024;
        long roomBudget = 400 * 1024;
        SimulatedRoom room = SimulatedRoom.builder(20_260_312L).group(SrpGroup.RFC5054_1024_SHA256)
                .maxMessageBytes(maxMessageBytes).configure(config -> config.withReassemblyBytes(roomBudget)).build();
        ServerEngine server = room.server();
        assertThat(room.join("joan")).isTrue();
        List<HostileMember> hostiles = new ArrayList<>();
        List<RoomMember> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertThat(room.join("m" + i)).isTrue();
            held.add(member(server, "m" + i));
            hostiles.add(HostileMember.takeOver(room, "m" + i));
        }

        // each starts as many large messages as it may and finishes none: 4 members could want 4 budgets
        long mostUsed = 0;
        for (long id = 1; id <= ProtocolLimits.SEND_WINDOW; id++) {
            for (HostileMember hostile : hostiles) {
                hostile.send(new Frame.Send(id, maxMessageBytes, 0, new byte[1000]));
            }
            room.runFor(MS);
            long used = server.reassemblyBudget().usedBytes();
            assertThat(used).isLessThanOrEqualTo(roomBudget)
                    .isEqualTo(server.members().stream().mapToLong(m -> m.incoming.bytesHeld()).sum());
            for (RoomMember member : held) {
                assertThat(member.incoming.bytesHeld()).as("no member holds more than its own budget")
                        .isLessThanOrEqualTo(IncomingMessages.budgetBytes(maxMessageBytes));
            }
            mostUsed = Math.max(mostUsed, used);
        }
        assertThat(4 * IncomingMessages.budgetBytes(maxMessageBytes)).as("what they would hold unchecked")
                .isGreaterThan(roomBudget);
        assertThat(mostUsed).as("the room's budget filled").isGreaterThan(roomBudget - 8 * 1024);

        // joan's message finds the room full: refused, with a fixed detail that says to send it again
        String text = "j".repeat(10_000);
        room.send("joan", text);
        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> joan.refused.size() == 1, 5 * SECOND)).isTrue();
        assertThat(joan.refusedWith).containsExactly(ErrorCode.RATE_LIMITED);
        assertThat(joan.refusedDetails).containsExactly(IncomingMessages.ROOM_BUDGET_DETAIL);
        assertThat(server.reassemblyBudget().usedBytes()).as("nothing of joan's kept").isLessThanOrEqualTo(roomBudget);

        // the members holding the room's budget leave; what they held is given back, and joan's retry goes through
        for (HostileMember hostile : hostiles) {
            hostile.send(new Frame.Close(CloseReason.LEFT));
        }
        room.runUntil(() -> room.memberCount() == 1, 5 * SECOND);
        assertThat(server.reassemblyBudget().usedBytes()).isZero();
        room.send("joan", text);
        assertThat(room.runUntil(() -> joan.accepted.size() == 1, 5 * SECOND)).isTrue();
        assertThat(room.serverSink().messages).containsExactly("joan: " + text);
    }

    @Test
    void aLargeMessageStillArrivesUnderTwentyPercentLoss() {
        int size = 256 * 1024; // 16 times the default limit: 64 chunks, over 200 slices
        SimulatedRoom room = SimulatedRoom.builder(20_260_313L).group(SrpGroup.RFC5054_1024_SHA256)
                .maxMessageBytes(size).build();
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        room.network().conditions(SimulatedNetwork.Conditions.lossy(0.2, 0.02, 5));
        StringBuilder text = new StringBuilder(size);
        Random random = new Random(3);
        while (text.length() < size) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        RoomMember joanHeld = member(room.server(), "joan");
        RecordingClientSink ega = room.sink("ega");
        ClientEngine egaClient = room.client("ega");

        room.send("joan", text.toString());
        long mostHeld = 0;
        long mostFragmentBytes = 0;
        long start = room.now();
        while (ega.messages.isEmpty() && room.now() - start < 60 * SECOND) {
            room.runFor(10 * MS);
            mostHeld = Math.max(mostHeld, joanHeld.incoming.bytesHeld());
            mostFragmentBytes = Math.max(mostFragmentBytes, egaClient.session().fragmentBytes());
        }

        assertThat(ega.messages).extracting(RecordingClientSink.Delivered::text).containsExactly(text.toString());
        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> joan.accepted.size() == 1, 10 * SECOND)).as("joan's send confirmed").isTrue();
        assertThat(mostHeld).as("the server held the message as it arrived, within joan's budget")
                .isGreaterThan(size / 2).isLessThanOrEqualTo(IncomingMessages.budgetBytes(size));
        assertThat(mostFragmentBytes).as("ega held the event as it arrived").isGreaterThan(size / 2)
                .isLessThanOrEqualTo(Reassembly.footprint(size + EventFrame.MAX_OVERHEAD_BYTES));
        assertThat(room.serverSink().left).isEmpty();
    }

    @Test
    void aClientHoldsOnlyWhatArrivedOfAFragmentedEvent() {
        EventReorderBuffer events = new EventReorderBuffer(1, MIB, () -> {
        });
        // the event after next, claiming a mebibyte, with 20 bytes of it
        assertThat(events.take(new Frame.Fragment(3, MIB, 0, new byte[20]), 0, new EventReorderBuffer.Receiver() {
            @Override
            public boolean hasRoom() {
                return true;
            }

            @Override
            public void delivered(EventFrame event) {
                throw new AssertionError("nothing is complete");
            }

            @Override
            public void released(EventFrame event) {
                throw new AssertionError("nothing is complete");
            }
        })).isTrue();
        assertThat(events.fragmentBytes()).as("one chunk and its bookkeeping, not 1 MiB").isPositive()
                .isLessThan(8 * 1024);
    }
}
