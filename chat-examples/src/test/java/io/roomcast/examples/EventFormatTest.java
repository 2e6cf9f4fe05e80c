package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.LeaveReason;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EventFormatTest {
    private static final Instant NOON = ZonedDateTime.of(2026, 1, 5, 12, 1, 0, 0, ZoneId.systemDefault()).toInstant();
    private final EventFormat plain = new EventFormat(false, "HH:mm");
    private final EventFormat coloured = new EventFormat(true, "HH:mm");

    @Test
    void privateMessagesAndAnnouncementsAreMarked() {
        assertThat(plain.privateReceived(NOON, "joan", "hi")).isEqualTo("12:01 *joan* hi");
        assertThat(plain.privateSent(NOON, "ega", "hi")).isEqualTo("12:01 -> *ega* hi");
        assertThat(plain.privateSeen(NOON, "joan", "ega", "hi")).isEqualTo("12:01 *joan -> ega* hi");
        assertThat(plain.announcement(NOON, "closing at six")).isEqualTo("12:01 [announcement] closing at six");
        assertThat(plain.left(NOON, "ega", LeaveReason.BANNED)).isEqualTo("12:01 <-- ega left (banned)");
    }

    @Test
    void theHistoryIsMarkedWithoutColourAndDimmedWithIt() {
        assertThat(plain.marker(EventFormat.EARLIER)).isEqualTo("── earlier messages ──");
        assertThat(plain.earlier(NOON, "joan", "halo")).isEqualTo("12:01 <joan> halo");
        assertThat(plain.marker(EventFormat.NOW)).isEqualTo("── now ──");

        String earlier = coloured.earlier(NOON, "joan", "halo");
        assertThat(earlier).startsWith("\u001b[2m12:01 <\u001b[").endsWith("joan\u001b[39m> halo\u001b[22m");
        assertThat(earlier).as("the name's colour ends without ending the dimming").doesNotContain("\u001b[0m");
        assertThat(coloured.marker(EventFormat.NOW)).isEqualTo("\u001b[2m── now ──\u001b[22m");
    }

    @Test
    void textFromOutsideIsEscapedInEveryNewLine() {
        String hostile = "x\n12:01 <joan> fake\u001b]0;t\u0007";
        String shown = "x⏎12:01 <joan> fake^[]0;t^G";
        assertThat(plain.privateReceived(NOON, "jo\u202Ean", hostile)).isEqualTo("12:01 *jo<U+202E>an* " + shown);
        assertThat(plain.privateSent(NOON, "ega", hostile)).endsWith(shown);
        assertThat(plain.privateSeen(NOON, "joan", "ega", hostile)).endsWith(shown);
        assertThat(plain.announcement(NOON, hostile)).endsWith(shown);
        assertThat(coloured.announcement(NOON, hostile)).isEqualTo("12:01 \u001b[1m[announcement] " + shown + "\u001b[22m");
        assertThat(plain.earlier(NOON, "joan", hostile)).endsWith(shown);
    }

    @Test
    void addressesWithTheirPortAndIpv6InBrackets() throws Exception {
        assertThat(EventFormat.address(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 9000)))
                .isEqualTo("192.0.2.1:9000");
        assertThat(EventFormat.address(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 9000)))
                .isEqualTo("[2001:db8:0:0:0:0:0:1]:9000");
    }
}
