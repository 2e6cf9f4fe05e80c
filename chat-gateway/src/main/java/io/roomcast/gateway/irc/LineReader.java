package io.roomcast.gateway.irc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits what a client sends into lines: a line ends at CR, LF or both (so a bare CR never
 * reaches the room inside a message), empty lines are skipped, NUL bytes are dropped, and bytes
 * that are not UTF-8 become U+FFFD. A line longer than the limit is discarded up to its end and
 * reported as {@link #TOO_LONG}. Holds one line's bytes at most. Used by one thread.
 */
final class LineReader {
    /** Returned for a line past the limit (its bytes are gone). */
    static final String TOO_LONG = new String("\0too long");

    private final InputStream in;
    private final byte[] chunk = new byte[4096];
    private final byte[] line;
    private int pos;
    private int end;
    private int length;
    private boolean overflow;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.line = new byte[maxLineBytes];
    }

    /**
     * The next line, without its end; {@link #TOO_LONG}; or {@code null} at the end of the stream.
     * A {@link java.net.SocketTimeoutException} leaves the partial line in place for the next call.
     */
    String next() throws IOException {
        while (true) {
            if (pos == end) {
                int n = in.read(chunk);
                if (n < 0) {
                    return null;
                }
                pos = 0;
                end = n;
            }
            byte b = chunk[pos++];
            if (b == '\n' || b == '\r') {
                if (overflow) {
                    overflow = false;
                    length = 0;
                    return TOO_LONG;
                }
                if (length == 0) {
                    continue;
                }
                String text = decode(length);
                length = 0;
                return text;
            }
            if (b == 0) {
                continue;
            }
            if (length < line.length) {
                line[length++] = b;
            } else {
                overflow = true;
            }
        }
    }

    private String decode(int count) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(line, 0, count)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder threw", e);
        }
    }
}
