package io.roomcast.cluster.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What goes into the Raft log: a room command's bytes (or nothing, for a fence), stamped with
 * the node that submitted it and that node's submission number. The stamp is what lets every
 * node decide the same way whether an entry counts (see {@link OriginTable}).
 *
 * <p>Layout: version byte, kind byte, origin length byte, origin (UTF-8), sequence (8 bytes),
 * payload (the rest). Immutable.
 */
public record CommandEnvelope(Kind kind, String origin, long seq, byte[] payload) {
    /** The entry kinds. */
    public enum Kind {
        /** A room command: applied to the room if it counts. */
        COMMAND,
        /** No command: it only moves its origin's sequence on, so that older submissions are settled. */
        FENCE
    }

    private static final byte VERSION = 1;
    /** Longest node id, in UTF-8 bytes. */
    public static final int MAX_ORIGIN_BYTES = 255;

    /**
     * Encodes an entry.
     *
     * @param kind    the kind
     * @param origin  the submitting node's id, at most {@link #MAX_ORIGIN_BYTES} UTF-8 bytes
     * @param seq     the submission number
     * @param payload the command's bytes (empty for a fence)
     * @return the log entry's bytes
     */
    public static byte[] encode(Kind kind, String origin, long seq, byte[] payload) {
        byte[] id = origin.getBytes(StandardCharsets.UTF_8);
        if (id.length == 0 || id.length > MAX_ORIGIN_BYTES) {
            throw new IllegalArgumentException("node id must be 1.." + MAX_ORIGIN_BYTES + " UTF-8 bytes");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(12 + id.length + payload.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(kind.ordinal());
            out.writeByte(id.length);
            out.write(id);
            out.writeLong(seq);
            out.write(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes an entry, refusing anything malformed.
     *
     * @param data   the buffer
     * @param offset where the entry starts
     * @param length its length
     * @return the entry
     * @throws IllegalArgumentException if the bytes are not an entry of this version
     */
    public static CommandEnvelope decode(byte[] data, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(data, offset, length);
        if (in.remaining() < 3 || in.get() != VERSION) {
            throw new IllegalArgumentException("not a log entry of version " + VERSION);
        }
        int kind = in.get();
        if (kind < 0 || kind >= Kind.values().length) {
            throw new IllegalArgumentException("unknown entry kind " + kind);
        }
        int idLength = in.get() & 0xff;
        if (idLength == 0 || in.remaining() < idLength + Long.BYTES) {
            throw new IllegalArgumentException("truncated log entry");
        }
        String origin = new String(data, in.position(), idLength, StandardCharsets.UTF_8);
        in.position(in.position() + idLength);
        long seq = in.getLong();
        byte[] payload = Arrays.copyOfRange(data, in.position(), offset + length);
        return new CommandEnvelope(Kind.values()[kind], origin, seq, payload);
    }
}
