package io.roomcast;

/**
 * The room refused to admit this client because the host banned its username or its address
 * ({@link ChatServer#ban}). The message says for how much longer, when the server said so.
 */
public final class BannedException extends ChatException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message for people.
     *
     * @param message what went wrong
     */
    public BannedException(String message) {
        super(message);
    }
}
