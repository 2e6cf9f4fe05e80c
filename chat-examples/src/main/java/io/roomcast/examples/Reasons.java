package io.roomcast.examples;

import io.roomcast.LeaveReason;
import java.util.Locale;

/** How the console apps show a {@link LeaveReason}. */
final class Reasons {
    private Reasons() {
    }

    /** Nothing for a plain leave, otherwise {@code " (timed out)"} and the like. */
    static String suffix(LeaveReason reason) {
        if (reason == LeaveReason.LEFT) {
            return "";
        }
        return " (" + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
    }
}
