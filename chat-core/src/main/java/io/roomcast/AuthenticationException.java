package io.roomcast;

/** The server refused the room password. Nothing about the password was revealed on the wire. */
public class AuthenticationException extends ChatException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message for people.
     *
     * @param message what went wrong
     */
    public AuthenticationException(String message) {
        super(message);
    }
}
