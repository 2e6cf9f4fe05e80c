package io.roomcast;

/**
 * The server refused the username because it breaks the rule: 1 to 32 characters after NFC
 * normalisation, each a letter, a digit, {@code _}, {@code -} or {@code .}; no invisible
 * characters (Hangul fillers, zero-width and bidi controls, variation selectors, tags, soft
 * hyphen and any other format or default-ignorable character); its letters all in one script,
 * or in one of the mixes Latin+Han+Hiragana+Katakana, Latin+Han+Hangul or Latin+Han+Bopomofo
 * (UTS #39 "highly restrictive"; digits and {@code _-.} go with any script). The same check runs
 * on each character's NFKC form. The message states the rule and names the offending code point.
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
