package io.roomcast.internal.room;

import java.util.concurrent.TimeUnit;

/** Durations as people read them in refusals: "4 min 50 s", "2 h 5 min", "3 d 1 h". */
public final class Durations {
    private Durations() {
    }

    /** {@code nanos} rounded up to the second, in its two largest units. */
    public static String describe(long nanos) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos) + (nanos % 1_000_000_000L > 0 ? 1 : 0));
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long secs = seconds % 60;
        if (days > 0) {
            return hours > 0 ? days + " d " + hours + " h" : days + " d";
        }
        if (hours > 0) {
            return minutes > 0 ? hours + " h " + minutes + " min" : hours + " h";
        }
        if (minutes > 0) {
            return secs > 0 ? minutes + " min " + secs + " s" : minutes + " min";
        }
        return secs + " s";
    }
}
