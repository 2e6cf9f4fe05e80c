package io.roomcast;

import java.io.IOException;

/**
 * A chat operation failed: the room could not be joined, or a message could not be delivered
 * to the server. Subclasses say why when the caller can act on it.
 */
public class ChatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message for people.
     *
     * @param message what went wrong
     */
    public ChatException(String message) {
        super(message);
    }

    /**
     * An exception with a message for people and its cause.
     *
     * @param message what went wrong
     * @param cause   what caused it, may be null
     */
    public ChatException(String message, Throwable cause) {
        super(message, cause);
    }
}
