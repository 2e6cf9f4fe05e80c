package io.roomcast.examples;

/**
 * The room password could not be had: its message says why and what to do instead. It never
 * holds the password, or any part of it.
 */
public final class PasswordException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, which must not hold the password. */
    public PasswordException(String message) {
        super(message);
    }
}
