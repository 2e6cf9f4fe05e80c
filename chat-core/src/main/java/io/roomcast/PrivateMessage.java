package io.roomcast;

import java.time.Instant;
import java.util.Objects;

/**
 * A private message from one member to another, as the server stamped it. It travels over the same
 * reliable, encrypted connection as room messages, under the same size and rate limits, but only
 * the recipient (and the sender, whose {@link ChatClient#sendPrivate} future completes with it) and
 * the host ({@link ChatServerListener#onPrivateMessage}) see it. It is not a room event: it takes no
 * room sequence number and never appears in history.
 *
 * @param sender    the username of the member who sent it, as the server authenticated it; never {@code null}
 * @param recipient the recipient's username as the room knows it (the name it joined with, whatever
 *                  case or compatibility form the sender typed); never {@code null}
 * @param text      the message text, never {@code null}
 * @param timestamp when the server accepted it, by the server's clock, never {@code null}
 */
public record PrivateMessage(String sender, String recipient, String text, Instant timestamp) {
    /**
     * Creates a private message.
     *
     * @param sender    the sender's username
     * @param recipient the recipient's username
     * @param text      the text
     * @param timestamp when the server accepted it
     * @throws NullPointerException if any argument is null
     */
    public PrivateMessage {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
