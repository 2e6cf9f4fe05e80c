package io.roomcast.examples;

import io.roomcast.LeaveReason;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit statuses of the {@code roomcast} commands, the same for the client and the bot, so a
 * script can tell why a session ended.
 */
public final class ExitStatus {
    /** The session ended as asked: the person or script left, or the host closed the room. */
    public static final int OK = 0;
    /** The command could not join (refused, no server), or lost the room (timed out, too slow). */
    public static final int FAILED = 1;
    /** The command line or the configuration is wrong (a bad option, a port in use without a terminal). */
    public static final int USAGE = 2;
    /** The host kicked this member out of the room. */
    public static final int KICKED = 3;
    /** The host banned this member: removed it from the room, or refused it at the door. */
    public static final int BANNED = 4;

    /** Each status and what it means, for the commands' {@code --help}. */
    static final Map<String, String> MEANINGS = meanings();

    private ExitStatus() {
    }

    private static Map<String, String> meanings() {
        Map<String, String> meanings = new LinkedHashMap<>();
        meanings.put(String.valueOf(OK), "left, or the host closed the room");
        meanings.put(String.valueOf(FAILED), "could not join, or lost the room (timed out, too slow)");
        meanings.put(String.valueOf(USAGE), "bad options");
        meanings.put(String.valueOf(KICKED), "kicked out by the host");
        meanings.put(String.valueOf(BANNED), "banned by the host");
        return Collections.unmodifiableMap(meanings);
    }

    /** The status for a session that ended with {@code reason}. */
    public static int of(LeaveReason reason) {
        return switch (reason) {
            case LEFT, SERVER_CLOSED -> OK;
            case KICKED -> KICKED;
            case BANNED -> BANNED;
            case TIMED_OUT, TOO_SLOW -> FAILED;
        };
    }
}
