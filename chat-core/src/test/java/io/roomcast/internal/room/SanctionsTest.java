package io.roomcast.internal.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.EventKind;
import io.roomcast.internal.wire.RejectReason;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SanctionsTest {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    @Test
    void aBanRefusesTheNameInAnyFormAndItsAddressGroupUntilItLapses() throws Exception {
        Room room = new Room("lobby", 10, 16, 1 << 20);
        room.sanctions().ban(Username.key("Joan"), InetAddress.getByName("2001:db8::1"), 10 * MINUTE);

        assertThat(room.checkAdmission("JOAN", 0)).hasValueSatisfying(refusal -> {
            assertThat(refusal.reason()).isEqualTo(RejectReason.BANNED);
            assertThat(refusal.detail()).contains("10 min");
        });
        assertThat(room.checkAdmission("ｊｏａｎ", 0)).map(Room.Refusal::reason).hasValue(RejectReason.BANNED);
        assertThat(room.sanctions().addressBannedFor(InetAddress.getByName("2001:db8::ffff"), MINUTE))
                .isEqualTo(9 * MINUTE); // same /64
        assertThat(room.sanctions().addressBannedFor(InetAddress.getByName("2001:db8:0:1::1"), MINUTE)).isZero();

        assertThat(room.checkAdmission("joan", 10 * MINUTE)).isEmpty();
        assertThat(room.sanctions().addressBannedFor(InetAddress.getByName("2001:db8::1"), 10 * MINUTE)).isZero();
    }

    @Test
    void unbanLiftsTheNameAndTheAddressItBanned() throws Exception {
        Sanctions sanctions = new Sanctions();
        InetAddress address = InetAddress.getByName("127.0.0.9");
        sanctions.ban("joan", address, 10 * MINUTE);

        assertThat(sanctions.unban("joan", MINUTE)).isTrue();
        assertThat(sanctions.nameBannedFor("joan", MINUTE)).isZero();
        assertThat(sanctions.addressBannedFor(address, MINUTE)).isZero();
        assertThat(sanctions.unban("joan", MINUTE)).isFalse();
    }

    @Test
    void unbanningOneNameLeavesAnotherNamesAddressBan() throws Exception {
        Sanctions sanctions = new Sanctions();
        InetAddress address = InetAddress.getByName("127.0.0.9");
        sanctions.ban("joan", address, 10 * MINUTE);
        sanctions.ban("ega", address, 20 * MINUTE);

        sanctions.unban("joan", 0);

        assertThat(sanctions.addressBannedFor(address, 0)).isEqualTo(20 * MINUTE);
    }

    @Test
    void banningAnAbsentNameAgainKeepsAndExtendsItsAddressBanAndUnbanLiftsIt() throws Exception {
        Sanctions sanctions = new Sanctions();
        InetAddress address = InetAddress.getByName("127.0.0.9");
        sanctions.ban("joan", address, MINUTE);
        sanctions.ban("joan", null, 60 * MINUTE); // she has left; the host extends her ban

        assertThat(sanctions.addressBannedFor(address, 2 * MINUTE)).isEqualTo(58 * MINUTE);
        assertThat(sanctions.unban("joan", 2 * MINUTE)).isTrue();
        assertThat(sanctions.addressBannedFor(address, 2 * MINUTE)).isZero();
    }

    @Test
    void anAddressStaysBannedUntilTheLongestOfItsNamesBansLapses() throws Exception {
        Sanctions sanctions = new Sanctions();
        InetAddress address = InetAddress.getByName("127.0.0.9");
        sanctions.ban("troll", address, 24 * 60 * MINUTE);
        sanctions.ban("troll2", address, MINUTE); // the same host's second account, banned for less

        assertThat(sanctions.addressBannedFor(address, 2 * MINUTE)).isEqualTo(24 * 60 * MINUTE - 2 * MINUTE);
        sanctions.unban("troll", 2 * MINUTE);
        assertThat(sanctions.addressBannedFor(address, 0)).isEqualTo(MINUTE); // only troll2's ban is left
    }

    @Test
    void aMuteIsLoggedInRoomOrderAndLapses() {
        Room room = new Room("lobby", 10, 16, 1 << 20);
        room.join("joan", 1);

        assertThat(room.mute("JOAN", 5 * MINUTE, 300_000, 2)).hasValueSatisfying(event -> {
            assertThat(event.kind()).isEqualTo(EventKind.MUTED);
            assertThat(event.username()).isEqualTo("joan");
            assertThat(event.mutedUntilMillis()).isEqualTo(300_000);
        });
        assertThat(room.sanctions().mutedFor(Username.key("joan"), MINUTE)).isEqualTo(4 * MINUTE);
        assertThat(room.sanctions().mutedFor(Username.key("joan"), 5 * MINUTE)).isZero();
        assertThat(room.mute("nobody", MINUTE, 0, 3)).isEmpty();
    }

    @Test
    void unmuteLogsOnlyWhenThereWasAMute() {
        Room room = new Room("lobby", 10, 16, 1 << 20);
        room.join("joan", 1);
        assertThat(room.unmute("joan", 0, 2)).isEmpty();
        room.mute("joan", MINUTE, 60_000, 2);

        assertThat(room.unmute("Joan", 0, 3)).map(event -> event.kind()).hasValue(EventKind.UNMUTED);
        assertThat(room.sanctions().mutedFor("joan", 0)).isZero();
    }

    @Test
    void theHostsEntriesAreBounded() {
        Sanctions sanctions = new Sanctions();
        for (int i = 0; i < Sanctions.MAX_ENTRIES + 10; i++) {
            sanctions.mute("m" + i, MINUTE);
        }
        assertThat(sanctions.size()).isEqualTo(Sanctions.MAX_ENTRIES);
        assertThat(sanctions.mutedFor("m0", 0)).isZero(); // the oldest went first
        assertThat(sanctions.mutedFor("m" + (Sanctions.MAX_ENTRIES + 9), 0)).isEqualTo(MINUTE);
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(Durations.describe(TimeUnit.SECONDS.toNanos(290))).isEqualTo("4 min 50 s");
        assertThat(Durations.describe(TimeUnit.HOURS.toNanos(1))).isEqualTo("1 h");
        assertThat(Durations.describe(TimeUnit.DAYS.toNanos(1) + TimeUnit.HOURS.toNanos(2))).isEqualTo("1 d 2 h");
        assertThat(Durations.describe(1)).isEqualTo("1 s");
    }
}
