package io.roomcast.examples;

import io.roomcast.ServerStats;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@link ServerStats} as the server console's {@code /stats} prints it, a few lines a person can
 * read at a glance:
 *
 * <pre>
 * members: 2
 * messages: 14 accepted, 27 events delivered to members, 1 private
 * refused: 1 muted
 * traffic: 96 datagrams in (11.2 KiB), 120 out (19.9 KiB)
 * dropped: 0 malformed, 0 unauthenticated, 0 replayed; 0 handshakes throttled
 * departures: 1 left, 1 kicked
 * </pre>
 *
 * Refusals and departures list only the reasons that happened ({@code none} otherwise).
 */
final class StatsReport {
    private StatsReport() {
    }

    static List<String> lines(ServerStats stats) {
        return List.of(
                "members: " + stats.members(),
                "messages: " + stats.messagesAccepted() + " accepted, " + stats.deliveries()
                        + " events delivered to members, " + stats.privateMessages() + " private",
                "refused: " + counts(stats.refusals()),
                "traffic: " + stats.datagramsIn() + " datagrams in (" + bytes(stats.bytesIn()) + "), "
                        + stats.datagramsOut() + " out (" + bytes(stats.bytesOut()) + ")",
                "dropped: " + stats.droppedMalformed() + " malformed, " + stats.droppedUnauthenticated()
                        + " unauthenticated, " + stats.droppedReplayed() + " replayed; " + stats.throttledHandshakes()
                        + " handshakes throttled",
                "departures: " + counts(stats.departures()));
    }

    /** The non-zero counts as {@code 2 rate limited, 1 muted}, or {@code none}. */
    private static String counts(Map<? extends Enum<?>, Long> byReason) {
        StringJoiner shown = new StringJoiner(", ").setEmptyValue("none");
        byReason.forEach((reason, count) -> {
            if (count > 0) {
                shown.add(count + " " + reason.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
        });
        return shown.toString();
    }

    /** A byte count in B, KiB, MiB or GiB, one decimal above bytes. */
    static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = count / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
