package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.ResumeProof;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.RoomLog;
import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.RejectReason;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's store of held sessions: its bounds, the reserved names, single use. */
@Timeout(10)
class HeldSessionsTest {
    private static final long WINDOW = 30_000_000_000L;
    private final HeldSessions held = new HeldSessions(WINDOW, 2);

    private RoomMember timedOut(String name, int id) {
        PacketProtector protector = new PacketProtector(new byte[PacketProtector.KEY_BYTES],
                new byte[PacketProtector.IV_BYTES]);
        RoomMember member = new RoomMember(id, new InetSocketAddress("127.0.0.1", 1000 + id), name, WINDOW,
                new SessionKeys(protector, protector, protector), new EventStream(new RoomLog(16), 1, 16, 16),
                new IncomingMessages(1024, new TokenBucket(20, 40, 0), new IncomingMessages.Details("too large",
                        "rate limited"), ByteBudget.unlimited(), new ServerStats()), 16, 16, 0);
        member.resumeId = new byte[16];
        Arrays.fill(member.resumeId, (byte) id);
        member.resumeKey = new byte[32];
        Arrays.fill(member.resumeKey, (byte) (100 + id));
        held.hold(member);
        return member;
    }

    private static byte[] proof(int id, byte[] m1) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) (100 + id));
        return ResumeProof.make(key, m1, id(id), 0);
    }

    private static byte[] id(int id) {
        byte[] bytes = new byte[16];
        Arrays.fill(bytes, (byte) id);
        return bytes;
    }

    @Test
    void atMostCapacitySessionsAreHeldTheOldestDroppedFirst() {
        held.at(0);
        timedOut("joan", 1);
        timedOut("ega", 2);
        timedOut("zoe", 3);
        byte[] m1 = new byte[32];

        assertThat(held.size()).isEqualTo(2);
        assertThat(held.claim(id(1), "joan", m1, 0, proof(1, m1), null, (m, r) -> { })).as("dropped").isNull();
        assertThat(held.claim(id(2), "EGA", m1, 0, proof(2, m1), null, (m, r) -> { })).isNotNull();
        assertThat(held.claim(id(3), "zoe", m1, 0, proof(3, m1), null, (m, r) -> { })).isNotNull();
    }

    @Test
    void theRoomHoldsANameUntilItsTimeOnTheRoomsClockAtMostItsMemberLimitAndAResumeIsNotRefusedByIt() {
        Room small = new Room("lobby", 2, 64, 1 << 20);
        small.hold("joan", 100, 0);
        assertThat(small.checkAdmission("JOAN", 99, false)).get().extracting(Room.Refusal::reason)
                .isEqualTo(RejectReason.USERNAME_TAKEN);
        assertThat(small.checkAdmission("joan", 99, true)).as("its own resume").isEmpty();
        assertThat(small.checkAdmission("joan", 100, false)).as("lapsed").isEmpty();
        small.hold("ega", 200, 0);
        small.hold("zoe", 300, 0);
        assertThat(small.checkAdmission("joan", 50, false)).as("the oldest, dropped past the limit").isEmpty();
        assertThat(small.checkAdmission("ega", 50, false)).isPresent();
        small.release("ega");
        assertThat(small.checkAdmission("ega", 50, false)).isEmpty();
        assertThat(small.checkAdmission("zoe", 50, false)).isPresent();
    }

    @Test
    void aSessionLapsesAfterTheWindowAndIsClaimedOnceWithTheRightProofOnly() {
        held.at(0);
        RoomMember joan = timedOut("joan", 1);
        byte[] m1 = new byte[32];

        assertThat(joan.resumeKey).as("moved to the store").isNull();
        assertThat(held.claim(id(1), "joan", m1, 0, proof(2, m1), null, (m, r) -> { })).as("wrong key").isNull();
        assertThat(held.claim(id(1), "ega", m1, 0, proof(1, m1), null, (m, r) -> { })).as("wrong name").isNull();
        assertThat(held.claim(id(1), "joan", new byte[32], 0, proof(1, new byte[] {1}), null, (m, r) -> { }))
                .as("another handshake's proof").isNull();
        HeldSessions.Held claimed = held.claim(id(1), "JOAN", m1, 0, proof(1, m1), null, (m, r) -> { });
        assertThat(claimed).isNotNull();
        assertThat(held.claim(id(1), "joan", m1, 0, proof(1, m1), null, (m, r) -> { })).as("single use").isNull();

        timedOut("ega", 2);
        assertThat(held.nextExpiryNanos()).isEqualTo(WINDOW);
        held.expire(WINDOW - 1);
        assertThat(held.size()).isEqualTo(1);
        held.expire(WINDOW);
        assertThat(held.size()).isZero();
    }

    @Test
    void aSessionPutBackAfterARefusalIsHeldAgainInLapseOrderUntilItsOriginalLapse() {
        held.at(0);
        timedOut("joan", 1);
        held.at(10);
        timedOut("ega", 2);
        byte[] m1 = new byte[32];
        HeldSessions.Held joan = held.claim(id(1), "joan", m1, 0, proof(1, m1), null, (m, r) -> { });
        assertThat(joan).isNotNull();

        held.putBack(joan); // its resume was refused ROOM_FULL
        assertThat(held.size()).isEqualTo(2);
        assertThat(held.nextExpiryNanos()).as("the earliest lapse first").isEqualTo(WINDOW);
        held.expire(WINDOW);
        assertThat(held.size()).as("lapsed at its original time").isEqualTo(1);
        assertThat(held.claim(id(2), "ega", m1, 0, proof(2, m1), null, (m, r) -> { })).isNotNull();

        held.at(WINDOW + 20);
        held.putBack(joan); // its resume refused again, past its lapse
        assertThat(held.size()).as("a session put back after its lapse is gone").isZero();
    }
}
