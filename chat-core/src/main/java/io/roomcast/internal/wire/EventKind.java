package io.roomcast.internal.wire;

/** What a room-log event records. */
public enum EventKind implements WireCode {
    /** A member's message. */
    MESSAGE(1),
    /** A member joined. */
    JOINED(2),
    /** A member left. */
    LEFT(3),
    /** The host addressed the room; the username is empty. */
    ANNOUNCEMENT(4),
    /** The host muted a member until a time (milliseconds since the epoch, in the message id field). */
    MUTED(5),
    /** The host lifted a member's mute. */
    UNMUTED(6),
    /**
     * A private message, in the recipient's private stream only (never in the room log): the
     * username is the sender's, with the sender's message id and the text.
     */
    PRIVATE(7),
    /**
     * The sender's confirmation of its private message, in the sender's private stream only: the
     * username is the recipient's (as the room knows it), with the sender's message id; no text.
     */
    PRIVATE_SENT(8);

    private static final EventKind[] BY_CODE = WireCode.table(values());

    private final int code;

    EventKind(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /**
     * The kind for a wire byte.
     *
     * @throws MalformedPacketException if no constant has {@code code}
     */
    public static EventKind of(int code) throws MalformedPacketException {
        return WireCode.of(BY_CODE, code, "event kind");
    }
}
