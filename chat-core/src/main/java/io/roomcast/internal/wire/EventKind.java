package io.roomcast.internal.wire;

/** What a room-log event records. */
public enum EventKind implements WireCode {
    /** A member's message. */
    MESSAGE(1),
    /** A member joined. */
    JOINED(2),
    /** A member left. */
    LEFT(3);

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
