package io.roomcast.examples.load;

import io.roomcast.RefusalReason;
import io.roomcast.examples.DurationText;
import io.roomcast.examples.TerminalText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The words and numbers of a load run: the line that says what is run, the progress line printed
 * every second, the summary at the end, and the same summary as one JSON object for machines.
 * Text from the server (a refusal's detail) is escaped for the terminal, and for JSON.
 */
final class LoadReport {
    /** The latency percentiles the summary gives. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private final String server;
    private final boolean local;

    /**
     * @param server the room's address, as given or as the local room bound
     * @param local  whether the room runs in this process (rate limit off)
     */
    LoadReport(String server, boolean local) {
        this.server = server;
        this.local = local;
    }

    /** What is about to run. */
    String header(LoadRun.Settings settings) {
        return String.format(Locale.ROOT, "roomcast load: %d members (%d sending) at %s%s; %d msg/s of %d B for %s",
                settings.members(), settings.senders(), server,
                local ? " (a room in this process, rate limit off)" : "", settings.rate(), settings.payload(),
                DurationText.format(settings.duration()));
    }

    /**
     * The progress line for {@code now}; rates and latencies are those since {@code before}.
     *
     * @param before the previous progress, or {@code null} for the first line
     */
    String progressLine(LoadRun.Progress now, LoadRun.Progress before, LoadRun.Settings settings) {
        String joined = "joined " + now.joined() + "/" + settings.members();
        if (now.phase() == LoadRun.Phase.JOINING) {
            long joinedSince = before == null ? now.joined() : now.joined() - before.joined();
            return "joining  " + joined + " (" + rate(joinedSince, before, now) + " joins/s)";
        }
        String when = now.phase() == LoadRun.Phase.SENDING
                ? "elapsed " + DurationText.format(Duration.ofNanos(now.sendingNanos())) + "/"
                        + DurationText.format(settings.duration())
                : now.phase().name().toLowerCase(Locale.ROOT);
        LatencyHistogram.Snapshot latency = before == null ? now.latency() : now.latency().minus(before.latency());
        return when + "  " + joined
                + "  sent " + now.sent() + " (" + rate(now.sent() - (before == null ? 0 : before.sent()), before, now) + "/s)"
                + "  deliveries " + now.deliveries() + " ("
                + rate(now.deliveries() - (before == null ? 0 : before.deliveries()), before, now) + "/s)"
                + "  p50 " + millis(latency, 50) + "  p99 " + millis(latency, 99);
    }

    /** The summary, several lines, the verdict last. */
    String summary(LoadResult result) {
        LoadRun.Settings settings = result.settings();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "joins        %d/%d in %.2f s (%.1f joins/s, %d at a time)", result.joined(),
                settings.members(), result.joinNanos() / 1e9, result.joinsPerSecond(), settings.joinConcurrency()));
        lines.add(String.format(Locale.ROOT, "messages     sent %d, accepted %d (%.1f/s), refused %d, unconfirmed %d,"
                + " pending %d", result.sent(), result.accepted(), result.messagesPerSecond(), result.refusedTotal(),
                result.unconfirmed(), result.pending()));
        lines.add(String.format(Locale.ROOT, "deliveries   %d in %.2f s (%.0f/s)", result.deliveries(),
                result.deliveryNanos() / 1e9, result.deliveriesPerSecond()));
        StringBuilder latency = new StringBuilder("latency     ");
        for (double percentile : PERCENTILES) {
            latency.append(" p").append(percentileName(percentile)).append(' ').append(millis(result.latency(), percentile));
        }
        latency.append("  max ").append(millis(result.latency().maxNanos()));
        lines.add(latency.toString());
        lines.add(String.format(Locale.ROOT, "lost %d  duplicated %d  out of order %d  (waited %.1f s after sending)",
                result.lost(), result.duplicated(), result.outOfOrder(), result.drainNanos() / 1e9));
        lines.add(String.format(Locale.ROOT, "reconnects   %d (%d back in the room)", result.reconnects(),
                result.reconnected()));
        for (String problem : problems(result)) {
            lines.add((result.passed() ? "warning: " : "problem: ") + TerminalText.escape(problem));
        }
        lines.add(result.passed()
                ? "PASS: every member joined and stayed; nothing lost, duplicated or out of order"
                        + (result.reconnects() > 0 ? " (across " + result.reconnects() + " reconnects)" : "")
                : "FAIL: see the problems above");
        return String.join(System.lineSeparator(), lines);
    }

    /** The summary as one JSON object, on one line. */
    String json(LoadResult result) {
        LoadRun.Settings settings = result.settings();
        StringBuilder json = new StringBuilder("{");
        field(json, "server", quoted(server));
        field(json, "local", String.valueOf(local));
        field(json, "members", settings.members());
        field(json, "senders", settings.senders());
        field(json, "rate", settings.rate());
        field(json, "payloadBytes", settings.payload());
        field(json, "durationSeconds", number(settings.duration().toNanos() / 1e9));
        field(json, "joined", result.joined());
        field(json, "joinSeconds", number(result.joinNanos() / 1e9));
        field(json, "joinsPerSecond", number(result.joinsPerSecond()));
        field(json, "sent", result.sent());
        field(json, "accepted", result.accepted());
        field(json, "refused", result.refusedTotal());
        StringBuilder byReason = new StringBuilder("{");
        for (Map.Entry<RefusalReason, Long> refused : result.refused().entrySet()) {
            field(byReason, refused.getKey().name(), refused.getValue());
        }
        field(json, "refusedByReason", byReason.append('}').toString());
        field(json, "unconfirmed", result.unconfirmed());
        field(json, "pending", result.pending());
        field(json, "messagesPerSecond", number(result.messagesPerSecond()));
        field(json, "drainSeconds", number(result.drainNanos() / 1e9));
        field(json, "deliveries", result.deliveries());
        field(json, "deliverySeconds", number(result.deliveryNanos() / 1e9));
        field(json, "deliveriesPerSecond", number(result.deliveriesPerSecond()));
        StringBuilder latency = new StringBuilder("{");
        for (double percentile : PERCENTILES) {
            field(latency, "p" + percentileName(percentile).replace(".", ""),
                    number(result.latency().percentileNanos(percentile) / 1000));
        }
        field(latency, "max", number(result.latency().maxNanos() / 1000.0));
        field(json, "latencyMicros", latency.append('}').toString());
        field(json, "lost", result.lost());
        field(json, "duplicated", result.duplicated());
        field(json, "outOfOrder", result.outOfOrder());
        field(json, "membersLeft", result.leftEarly());
        field(json, "reconnects", result.reconnects());
        field(json, "reconnected", result.reconnected());
        field(json, "interrupted", String.valueOf(result.interrupted()));
        field(json, "passed", String.valueOf(result.passed()));
        List<String> quotedProblems = problems(result).stream().map(LoadReport::quoted).toList();
        field(json, "problems", "[" + String.join(",", quotedProblems) + "]");
        return json.append('}').toString();
    }

    /** What went wrong, or is worth a warning, in words; empty for a clean run. */
    static List<String> problems(LoadResult result) {
        LoadRun.Settings settings = result.settings();
        List<String> problems = new ArrayList<>();
        if (result.interrupted()) {
            problems.add("interrupted: the members left while messages were in flight, so the counts are of what ran"
                    + " so far: accepted messages not yet delivered count as lost, and messages the room had not yet"
                    + " accepted or refused as pending");
        }
        if (result.joined() < settings.members()) {
            problems.add(result.joined() + " of " + settings.members() + " members joined"
                    + (result.firstJoinFailure() == null ? "" : " (first failure: " + result.firstJoinFailure() + ")"));
        }
        if (result.leftEarly() > 0) {
            problems.add(result.leftEarly() + " members lost the room during the run (first: " + result.firstLeave() + ")");
        }
        if (result.sendProblem() != null) {
            problems.add("sending stopped: " + result.sendProblem());
        }
        if (result.refusedTotal() > 0) {
            StringBuilder reasons = new StringBuilder();
            result.refused().forEach((reason, count) -> {
                if (count > 0) {
                    reasons.append(reasons.length() == 0 ? "" : ", ")
                            .append(reason.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(' ').append(count);
                }
            });
            problems.add(String.format(Locale.ROOT, "the room refused %d of %d messages (%s): its limits are below"
                    + " %.1f msg/s per sender, so it carried less than --rate; refused messages are not lost",
                    result.refusedTotal(), result.sent(), reasons, settings.rate() / (double) settings.senders()));
        }
        if (!result.settledCountsAddUp()) {
            problems.add(String.format(Locale.ROOT, "the counts do not add up: sent %d, but accepted, refused,"
                    + " unconfirmed and pending make %d", result.sent(),
                    result.accepted() + result.refusedTotal() + result.unconfirmed() + result.pending()));
        }
        if (result.unconfirmed() > 0) {
            problems.add(result.unconfirmed() + " messages failed to send, neither confirmed nor refused (first: "
                    + result.firstSendFailure() + ")");
        }
        if (result.pending() > 0) {
            problems.add(String.format(Locale.ROOT, "%d messages were still pending when the run ended (it waited"
                    + " %.1f s after sending): neither accepted, refused nor failed, so whether the room carried them"
                    + " is unknown", result.pending(), result.drainNanos() / 1e9));
        }
        if (result.reconnects() > 0) {
            problems.add(result.reconnects() + " reconnects (" + result.reconnected() + " back in the room): members"
                    + " lost the server during the run" + (result.passed()
                            ? "; nothing was lost, duplicated or out of order across them" : ""));
        }
        if (result.lost() > 0) {
            problems.add(result.lost() + " deliveries lost: accepted messages that a member in the room never received");
        }
        if (result.duplicated() > 0) {
            problems.add(result.duplicated() + " deliveries duplicated");
        }
        if (result.outOfOrder() > 0) {
            problems.add(result.outOfOrder() + " deliveries out of order");
        }
        return problems;
    }

    private static String rate(long count, LoadRun.Progress before, LoadRun.Progress now) {
        if (before == null) {
            return String.valueOf(count);
        }
        return String.format(Locale.ROOT, "%.0f", LoadResult.perSecond(count, now.atNanos() - before.atNanos()));
    }

    private static String millis(LatencyHistogram.Snapshot latency, double percentile) {
        return latency.count() == 0 ? "-" : millis(latency.percentileNanos(percentile));
    }

    private static String millis(double nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String percentileName(double percentile) {
        return percentile == Math.rint(percentile) ? String.valueOf((long) percentile) : String.valueOf(percentile);
    }

    private static void field(StringBuilder json, String name, Object value) {
        if (json.length() > 1) {
            json.append(',');
        }
        json.append(quoted(name)).append(':').append(value);
    }

    private static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "null";
    }

    /** {@code text} as a JSON string, ASCII only: everything else, and every control character, escaped. */
    static String quoted(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7F) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
