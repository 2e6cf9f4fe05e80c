package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatServer;
import io.roomcast.internal.io.CallbackDispatcher;
import io.roomcast.internal.room.AttemptThrottle;
import io.roomcast.internal.room.RoomHistory;
import io.roomcast.internal.room.Sanctions;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.WelcomeBody;
import io.roomcast.internal.wire.WireFormat;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The numbers of SECURITY.md's "Limits and defaults" table, one assertion per row, against the
 * constants the code enforces. The behaviour at each bound is proved by the test named in the
 * row's comment, which uses the constant; this test ties the constant to the number the document
 * states, so that changing either alone fails the build.
 */
@Timeout(10)
class StatedLimitsTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    @Test
    void handshakeLimits() {
        // password proofs: 5 per 10 s, then 10 s doubling to 10 min (AbuseLimitsTest, AttemptThrottleBoundTest, GuessThrottleTest)
        assertThat(ServerConfig.MAX_FAILED_PROOFS).isEqualTo(5);
        assertThat(ServerConfig.FAILED_PROOF_WINDOW_NANOS).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        assertThat(AttemptThrottle.MAX_PENALTY_NANOS).isEqualTo(TimeUnit.MINUTES.toNanos(10));
        // handshakes in progress: RETRY past 64, at most 1,024, 16 per address group (HandshakeCapacityTest, HandshakeSlotsTest)
        assertThat(ServerConfig.DEFAULT_RETRY_THRESHOLD).isEqualTo(64);
        assertThat(HandshakeResponder.MAX_PENDING_HANDSHAKES).isEqualTo(1_024);
        assertThat(HandshakeResponder.MAX_PENDING_PER_ADDRESS).isEqualTo(16);
        // one RETRY token opens one handshake; spent ones kept 10 s, 4,096 in all, 64 per group (RetryTokensTest)
        assertThat(RetryTokens.LIFETIME_NANOS).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        assertThat(RetryTokens.MAX_SPENT).isEqualTo(4_096);
        assertThat(RetryTokens.MAX_SPENT_PER_ADDRESS).isEqualTo(64);
        // the client's retries after SERVER_BUSY: 250 ms doubling to 4 s, each 50-100 % (BusyRetryTest)
        assertThat(ClientHandshake.BUSY_RETRY_FIRST_NANOS).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(ClientHandshake.BUSY_RETRY_MAX_NANOS).isEqualTo(TimeUnit.SECONDS.toNanos(4));
        assertThat(ClientHandshake.BUSY_RETRY_JITTER).isEqualTo(0.5);
        // 3x what an unvalidated address sent (RoomSimulationTest, RepeatedProofTest)
        assertThat(AmplificationBudget.FACTOR).isEqualTo(3);
    }

    @Test
    void builderDefaultsAndRanges() {
        // messages per member 20/s, bursts of 40 (TimingRulesTest)
        assertThat(ChatServer.DEFAULT_MESSAGES_PER_SECOND).isEqualTo(20);
        assertThat(ChatServer.DEFAULT_MESSAGE_BURST).isEqualTo(40);
        // message size 16 KiB, at most 1 MiB (RoomSimulationTest, ChatRoomTest, BuilderValidationTest)
        assertThat(ChatServer.DEFAULT_MAX_MESSAGE_BYTES).isEqualTo(16 * KIB);
        assertThat(ChatServer.LARGEST_MAX_MESSAGE_BYTES).isEqualTo(MIB);
        // members 1,024 (RoomTest at a small cap, BuilderValidationTest)
        assertThat(ChatServer.DEFAULT_MAX_MEMBERS).isEqualTo(1_024);
        // history: the last 50, 0-1,000 (RoomHistoryTest, RoomFeaturesTest)
        assertThat(ChatServer.DEFAULT_HISTORY_SIZE).isEqualTo(50);
        assertThat(ChatServer.MAX_HISTORY_SIZE).isEqualTo(1_000);
        assertThat(RoomHistory.MAX_SIZE).isEqualTo(1_000);
        // resume window 30 s, idle timeout 15 s, durations at most 10,000 days (BuilderValidationTest, ResumeSimulationTest)
        assertThat(ChatServer.DEFAULT_RESUME_WINDOW).isEqualTo(Duration.ofSeconds(30));
        assertThat(ChatServer.DEFAULT_IDLE_TIMEOUT).isEqualTo(Duration.ofSeconds(15));
        assertThat(io.roomcast.ChatClient.DEFAULT_IDLE_TIMEOUT).isEqualTo(Duration.ofSeconds(15));
        assertThat(ChatServer.LONGEST_DURATION).isEqualTo(Duration.ofDays(10_000));
        // username 1-32 characters (UsernameTest)
        assertThat(Username.MAX_CODE_POINTS).isEqualTo(32);
        // datagrams of 1,200 bytes (SimulatedNetwork checks every datagram; CodecTest)
        assertThat(WireFormat.MAX_DATAGRAM_BYTES).isEqualTo(1_200);
    }

    @Test
    void perMemberCapsAndBudgets() {
        // 128 packets in flight, 1,024 events beyond the last delivered, TOO_SLOW at 160 (MemberStateBoundsTest)
        assertThat(ServerConfig.DEFAULT_PACKET_WINDOW).isEqualTo(128);
        assertThat(ServerConfig.DEFAULT_EVENT_WINDOW).isEqualTo(1_024);
        assertThat(ServerConfig.DEFAULT_PACKET_WINDOW + EventStream.PACKETS_BEYOND_WINDOW).isEqualTo(160);
        // refusals queued 128 (RefusalBoundsTest), pieces to resend 4,096 (MemberStateBoundsTest)
        assertThat(IncomingMessages.MAX_QUEUED_REFUSALS).isEqualTo(128);
        assertThat(EventStream.MAX_PIECES_TO_RESEND).isEqualTo(4_096);
        // incomplete messages per member: 171 KiB at 16 KiB, 1.11 MiB at 1 MiB (IncompleteMessageBudgetTest)
        assertThat(ProtocolLimits.unconfirmedBudget(16 * 1024)).isEqualTo(128 * KIB);
        assertThat(ProtocolLimits.unconfirmedBudget(1024 * 1024)).isEqualTo(MIB + 64 * KIB);
        assertThat(Math.round(IncomingMessages.budgetBytes(16 * 1024) / (double) KIB)).as("KiB").isEqualTo(171);
        assertThat(Math.round(100 * IncomingMessages.budgetBytes(1024 * 1024) / (double) MIB)).as("MiB/100")
                .isEqualTo(111);
        assertThat(Reassembly.CHUNK_BYTES).isEqualTo(4 * KIB);
        assertThat(Reassembly.MAX_RANGES).isEqualTo(64);
        // all members' incomplete messages: 64 MiB (IncompleteMessageBudgetTest)
        assertThat(ServerConfig.DEFAULT_REASSEMBLY_BYTES).isEqualTo(64 * MIB);
        // what a member can make the server hold: about 1.2 MiB, 2.9 MiB at 1 MiB messages (MemberStateBoundsTest)
        assertThat(Math.round(10 * RetainedState.boundBytes(128, 16 * 1024) / (double) MIB)).as("MiB/10").isEqualTo(12);
        assertThat(Math.round(10 * RetainedState.boundBytes(128, 1024 * 1024) / (double) MIB)).as("MiB/10")
                .isEqualTo(29);
        // a client's incomplete events 4 MiB (IncompleteMessageBudgetTest, RoomPropertyTest)
        assertThat(ProtocolLimits.MAX_FRAGMENT_BYTES).isEqualTo(4 * MIB);
    }

    @Test
    void roomWideBounds() {
        // room log 8,192 events or 32 MiB (RoomLogBoundsTest, SlowApplicationTest)
        assertThat(ServerConfig.DEFAULT_LOG_CAPACITY).isEqualTo(8_192);
        assertThat(ServerConfig.DEFAULT_LOG_BYTES).isEqualTo(32 * MIB);
        // listener calls 1,024 per client and per server, 1,024 events held back (SlowListenerTest, SlowApplicationTest)
        assertThat(CallbackDispatcher.MAX_QUEUED_CALLBACKS).isEqualTo(1_024);
        assertThat(ProtocolLimits.MAX_HELD_BACK_EVENTS).isEqualTo(1_024);
        // private messages: 256 or 256 KiB per recipient (RoomFeaturesSimulationTest), 32 MiB in the room (RoomPrivateBytesBoundTest)
        assertThat(RoomMember.MAX_PRIVATE_MESSAGES).isEqualTo(256);
        assertThat(RoomMember.MAX_PRIVATE_BYTES).isEqualTo(256 * KIB);
        assertThat(PrivateMessages.MAX_ROOM_PRIVATE_BYTES).isEqualTo(32 * MIB);
        // bans and mutes 65,536 of each (SanctionsTest)
        assertThat(Sanctions.MAX_ENTRIES).isEqualTo(65_536);
        // refusals kept per held session 128 (HeldRefusalsTest); a reconnecting client queues 64 (ResumeSimulationTest)
        assertThat(WelcomeBody.MAX_REFUSED_IDS).isEqualTo(128);
        assertThat(ProtocolLimits.SEND_WINDOW).isEqualTo(64);
    }
}
