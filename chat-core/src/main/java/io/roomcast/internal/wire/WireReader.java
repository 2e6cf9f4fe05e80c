package io.roomcast.internal.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads wire values from a buffer, turning every overrun and invalid value into a
 * {@link MalformedPacketException} instead of a runtime exception. Not thread-safe.
 */
public final class WireReader {
    private final ByteBuffer buffer;

    /** Reads from {@code buffer}'s position to its limit, advancing its position. */
    public WireReader(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** Bytes left. */
    public int remaining() {
        return buffer.remaining();
    }

    /** An unsigned byte. */
    public int u8() throws MalformedPacketException {
        need(1);
        return buffer.get() & 0xFF;
    }

    /** An unsigned 16-bit big-endian integer. */
    public int u16() throws MalformedPacketException {
        need(2);
        return buffer.getShort() & 0xFFFF;
    }

    /** A signed 32-bit big-endian integer. */
    public int i32() throws MalformedPacketException {
        need(4);
        return buffer.getInt();
    }

    /** A signed 64-bit big-endian integer. */
    public long i64() throws MalformedPacketException {
        need(8);
        return buffer.getLong();
    }

    /** Exactly {@code length} bytes. */
    public byte[] bytes(int length) throws MalformedPacketException {
        need(length);
        byte[] out = new byte[length];
        buffer.get(out);
        return out;
    }

    /** Bytes prefixed by a one-byte length. */
    public byte[] bytes8() throws MalformedPacketException {
        return bytes(u8());
    }

    /** Bytes prefixed by a two-byte length. */
    public byte[] bytes16() throws MalformedPacketException {
        return bytes(u16());
    }

    /** UTF-8 text prefixed by a one-byte length; invalid UTF-8 is malformed. */
    public String string8() throws MalformedPacketException {
        return utf8(u8());
    }

    /** UTF-8 text prefixed by a two-byte length; invalid UTF-8 is malformed. */
    public String string16() throws MalformedPacketException {
        return utf8(u16());
    }

    /** UTF-8 text prefixed by a four-byte length; invalid UTF-8 is malformed. */
    public String string32() throws MalformedPacketException {
        return utf8(i32());
    }

    /** Fails unless every byte has been read. */
    public void expectEnd() throws MalformedPacketException {
        if (buffer.hasRemaining()) {
            throw new MalformedPacketException(buffer.remaining() + " unexpected trailing bytes");
        }
    }

    private String utf8(int length) throws MalformedPacketException {
        need(length);
        int start = buffer.position();
        buffer.position(start + length);
        // fast path: the JDK's decoder (intrinsified for ASCII); it replaces invalid input with
        // U+FFFD, so only text containing U+FFFD needs the strict check below
        String text;
        if (buffer.hasArray()) {
            text = new String(buffer.array(), buffer.arrayOffset() + start, length, StandardCharsets.UTF_8);
        } else {
            byte[] bytes = new byte[length];
            buffer.get(start, bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        if (text.indexOf('\uFFFD') >= 0) {
            CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            try {
                strict.decode(buffer.slice(start, length));
            } catch (CharacterCodingException e) {
                throw new MalformedPacketException("invalid UTF-8 text");
            }
        }
        return text;
    }

    private void need(int length) throws MalformedPacketException {
        if (length < 0 || buffer.remaining() < length) {
            throw new MalformedPacketException("truncated: needed " + length + " bytes, " + buffer.remaining() + " left");
        }
    }
}
