package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.room.RoomLog;
import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.Frame;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the server holds for one member stays under the bound SECURITY.md states
 * ({@link RetainedState#boundBytes}) however the member behaves: one that never acknowledges
 * anything and floods SENDs that are refused, one that only keeps its connection alive while the
 * room talks to it, one owed more re-sends or refusals than a member that keeps up can be. Each
 * is removed {@code TOO_SLOW} at a cap, and the room goes on.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(60)
class MemberStateBoundsTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_MESSAGE_BYTES = 16 * 1024;
    /** The most datagrams the hostile member sends; it is removed long before. */
    private static final int FLOOD_DATAGRAMS = 4_000;

    private static SimulatedRoom roomWithJoanAndMallory(long seed) {
        SimulatedRoom room = SimulatedRoom.builder(seed).group(SrpGroup.RFC5054_1024_SHA256)
                .maxMessageBytes(MAX_MESSAGE_BYTES).configure(config -> config.withRateLimit(20, 40)).build();
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("mallory")).isTrue();
        return room;
    }

    private static RoomMember member(ServerEngine server, String username) {
        return server.members().stream().filter(m -> m.username.equals(username)).findFirst().orElseThrow();
    }

    /** Asserts every cap and the bound on what {@code member} holds; returns its estimate. */
    private static long assertWithinBounds(RoomMember member, ServerConfig config) {
        RetainedState state = member.retained();
        assertThat(state.packetsInFlight()).as("packets in flight").isLessThanOrEqualTo(member.events.maxPacketsInFlight());
        assertThat(state.framesInFlight()).isLessThanOrEqualTo(
                state.packetsInFlight() * RetainedState.MAX_FRAMES_PER_PACKET);
        assertThat(state.piecesToResend()).isLessThanOrEqualTo(EventStream.MAX_PIECES_TO_RESEND);
        assertThat(state.refusalsQueued()).isLessThanOrEqualTo(IncomingMessages.MAX_QUEUED_REFUSALS);
        assertThat(state.refusedEarly()).isLessThanOrEqualTo(ProtocolLimits.SEND_WINDOW);
        assertThat(state.messageBytes()).isLessThanOrEqualTo(IncomingMessages.budgetBytes(config.maxMessageBytes()));
        assertThat(state.estimatedBytes()).as("%s", state)
                .isLessThanOrEqualTo(RetainedState.boundBytes(config.packetWindow(), config.maxMessageBytes()));
        return state.estimatedBytes();
    }

    @Test
    void aMemberThatNeverAcknowledgesAndFloodsRefusedSendsStaysWithinTheBoundUntilRemoved() {
        SimulatedRoom room = roomWithJoanAndMallory(20_260_301L);
        ServerEngine server = room.server();
        ServerConfig config = room.serverConfig();
        RoomMember held = member(server, "mallory");
        HostileMember mallory = HostileMember.takeOver(room, "mallory");
        Random random = new Random(5);

        long id = 1;
        long largest = 0;
        int joanSent = 0;
        while (mallory.datagramsSent < FLOOD_DATAGRAMS && server.members().contains(held)) {
            // a claim over the limit, of another size each time, then a message past the rate limit
            int claimed = MAX_MESSAGE_BYTES + 1 + random.nextInt(1 << 20);
            mallory.send(new Frame.Send(id++, claimed, 0, new byte[20]));
            mallory.send(new Frame.Send(id++, 1, 0, new byte[] {'x'}));
            if (mallory.datagramsSent % 200 == 0) {
                room.send("joan", "still talking " + joanSent++); // events the room owes mallory too
            }
            room.runFor(MS);
            if (server.members().contains(held)) {
                largest = Math.max(largest, assertWithinBounds(held, config));
            }
        }

        assertThat(mallory.datagramsSent).as("removed before the flood ended").isLessThan(FLOOD_DATAGRAMS);
        assertThat(largest).as("it held something while it stayed").isPositive();
        RecordingClientSink joan = room.sink("joan");
        int joanTotal = joanSent;
        room.runUntil(() -> joan.log.contains("<-- mallory TOO_SLOW") && joan.accepted.size() == joanTotal,
                5 * SECOND);
        assertThat(room.serverSink().left).extracting(RecordingServerSink.Left::username, RecordingServerSink.Left::reason)
                .containsExactly(tuple("mallory", CloseReason.TOO_SLOW));
        assertThat(mallory.closedWith).as("told with a CLOSE").isEqualTo(CloseReason.TOO_SLOW);
        assertThat(joan.log).contains("<-- mallory TOO_SLOW");
        assertThat(joan.accepted).as("joan was never refused").hasSize(joanTotal);
        assertThat(joan.refused).isEmpty();

        // every refusal carries one of the room's fixed details, whatever the member claimed
        IncomingMessages.Details details = IncomingMessages.Details.of(config);
        assertThat(mallory.refusals).extracting(Frame.Error::code)
                .contains(ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.RATE_LIMITED);
        for (Frame.Error refusal : mallory.refusals) {
            assertThat(refusal.detail()).isEqualTo(refusal.code() == ErrorCode.MESSAGE_TOO_LARGE
                    ? details.tooLarge() : details.rateLimited());
        }
    }

    @Test
    void aMemberThatOnlyKeepsAliveIsRemovedWhenItsPacketsInFlightReachTheCap() {
        SimulatedRoom room = SimulatedRoom.builder(20_260_302L).group(SrpGroup.RFC5054_1024_SHA256).build();
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("mallory")).isTrue();
        ServerEngine server = room.server();
        RoomMember held = member(server, "mallory");
        HostileMember mallory = HostileMember.takeOver(room, "mallory");
        int window = room.serverConfig().packetWindow();
        for (int i = 0; i < window + 20; i++) {
            room.send("joan", "message " + i); // each one a packet to mallory, who acknowledges none
        }

        int mostInFlight = 0;
        long start = room.now();
        while (server.members().contains(held) && room.now() - start < TimeUnit.MINUTES.toNanos(10)) {
            mallory.send(Frame.Ping.INSTANCE); // alive, so its idle timeout never comes
            room.runFor(SECOND);
            if (server.members().contains(held)) {
                mostInFlight = Math.max(mostInFlight, held.connection.packetsInFlight());
                assertWithinBounds(held, room.serverConfig());
            }
        }

        assertThat(server.members()).as("removed within 10 minutes").doesNotContain(held);
        assertThat(mostInFlight).as("the window filled, then probes went beyond it")
                .isGreaterThan(window).isLessThanOrEqualTo(window + EventStream.PACKETS_BEYOND_WINDOW);
        assertThat(room.serverSink().left).extracting(RecordingServerSink.Left::reason)
                .containsExactly(CloseReason.TOO_SLOW);
        assertThat(mallory.closedWith).isEqualTo(CloseReason.TOO_SLOW);
        RecordingClientSink joan = room.sink("joan");
        room.runUntil(() -> joan.accepted.size() == window + 20, 5 * SECOND);
        assertThat(joan.accepted).hasSize(window + 20);
        assertThat(joan.log).contains("<-- mallory TOO_SLOW");
    }

    @Test
    void aKickedMemberThatKeepsSendingIsHeldToNothingWhileItsConnectionCloses() {
        SimulatedRoom room = SimulatedRoom.builder(8).group(SrpGroup.RFC5054_1024_SHA256).build();
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("mallory")).isTrue();
        ServerEngine server = room.server();
        RoomMember held = server.members().stream().filter(m -> m.username.equals("mallory")).findFirst()
                .orElseThrow();
        HostileMember mallory = HostileMember.takeOver(room, "mallory");
        room.act(() -> server.kick(room.now(), "mallory"));
        room.runFor(10 * MS);
        assertThat(held.connection.isClosing()).as("drained (it delivered everything), now closing").isTrue();

        long id = 1;
        int most = 0;
        for (int round = 0; round < 900 && server.members().contains(held); round++) {
            for (int i = 0; i < 20; i++) {
                mallory.send(new Frame.Send(id++, 1 << 20, 0, new byte[20])); // each refused as too large
            }
            room.runFor(MS);
            most = Math.max(most, held.incoming.refusalsQueued() + held.incoming.refusedEarlyCount());
        }

        assertThat(most).as("nothing it sends is taken once it is out of the room").isZero();
        room.runFor(2 * SECOND);
        assertThat(server.members()).doesNotContain(held); // the close timeout ended it
    }

    /** A member built by hand, for the caps that no simulated member reaches on its own. */
    private static RoomMember memberByHand() {
        PacketProtector protector = new PacketProtector(new byte[PacketProtector.KEY_BYTES],
                new byte[PacketProtector.IV_BYTES]);
        return new RoomMember(1, new InetSocketAddress("127.0.0.1", 4000), "mallory", 15 * SECOND,
                new SessionKeys(protector, protector, protector), new EventStream(new RoomLog(16), 1, 1024, 128),
                new IncomingMessages(MAX_MESSAGE_BYTES, new TokenBucket(20, 40, 0),
                        new IncomingMessages.Details("too large", "rate limited"), ByteBudget.unlimited(),
                        new ServerStats()),
                1024, 128, 0);
    }

    @Test
    void aMemberOwedMoreReSendsThanOneThatKeepsUpIsPastItsLimits() {
        RoomMember member = memberByHand();
        List<ResendQueue.Piece> lost = new ArrayList<>();
        for (int i = 0; i < EventStream.MAX_PIECES_TO_RESEND; i++) {
            lost.add(new ResendQueue.Piece(2 + i, 0, 20));
        }
        member.events.lost(lost);
        assertThat(member.pastLimits()).isFalse();
        member.events.lost(List.of(new ResendQueue.Piece(2, 0, 20)));
        assertThat(member.pastLimits()).isTrue();
    }

    @Test
    void aMemberOwedMoreRefusalsThanOneThatKeepsUpIsPastItsLimitsHoweverTheyCameBack() {
        RoomMember member = memberByHand();
        List<Frame.Error> lost = new ArrayList<>();
        for (int i = 1; i <= IncomingMessages.MAX_QUEUED_REFUSALS; i++) {
            lost.add(new Frame.Error(i, ErrorCode.RATE_LIMITED, "rate limited"));
        }
        member.incoming.lost(lost); // declared lost, not sent again by a SEND
        assertThat(member.pastLimits()).isFalse();
        member.incoming.lost(List.of(new Frame.Error(1_000, ErrorCode.RATE_LIMITED, "rate limited")));
        assertThat(member.pastLimits()).isTrue();
    }
}
