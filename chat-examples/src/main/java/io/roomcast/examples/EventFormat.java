package io.roomcast.examples;

import io.roomcast.LeaveReason;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The text format of room events on the console apps' screens: {@code 12:01 <ega> halo},
 * {@code 12:01 --> ega joined}, {@code 12:01 <-- ega left (timed out)}, private messages
 * {@code 12:01 *joan* hi} (received), {@code 12:01 -> *ega* hi} (sent) and
 * {@code 12:01 *joan -> ega* hi} (seen by the host), announcements
 * {@code 12:01 [announcement] the room closes at six}, and history between {@link #EARLIER} and
 * {@link #NOW}, dimmed when colour is on. Names and text from the room go through
 * {@link TerminalText#escape} here, so no member can fake a line or act on a terminal.
 */
final class EventFormat {
    /** The line before the history a newcomer is shown. */
    static final String EARLIER = "── earlier messages ──";
    /** The line after that history: what follows happens now. */
    static final String NOW = "── now ──";

    private static final int[] COLOURS = {31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96};
    private static final String DIM = "\u001B[2m";
    private static final String BOLD = "\u001B[1m";
    private static final String NORMAL_INTENSITY = "\u001B[22m";

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

    /** A message from before this member joined: dimmed when colour is on. */
    String earlier(Instant at, String sender, String text) {
        return colour ? DIM + message(at, sender, text) + NORMAL_INTENSITY : message(at, sender, text);
    }

    /** {@link #EARLIER} or {@link #NOW}, dimmed like the history between them. */
    String marker(String marker) {
        return colour ? DIM + marker + NORMAL_INTENSITY : marker;
    }

    /** A private message to this member. */
    String privateReceived(Instant at, String sender, String text) {
        return time(at) + " *" + name(sender) + "* " + TerminalText.escape(text);
    }

    /** A private message this member sent, as the room confirmed it. */
    String privateSent(Instant at, String recipient, String text) {
        return time(at) + " -> *" + name(recipient) + "* " + TerminalText.escape(text);
    }

    /** A private message between two members, as the host sees it. */
    String privateSeen(Instant at, String sender, String recipient, String text) {
        return time(at) + " *" + name(sender) + " -> " + name(recipient) + "* " + TerminalText.escape(text);
    }

    /** The host's announcement to the room: bold when colour is on. */
    String announcement(Instant at, String text) {
        String shown = "[announcement] " + TerminalText.escape(text);
        return time(at) + " " + (colour ? BOLD + shown + NORMAL_INTENSITY : shown);
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
        return "\u001B[" + code + "m" + shown + "\u001B[39m"; // back to the default colour, keeping any dimming
    }

    /** An address as {@code 192.0.2.1:9000} or {@code [2001:db8::1]:9000}. */
    static String address(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Nothing for a plain leave, otherwise {@code " (timed out)"} and the like. */
    static String suffix(LeaveReason reason) {
        if (reason == LeaveReason.LEFT) {
            return "";
        }
        return " (" + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
    }
}
