package io.roomcast.internal.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.putInt(bytes.length).put(bytes);
    }

    static void string8(ByteBuffer out, String value) {
        bytes8(out, value.getBytes(StandardCharsets.UTF_8));
    }

    static void string16(ByteBuffer out, String value) {
        bytes16(out, value.getBytes(StandardCharsets.UTF_8));
    }
}
