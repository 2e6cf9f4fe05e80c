package io.roomcast.examples;

import io.roomcast.LeaveReason;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The text format of room events on the console apps' screens: {@code 12:01 <ega> halo},
 * {@code 12:01 --> ega joined}, {@code 12:01 <-- ega left (timed out)}. Names and text from the room
 * go through {@link TerminalText#escape} here, so no member can fake a line or act on a terminal.
 */
final class EventFormat {
    private static final int[] COLOURS = {31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96};

    private final boolean colour;
    private final DateTimeFormatter time;

    /** A format with names coloured or not, and times in {@code timePattern} (such as {@code HH:mm}). */
    EventFormat(boolean colour, String timePattern) {
        this.colour = colour;
        this.time = DateTimeFormatter.ofPattern(timePattern).withZone(ZoneId.systemDefault());
    }

    private String time(Instant at) {
        return time.format(at);
    }

    String message(Instant at, String sender, String text) {
        return time(at) + " <" + name(sender) + "> " + TerminalText.escape(text);
    }

    String joined(Instant at, String username) {
        return time(at) + " --> " + name(username) + " joined";
    }

    String left(Instant at, String username, LeaveReason reason) {
        return time(at) + " <-- " + name(username) + " left" + suffix(reason);
    }

    /** A name from the room, made safe to print, in a colour of its own (stable across runs) when colour is on. */
    private String name(String username) {
        String shown = TerminalText.escape(username);
        if (!colour) {
            return shown;
        }
        int code = COLOURS[Math.floorMod(username.hashCode(), COLOURS.length)];
        return "\u001B[" + code + "m" + shown + "\u001B[0m";
    }

    /** Nothing for a plain leave, otherwise {@code " (timed out)"} and the like. */
    static String suffix(LeaveReason reason) {
        if (reason == LeaveReason.LEFT) {
            return "";
        }
        return " (" + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
    }
}
