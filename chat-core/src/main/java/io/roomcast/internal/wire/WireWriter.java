package io.roomcast.internal.wire;

import java.nio.ByteBuffer;

/**
 * Writes length-prefixed wire values. Lengths are checked: a value too long for its prefix is
 * a programming error ({@link IllegalArgumentException}), since callers validate user input
 * before it reaches the wire.
 */
final class WireWriter {
    private WireWriter() {
    }

    static void bytes8(ByteBuffer out, byte[] value) {
        if (value.length > 0xFF) {
            throw new IllegalArgumentException(value.length + " bytes do not fit a one-byte length");
        }
        out.put((byte) value.length).put(value);
    }

    static void bytes16(ByteBuffer out, byte[] value) {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException(value.length + " bytes do not fit a two-byte length");
        }
        out.putShort((short) value.length).put(value);
    }

    static void string32(ByteBuffer out, String value) {
        out.putInt(EventFrame.utf8Length(value));
        utf8(out, value);
    }

    static void string8(ByteBuffer out, String value) {
        out.put((byte) utf8LengthAtMost(value, 0xFF, "one-byte"));
        utf8(out, value);
    }

    static void string16(ByteBuffer out, String value) {
        out.putShort((short) utf8LengthAtMost(value, 0xFFFF, "two-byte"));
        utf8(out, value);
    }

    private static int utf8LengthAtMost(String value, int max, String prefix) {
        int length = EventFrame.utf8Length(value);
        if (length > max) {
            throw new IllegalArgumentException(length + " bytes do not fit a " + prefix + " length");
        }
        return length;
    }

    /**
     * Writes {@code value} as UTF-8, byte for byte what {@code String.getBytes(UTF_8)} gives
     * (a lone surrogate becomes {@code '?'}), without the intermediate array: the room encodes
     * every message, and this keeps that free of garbage.
     */
    static void utf8(ByteBuffer out, String value) {
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                out.put((byte) c);
            } else if (c < 0x800) {
                out.put((byte) (0xC0 | c >> 6)).put((byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                out.put((byte) (0xF0 | codePoint >> 18)).put((byte) (0x80 | codePoint >> 12 & 0x3F))
                        .put((byte) (0x80 | codePoint >> 6 & 0x3F)).put((byte) (0x80 | codePoint & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out.put((byte) '?');
            } else {
                out.put((byte) (0xE0 | c >> 12)).put((byte) (0x80 | c >> 6 & 0x3F)).put((byte) (0x80 | c & 0x3F));
            }
        }
    }
}
