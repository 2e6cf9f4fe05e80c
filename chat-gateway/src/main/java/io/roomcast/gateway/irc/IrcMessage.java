package io.roomcast.gateway.irc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line a client sent, parsed as the Modern IRC Client Protocol describes it: optional
 * {@code @tags} (skipped: the room has nowhere to carry them), optional {@code :prefix} (ignored:
 * a client's prefix means nothing to a server), the command (upper-cased) and at most 15
 * parameters, the last one possibly a trailing parameter with spaces. Immutable.
 */
record IrcMessage(String command, List<String> params) {
    /** Parameters past this many are joined into the last, as RFC 1459 allows servers to do. */
    static final int MAX_PARAMS = 15;

    /** The line parsed, or {@code null} if it holds no command (only tags, a prefix or spaces). */
    static IrcMessage parse(String line) {
        int i = 0;
        int n = line.length();
        if (i < n && line.charAt(i) == '@') {
            i = skipToken(line, i);
        }
        i = skipSpaces(line, i);
        if (i < n && line.charAt(i) == ':') {
            i = skipSpaces(line, skipToken(line, i));
        }
        int end = skipToken(line, i);
        if (end == i) {
            return null;
        }
        String command = line.substring(i, end).toUpperCase(Locale.ROOT);
        List<String> params = new ArrayList<>();
        i = skipSpaces(line, end);
        while (i < n) {
            if (line.charAt(i) == ':' || params.size() == MAX_PARAMS - 1) {
                params.add(line.charAt(i) == ':' ? line.substring(i + 1) : line.substring(i));
                break;
            }
            end = skipToken(line, i);
            params.add(line.substring(i, end));
            i = skipSpaces(line, end);
        }
        return new IrcMessage(command, List.copyOf(params));
    }

    /** Parameter {@code index}, or {@code null} if there are not that many. */
    String param(int index) {
        return index < params.size() ? params.get(index) : null;
    }

    /** Whether parameter {@code index} is present and not empty. */
    boolean has(int index) {
        String p = param(index);
        return p != null && !p.isEmpty();
    }

    private static int skipToken(String line, int i) {
        while (i < line.length() && line.charAt(i) != ' ') {
            i++;
        }
        return i;
    }

    private static int skipSpaces(String line, int i) {
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
