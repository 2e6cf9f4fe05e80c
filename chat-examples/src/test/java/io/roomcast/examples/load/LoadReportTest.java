package io.roomcast.examples.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.RefusalReason;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the report writes, and whether a result passes, for results built by hand: no run needed. */
@Timeout(10)
class LoadReportTest {
    private static final LoadRun.Settings SETTINGS = new LoadRun.Settings(new InetSocketAddress("127.0.0.1", 7000),
            "secret", 4, 2, 100, 64, Duration.ofSeconds(2), "load-", 4);
    private static final LoadReport REPORT = new LoadReport("127.0.0.1:7000", false);

    /**
     * A result of 200 sent messages: {@code accepted} accepted, {@code refused} rate limited, the
     * rest as given; every member joined and stayed, nothing lost, duplicated or out of order.
     */
    private static LoadResult result(long accepted, long refused, long unconfirmed, long pending, int reconnects,
                                     String firstSendFailure) {
        Map<RefusalReason, Long> byReason = new EnumMap<>(RefusalReason.class);
        for (RefusalReason reason : RefusalReason.values()) {
            byReason.put(reason, 0L);
        }
        byReason.put(RefusalReason.RATE_LIMITED, refused);
        return new LoadResult(SETTINGS, 4, 1_000_000, 200, accepted, byReason, unconfirmed, pending, accepted * 4,
                2_000_000_000L, 30_000_000_000L, 2_500_000_000L, new LatencyHistogram().snapshot(), 0, 0, 0, 0,
                reconnects, reconnects, false, false, null, null, firstSendFailure, null);
    }

    @Test
    void everyMessageAcceptedPasses() {
        LoadResult result = result(200, 0, 0, 0, 0, null);

        assertThat(result.passed()).isTrue();
        assertThat(REPORT.summary(result)).endsWith(
                "PASS: every member joined and stayed; nothing lost, duplicated or out of order");
    }

    @Test
    void aMessageStillPendingWhenTheRunEndsFailsItAndSaysWhy() {
        LoadResult result = result(190, 0, 0, 10, 0, null);

        assertThat(result.passed()).isFalse();
        assertThat(REPORT.summary(result))
                .contains("messages     sent 200, accepted 190 (95.0/s), refused 0, unconfirmed 0, pending 10")
                .contains("problem: 10 messages were still pending when the run ended (it waited 30.0 s after"
                        + " sending): neither accepted, refused nor failed, so whether the room carried them is unknown")
                .endsWith("FAIL: see the problems above");
        assertThat(REPORT.json(result)).contains("\"pending\":10,", "\"passed\":false",
                "\"10 messages were still pending when the run ended");
    }

    @Test
    void aSendThatFailedFailsTheRunWithItsReason() {
        LoadResult result = result(197, 0, 3, 0, 0, "load-1: ChatException: the reconnect queue is full");

        assertThat(result.passed()).isFalse();
        assertThat(REPORT.summary(result))
                .contains("problem: 3 messages failed to send, neither confirmed nor refused (first: load-1:"
                        + " ChatException: the reconnect queue is full)")
                .doesNotContain("their sender left first")
                .endsWith("FAIL: see the problems above");
    }

    @Test
    void countsThatDoNotAddUpToWhatWasSentDoNotPass() {
        LoadResult result = result(150, 0, 0, 0, 0, null); // 50 sent messages in no count

        assertThat(result.settledCountsAddUp()).isFalse();
        assertThat(result.passed()).isFalse();
        assertThat(LoadReport.problems(result)).contains(
                "the counts do not add up: sent 200, but accepted, refused, unconfirmed and pending make 150");
    }

    @Test
    void refusalsByARateLimitedRoomOnlyWarn() {
        LoadResult result = result(150, 50, 0, 0, 0, null);

        assertThat(result.passed()).isTrue();
        assertThat(REPORT.summary(result)).containsPattern("(?m)^warning: the room refused 50 of 200 messages")
                .contains("PASS");
    }

    @Test
    void reconnectsAreCountedAndAPassAcrossThemSaysSo() {
        LoadResult result = result(200, 0, 0, 0, 2, null);

        assertThat(result.passed()).isTrue();
        assertThat(REPORT.summary(result)).contains("reconnects   2 (2 back in the room)")
                .contains("warning: 2 reconnects (2 back in the room): members lost the server during the run;"
                        + " nothing was lost, duplicated or out of order across them")
                .endsWith("PASS: every member joined and stayed; nothing lost, duplicated or out of order"
                        + " (across 2 reconnects)");
        assertThat(REPORT.json(result)).contains("\"reconnects\":2,", "\"reconnected\":2,", "\"pending\":0,",
                "\"passed\":true");
    }

    @Test
    void anInterruptedRunSaysPendingMessagesAreNotCountedAsLost() {
        LoadResult clean = result(180, 0, 0, 20, 0, null);
        LoadResult interrupted = new LoadResult(SETTINGS, 4, 1, 200, 180, clean.refused(), 0, 20, 0, 1, 1, 1,
                clean.latency(), 0, 0, 0, 0, 0, 0, false, true, null, null, null, null);

        assertThat(interrupted.passed()).isFalse();
        assertThat(LoadReport.problems(interrupted)).anySatisfy(problem -> assertThat(problem)
                .startsWith("interrupted: ").doesNotContain("still in flight count as lost")
                .contains("accepted messages not yet delivered count as lost", "as pending"));
    }

    @Test
    void jsonStringsAreQuotedAndEscapedToPlainAscii() {
        assertThat(LoadReport.quoted("load-7: \"too slow\" \\ now")).isEqualTo("\"load-7: \\\"too slow\\\" \\\\ now\"");
        assertThat(LoadReport.quoted("a\nb\tc\u0001\u001b[31m")).isEqualTo("\"a\\nb\\tc\\u0001\\u001b[31m\"");
        assertThat(LoadReport.quoted("jo\u00e3o \u202e \ud83d\ude00 \u007f"))
                .isEqualTo("\"jo\\u00e3o \\u202e \\ud83d\\ude00 \\u007f\"");
    }
}
