package io.roomcast.internal.wire;

import java.nio.ByteBuffer;

/**
 * Server to client: one entry of the room log. The server encodes each event once and copies
 * the same bytes into every member's packets.
 *
 * @param sequence        the room sequence number
 * @param timestampMillis the server's wall-clock time, in milliseconds since the epoch
 * @param kind            what happened
 * @param username        who it happened to: the sender, the member who joined or left
 * @param messageId       for {@link EventKind#MESSAGE}, the sender's message id; otherwise 0
 * @param text            for {@link EventKind#MESSAGE}, the text; otherwise empty
 * @param reason          for {@link EventKind#LEFT}, why; otherwise null
 */
public record EventFrame(long sequence, long timestampMillis, EventKind kind, String username, long messageId,
                         String text, CloseReason reason) implements Frame {

    /** The most bytes an event adds to its text: type, fields and the longest username. */
    public static final int MAX_OVERHEAD_BYTES = 1 + 8 + 8 + 1 + 1 + WireFormat.MAX_USERNAME_BYTES + 8 + 4;

    /** A message event. */
    public static EventFrame message(long sequence, long timestampMillis, String username, long messageId,
                                     String text) {
        return new EventFrame(sequence, timestampMillis, EventKind.MESSAGE, username, messageId, text, null);
    }

    /** A join event. */
    public static EventFrame joined(long sequence, long timestampMillis, String username) {
        return new EventFrame(sequence, timestampMillis, EventKind.JOINED, username, 0, "", null);
    }

    /** A leave event. */
    public static EventFrame left(long sequence, long timestampMillis, String username, CloseReason reason) {
        return new EventFrame(sequence, timestampMillis, EventKind.LEFT, username, 0, "", reason);
    }

    @Override
    public void encode(ByteBuffer out) {
        out.put((byte) EVENT).putLong(sequence).putLong(timestampMillis).put((byte) kind.code());
        WireWriter.string8(out, username);
        switch (kind) {
            case MESSAGE -> {
                out.putLong(messageId);
                WireWriter.string32(out, text);
            }
            case LEFT -> out.put((byte) reason.code());
            case JOINED -> {
            }
        }
    }

    @Override
    public int encodedLength() {
        int fixed = 1 + 8 + 8 + 1 + 1 + utf8Length(username);
        return switch (kind) {
            case MESSAGE -> fixed + 8 + 4 + utf8Length(text);
            case LEFT -> fixed + 1;
            case JOINED -> fixed;
        };
    }

    /** This event encoded on its own, ready to be copied into many packets. */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        encode(out);
        return out.array();
    }

    static EventFrame decodeBody(WireReader in) throws MalformedPacketException {
        long sequence = in.i64();
        long timestamp = in.i64();
        EventKind kind = EventKind.of(in.u8());
        String username = in.string8();
        return switch (kind) {
            case MESSAGE -> new EventFrame(sequence, timestamp, kind, username, in.i64(), in.string32(), null);
            case LEFT -> new EventFrame(sequence, timestamp, kind, username, 0, "", CloseReason.of(in.u8()));
            case JOINED -> new EventFrame(sequence, timestamp, kind, username, 0, "", null);
        };
    }

    /** UTF-8 length of {@code text} as {@code String.getBytes(UTF_8)} would encode it, without encoding it. */
    public static int utf8Length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1; // a lone surrogate: String.getBytes(UTF_8) writes '?' for it
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
