package io.roomcast.internal.wire;

/** What a room-log event records. */
public enum EventKind {
    /** A member's message. */
    MESSAGE(1),
    /** A member joined. */
    JOINED(2),
    /** A member left. */
    LEFT(3);

    private final int code;

    EventKind(int code) {
        this.code = code;
    }

    /** The byte on the wire. */
    public int code() {
        return code;
    }

    /** The kind for a wire byte. */
    public static EventKind of(int code) throws MalformedPacketException {
        for (EventKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new MalformedPacketException("unknown event kind " + code);
    }
}
