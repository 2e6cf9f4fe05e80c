package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.LeaveReason;
import io.roomcast.RefusalReason;
import io.roomcast.ServerStats;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StatsReportTest {

    @Test
    void aFreshServerReadsAsNothingYet() {
        ServerStats none = new ServerStats(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

        assertThat(StatsReport.lines(none)).containsExactly(
                "members: 0",
                "messages: 0 accepted, 0 events delivered to members, 0 private",
                "refused: none",
                "traffic: 0 datagrams in (0 B), 0 out (0 B)",
                "dropped: 0 malformed, 0 unauthenticated, 0 replayed; 0 handshakes throttled",
                "departures: none");
    }

    @Test
    void everyCountIsShownAndOnlyTheReasonsThatHappened() {
        ServerStats busy = new ServerStats(2, 14, 27, 1, Map.of(RefusalReason.MUTED, 1L, RefusalReason.RATE_LIMITED, 3L),
                96, 11_469, 120, 20_378, 4, 5, 6, 7, Map.of(LeaveReason.LEFT, 1L, LeaveReason.KICKED, 2L));

        assertThat(StatsReport.lines(busy)).containsExactly(
                "members: 2",
                "messages: 14 accepted, 27 events delivered to members, 1 private",
                "refused: 3 rate limited, 1 muted",
                "traffic: 96 datagrams in (11.2 KiB), 120 out (19.9 KiB)",
                "dropped: 4 malformed, 5 unauthenticated, 6 replayed; 7 handshakes throttled",
                "departures: 1 left, 2 kicked");
    }

    @Test
    void bytesInTheLargestUnitThatFits() {
        assertThat(StatsReport.bytes(1023)).isEqualTo("1023 B");
        assertThat(StatsReport.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(StatsReport.bytes(5L * 1024 * 1024 + 512 * 1024)).isEqualTo("5.5 MiB");
        assertThat(StatsReport.bytes(3L << 30)).isEqualTo("3.0 GiB");
        assertThat(StatsReport.bytes(Long.MAX_VALUE)).endsWith(" TiB");
    }
}
