package io.roomcast.examples;

import static io.roomcast.examples.TerminalText.escape;

import io.roomcast.MessageRefusedException;
import java.util.concurrent.CompletionException;

/**
 * Why a message did not reach the room, in words, for the client's screen:
 * {@code !! not sent: you are muted for another 4 min 50 s}, {@code !! not sent: 'nobody' is not
 * in the room}, {@code !! not sent: too fast — ...}, {@code !! not sent: the room is unavailable on
 * this server ...}. The server's part of a refusal is escaped: a
 * server is not trusted to write to the terminal.
 */
final class RefusalText {
    private RefusalText() {
    }

    /**
     * The line for a {@code send} or {@code sendPrivate} that failed with {@code failure}, thrown at
     * once or from its future.
     *
     * @param recipient the name a private message was for, or {@code null} for a room message
     */
    static String of(Throwable failure, String recipient) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof MessageRefusedException refused) {
            String detail = escape(refused.detail());
            return "!! not sent: " + switch (refused.reason()) {
                case MUTED -> detail;
                case NO_SUCH_MEMBER -> "'" + escape(recipient) + "' is not in the room";
                case RATE_LIMITED -> "too fast — " + detail;
                case TOO_LARGE -> "too long — " + detail;
                case ROOM_UNAVAILABLE -> "the room is unavailable on this server (cut off from most of its cluster)"
                        + " — send it again later";
            };
        }
        if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
            return "!! not sent: " + escape(cause.getMessage()); // refused by the client itself: too long, not in the room
        }
        return "!! not delivered: " + escape(cause.getMessage()); // disconnected before the room confirmed it
    }
}
