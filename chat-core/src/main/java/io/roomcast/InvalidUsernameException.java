package io.roomcast;

/**
 * The server refused the username because it breaks the rule: 1 to 32 characters after NFC
 * normalisation, each a letter, a digit, {@code _}, {@code -} or {@code .}. The message
 * states the rule.
 */
public class InvalidUsernameException extends ChatException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message for people.
     *
     * @param message what went wrong, stating the rule
     */
    public InvalidUsernameException(String message) {
        super(message);
    }
}
