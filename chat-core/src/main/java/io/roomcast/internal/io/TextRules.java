package io.roomcast.internal.io;

import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.EventFrame;
import java.util.Optional;

/**
 * The protocol's rules for text an application gives a client, so that the public API can check
 * its arguments at once without reaching below this layer: the room's username rule, and the size
 * of a message's text as the wire encodes it. Stateless; any thread.
 */
public final class TextRules {
    private TextRules() {
    }

    /** What is wrong with {@code username} under the room's rule, or empty if it is valid. */
    public static Optional<String> usernameProblem(String username) {
        return Username.problem(username);
    }

    /** {@code username} as the room knows it: NFC-normalised. */
    public static String normalizeUsername(String username) {
        return Username.normalize(username);
    }

    /** The size of {@code text} in bytes of UTF-8 as it is sent (a lone surrogate counts as the {@code ?} sent for it). */
    public static int utf8Length(String text) {
        return EventFrame.utf8Length(text);
    }
}
