package io.roomcast.internal.wire;

import java.nio.ByteBuffer;

/**
 * Server to client: one entry of the room log. The server encodes each event once and copies
 * the same bytes into every member's packets.
 *
 * @param sequence        the room sequence number
 * @param timestampMillis the server's wall-clock time, in milliseconds since the epoch
 * @param kind            what happened
 * @param username        who it happened to: the sender, the member who joined, left, was muted or
 *                        unmuted; empty for {@link EventKind#ANNOUNCEMENT}
 * @param messageId       for {@link EventKind#MESSAGE}, the sender's message id; for
 *                        {@link EventKind#MUTED}, when the mute ends (milliseconds since the epoch,
 *                        {@link #mutedUntilMillis()}); otherwise 0
 * @param text            for {@link EventKind#MESSAGE} and {@link EventKind#ANNOUNCEMENT}, the text;
 *                        otherwise empty
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

    /** An announcement from the host. */
    public static EventFrame announcement(long sequence, long timestampMillis, String text) {
        return new EventFrame(sequence, timestampMillis, EventKind.ANNOUNCEMENT, "", 0, text, null);
    }

    /** The host muted {@code username} until {@code untilMillis} (milliseconds since the epoch). */
    public static EventFrame muted(long sequence, long timestampMillis, String username, long untilMillis) {
        return new EventFrame(sequence, timestampMillis, EventKind.MUTED, username, untilMillis, "", null);
    }

    /** The host lifted {@code username}'s mute. */
    public static EventFrame unmuted(long sequence, long timestampMillis, String username) {
        return new EventFrame(sequence, timestampMillis, EventKind.UNMUTED, username, 0, "", null);
    }

    /** For {@link EventKind#MUTED}: when the mute ends, in milliseconds since the epoch. */
    public long mutedUntilMillis() {
        return messageId;
    }

    /** A private message for the recipient's private stream. */
    public static EventFrame privateMessage(long sequence, long timestampMillis, String sender, long messageId,
                                            String text) {
        return new EventFrame(sequence, timestampMillis, EventKind.PRIVATE, sender, messageId, text, null);
    }

    /** The sender's confirmation of its private message to {@code recipient}, for the sender's private stream. */
    public static EventFrame privateSent(long sequence, long timestampMillis, String recipient, long messageId) {
        return new EventFrame(sequence, timestampMillis, EventKind.PRIVATE_SENT, recipient, messageId, "", null);
    }

    /** {@code true} for the kinds that travel only in a member's private stream, never in the room log. */
    public boolean isPrivate() {
        return kind == EventKind.PRIVATE || kind == EventKind.PRIVATE_SENT;
    }

    @Override
    public void encode(ByteBuffer out) {
        out.put((byte) EVENT);
        encodeBody(out);
    }

    /** Writes everything after the type byte: the body a PRIVATE_EVENT frame shares. */
    void encodeBody(ByteBuffer out) {
        out.putLong(sequence).putLong(timestampMillis).put((byte) kind.code());
        WireWriter.string8(out, username);
        switch (kind) {
            case MESSAGE, PRIVATE -> {
                out.putLong(messageId);
                WireWriter.string32(out, text);
            }
            case PRIVATE_SENT -> out.putLong(messageId);
            case LEFT -> out.put((byte) reason.code());
            case ANNOUNCEMENT -> WireWriter.string32(out, text);
            case MUTED -> out.putLong(messageId);
            case JOINED, UNMUTED -> {
            }
        }
    }

    @Override
    public int encodedLength() {
        int fixed = 1 + 8 + 8 + 1 + 1 + utf8Length(username);
        return switch (kind) {
            case MESSAGE, PRIVATE -> fixed + 8 + 4 + utf8Length(text);
            case PRIVATE_SENT -> fixed + 8;
            case LEFT -> fixed + 1;
            case ANNOUNCEMENT -> fixed + 4 + utf8Length(text);
            case MUTED -> fixed + 8;
            case JOINED, UNMUTED -> fixed;
        };
    }

    /** This event encoded on its own, ready to be copied into many packets. */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        encode(out);
        return out.array();
    }

    /** This event encoded as a PRIVATE_EVENT frame, for a member's private stream. */
    public byte[] toPrivateBytes() {
        ByteBuffer out = ByteBuffer.allocate(encodedLength());
        new Frame.PrivateEvent(this).encode(out);
        return out.array();
    }

    /** Decodes an EVENT frame's body: a room event, never one of the private kinds. */
    static EventFrame decodeRoomBody(WireReader in) throws MalformedPacketException {
        EventFrame event = decodeBody(in);
        if (event.isPrivate()) {
            throw new MalformedPacketException("a " + event.kind() + " event in the room stream");
        }
        return event;
    }

    static EventFrame decodeBody(WireReader in) throws MalformedPacketException {
        long sequence = in.i64();
        long timestamp = in.i64();
        EventKind kind = EventKind.of(in.u8());
        String username = in.string8();
        return switch (kind) {
            case MESSAGE, PRIVATE -> new EventFrame(sequence, timestamp, kind, username, in.i64(), in.string32(), null);
            case PRIVATE_SENT -> new EventFrame(sequence, timestamp, kind, username, in.i64(), "", null);
            case LEFT -> new EventFrame(sequence, timestamp, kind, username, 0, "", CloseReason.of(in.u8()));
            case ANNOUNCEMENT -> new EventFrame(sequence, timestamp, kind, username, 0, in.string32(), null);
            case MUTED -> new EventFrame(sequence, timestamp, kind, username, in.i64(), "", null);
            case JOINED, UNMUTED -> new EventFrame(sequence, timestamp, kind, username, 0, "", null);
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
