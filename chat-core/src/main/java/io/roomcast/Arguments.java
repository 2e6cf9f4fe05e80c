package io.roomcast;

import io.roomcast.internal.io.TextRules;
import java.time.Duration;
import java.util.Objects;

/**
 * The argument checks the public API shares: each throws {@link IllegalArgumentException} naming
 * the argument, so the builders and host commands say the same thing the same way.
 */
final class Arguments {
    private Arguments() {
    }

    /** {@code value}, if it is positive. */
    static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": must be positive, was " + value);
        }
        return value;
    }

    /** {@code value}, if it is within {@code min..max}. */
    static int inRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " is out of range " + min + "-" + max);
        }
        return value;
    }

    /** {@code text}, if its UTF-8 is at most {@code maxBytes}; {@code what} names it in the message. */
    static String utf8AtMost(String text, int maxBytes, String what) {
        Objects.requireNonNull(text, "text");
        int bytes = TextRules.utf8Length(text);
        if (bytes > maxBytes) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes of UTF-8; the room's limit is " + maxBytes);
        }
        return text;
    }
}
