package io.roomcast;

import java.util.Objects;

/**
 * The server refused a message: a {@link ChatClient#send} or {@link ChatClient#sendPrivate} future
 * fails with this. Nothing of the message reached anyone; the client stays in the room.
 */
public final class MessageRefusedException extends ChatException {
    private static final long serialVersionUID = 1L;

    private final RefusalReason reason;

    /**
     * An exception for a refused message.
     *
     * @param reason  why the server refused it
     * @param message what went wrong, for people (the server's detail)
     * @throws NullPointerException if {@code reason} is null
     */
    public MessageRefusedException(RefusalReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Why the server refused the message.
     *
     * @return the reason, never {@code null}
     */
    public RefusalReason reason() {
        return reason;
    }
}
