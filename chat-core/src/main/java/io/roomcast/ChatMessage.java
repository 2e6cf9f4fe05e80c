package io.roomcast;

import java.time.Instant;
import java.util.Objects;

/**
 * One message in a room, as the server stamped it.
 *
 * <p>Every member receives the same messages in the same order: by {@code sequence}, the
 * room's sequence number, which the server assigns. The sender is whoever the server
 * authenticated; a client can never speak as another member.
 *
 * @param sequence  the room sequence number: positive, unique within a room, rising by
 *                  room order (joins and leaves take numbers too, so there are gaps between
 *                  messages)
 * @param sender    the username of the member who sent it, never {@code null}
 * @param text      the message text, never {@code null}
 * @param timestamp when the server accepted it, by the server's clock, never {@code null}
 */
public record ChatMessage(long sequence, String sender, String text, Instant timestamp) {
    /**
     * Creates a message.
     *
     * @param sequence  the room sequence number
     * @param sender    the sender's username
     * @param text      the text
     * @param timestamp when the server accepted it
     * @throws NullPointerException if {@code sender}, {@code text} or {@code timestamp} is null
     */
    public ChatMessage {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
