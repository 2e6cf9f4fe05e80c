package io.roomcast.internal.room;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * The username rule: 1 to {@value #MAX_CODE_POINTS} characters after NFC normalisation, each a
 * letter, a digit, {@code _}, {@code -} or {@code .}; unique within a room ignoring case.
 * Clients check it before they connect; the server checks it again.
 */
public final class Username {
    private Username() {
    }

    /** The most characters (Unicode code points) in a username. */
    public static final int MAX_CODE_POINTS = 32;

    /** The rule, in words, for error messages. */
    public static final String RULE = "a username is 1 to " + MAX_CODE_POINTS
            + " characters, each a letter, a digit, '_', '-' or '.'";

    /** The NFC normal form of {@code raw}: the form in which usernames are checked, stored and shown. */
    public static String normalize(String raw) {
        return Normalizer.normalize(raw, Normalizer.Form.NFC);
    }

    /**
     * What is wrong with {@code raw} under the rule, or empty if it is a valid username.
     * The message names the offending character when there is one.
     */
    public static Optional<String> problem(String raw) {
        String name = normalize(raw);
        int count = name.codePointCount(0, name.length());
        if (count == 0) {
            return Optional.of("the username is empty; " + RULE);
        }
        if (count > MAX_CODE_POINTS) {
            return Optional.of("the username has " + count + " characters; " + RULE);
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!(Character.isLetterOrDigit(cp) || cp == '_' || cp == '-' || cp == '.')) {
                return Optional.of("the username contains " + describe(cp) + "; " + RULE);
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    /** {@code true} if {@code raw} follows the rule. */
    public static boolean isValid(String raw) {
        return problem(raw).isEmpty();
    }

    /** The key under which usernames are compared: equal keys are the same username ignoring case. */
    public static String key(String name) {
        // upper then lower folds the cases that lower alone misses (such as final sigma); NFC again after folding
        return normalize(normalize(name).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT));
    }

    private static String describe(int codePoint) {
        if (Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)) {
            return String.format("U+%04X", codePoint);
        }
        return "'" + new String(Character.toChars(codePoint)) + "'";
    }
}
