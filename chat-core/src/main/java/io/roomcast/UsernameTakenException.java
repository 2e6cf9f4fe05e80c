package io.roomcast;

/** Another member of the room already has this username (usernames are compared ignoring case). */
public class UsernameTakenException extends ChatException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message for people.
     *
     * @param message what went wrong, naming the username
     */
    public UsernameTakenException(String message) {
        super(message);
    }
}
