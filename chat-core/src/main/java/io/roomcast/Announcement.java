package io.roomcast;

import java.time.Instant;
import java.util.Objects;

/**
 * A notice from the host to the whole room ({@link ChatServer#announce}). It is a room event: it
 * has a room sequence number and reaches every member in room order, between the messages sent
 * before and after it. It is not part of history, which holds members' messages only.
 *
 * @param sequence  the room sequence number, as for {@link ChatMessage#sequence()}
 * @param text      the text, never {@code null}
 * @param timestamp when the server logged it, by the server's clock, never {@code null}
 */
public record Announcement(long sequence, String text, Instant timestamp) {
    /**
     * Creates an announcement.
     *
     * @param sequence  the room sequence number
     * @param text      the text
     * @param timestamp when the server logged it
     * @throws NullPointerException if {@code text} or {@code timestamp} is null
     */
    public Announcement {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
