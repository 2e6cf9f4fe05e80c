package io.roomcast;

import io.roomcast.internal.io.TextRules;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The argument checks the public API shares: each throws {@link IllegalArgumentException} naming
 * the argument (and {@link NullPointerException} naming it if it is null), so the builders and host
 * commands say the same thing the same way. Every duration the API takes passes through
 * {@link #positive} or {@link #notNegative}, which cap it at {@link ChatServer#LONGEST_DURATION}: in
 * nanoseconds that is far from overflowing, also when added to a clock reading or doubled.
 */
final class Arguments {
    private Arguments() {
    }

    /** {@code address}, if it is resolved and its port is not 0. */
    static InetSocketAddress serverAddress(InetSocketAddress address, String name) {
        Objects.requireNonNull(address, name);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(name + ": address " + address + " is unresolved");
        }
        if (address.getPort() == 0) {
            throw new IllegalArgumentException(name + ": port 0 cannot be connected to");
        }
        return address;
    }

    /** An immutable copy of {@code addresses}: not empty, each a {@link #serverAddress}, none twice ({@code name[i]} names one). */
    static List<InetSocketAddress> serverAddresses(List<InetSocketAddress> addresses, String name) {
        Objects.requireNonNull(addresses, name);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException(name + ": at least one address is required");
        }
        List<InetSocketAddress> checked = new ArrayList<>(addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            String each = name + "[" + i + "]";
            InetSocketAddress address = serverAddress(addresses.get(i), each);
            if (checked.contains(address)) {
                throw new IllegalArgumentException(each + ": " + address + " is listed twice");
            }
            checked.add(address);
        }
        return List.copyOf(checked);
    }

    /** {@code value}, if it is positive, at most {@link ChatServer#LONGEST_DURATION}. */
    static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": must be positive, was " + value);
        }
        return atMostLongest(value);
    }

    /** {@code value}, if it is zero or positive, at most {@link ChatServer#LONGEST_DURATION}. */
    static Duration notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": must not be negative, was " + value);
        }
        return atMostLongest(value);
    }

    private static Duration atMostLongest(Duration value) {
        return value.compareTo(ChatServer.LONGEST_DURATION) > 0 ? ChatServer.LONGEST_DURATION : value;
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
