package io.roomcast.gateway.irc;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text rules of the IRC side: the 512-byte line, splitting room text into lines at code point
 * boundaries, name comparison as the room compares usernames, and escaping for logs. Stateless.
 */
final class IrcText {
    /** The longest IRC line without tags, CR LF included (RFC 1459 §2.3). */
    static final int MAX_LINE_BYTES = 512;
    /** The longest tag section a client may send, '@' and the space included (message-tags). */
    static final int MAX_TAG_BYTES = 4096;

    private static final DateTimeFormatter SERVER_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private IrcText() {
    }

    /**
     * The comparison key of a nick or channel, as Roomcast compares usernames: NFKC, then case
     * folded (upper then lower, which also folds final sigma), then NFKC again. CASEMAPPING=rfc7613
     * is the closest token IRC has for it.
     */
    static String key(String name) {
        String compatible = Normalizer.normalize(name, Normalizer.Form.NFKC);
        return Normalizer.normalize(compatible.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT), Normalizer.Form.NFKC);
    }

    /** The channel for a room: {@code #} and the name, with what IRC forbids in a channel name (space, comma, BEL, colon) as {@code _}. */
    static String channelOf(String roomName) {
        StringBuilder b = new StringBuilder("#");
        roomName.codePoints().forEach(cp -> b.appendCodePoint(cp == ' ' || cp == ',' || cp == 7 || cp == ':' ? '_' : cp));
        return b.toString();
    }

    /** The {@code @time=...} tag value for an instant: UTC with milliseconds, as server-time asks. */
    static String serverTime(Instant instant) {
        return SERVER_TIME.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** {@code [HH:mm UTC] }, the stamp for history lines sent to a client without server-time. */
    static String clockStamp(Instant instant) {
        return "[" + CLOCK.format(instant) + " UTC] ";
    }

    /** UTF-8 size of {@code s}. */
    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Room text as IRC lines' trailing parameters: split at CR, LF and CR LF (each line of a
     * multi-line message becomes its own IRC line), NUL removed, then each line cut into pieces of
     * at most {@code maxBytes} bytes of UTF-8 without splitting a code point. IRC formatting codes
     * pass through. Empty lines are dropped, but an empty text gives one empty piece.
     */
    static List<String> pieces(String text, int maxBytes) {
        List<String> out = new ArrayList<>();
        for (String line : text.replace("\0", "").split("\r\n|\r|\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int start = 0;
            int bytes = 0;
            int i = 0;
            while (i < line.length()) {
                int cp = line.codePointAt(i);
                int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (bytes + size > maxBytes) {
                    out.add(line.substring(start, i));
                    start = i;
                    bytes = 0;
                }
                bytes += size;
                i += Character.charCount(cp);
            }
            out.add(line.substring(start));
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }

    /** {@code line} cut to at most {@code maxBytes} bytes of UTF-8 at a code point boundary. */
    static String truncate(String line, int maxBytes) {
        if (line.length() * 3 <= maxBytes || utf8Length(line) <= maxBytes) {
            return line;
        }
        return pieces(line, maxBytes).get(0);
    }

    /** {@code text} safe for a log line: control characters as {@code \\uXXXX}, at most 200 characters. */
    static String forLog(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(200).forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                b.append(String.format(Locale.ROOT, "\\u%04X", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }

    /**
     * A word the client sent, safe to echo as a middle parameter: at most 64 bytes, spaces as
     * {@code _}, never empty nor starting with {@code :} (which would make it the trailing one).
     */
    static String token(String word) {
        String t = truncate(word, 64).replace(' ', '_');
        return t.isEmpty() || t.startsWith(":") ? "*" + t : t;
    }

    /** UTF-8 bytes of a line with CR LF appended. */
    static byte[] encodeLine(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
