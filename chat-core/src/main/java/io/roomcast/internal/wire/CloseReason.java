package io.roomcast.internal.wire;

/** Why a member left, as carried by CLOSE and by LEFT events. */
public enum CloseReason implements WireCode {
    /** The member closed its client. */
    LEFT(1),
    /** Nothing was heard from the member for the idle timeout. */
    TIMED_OUT(2),
    /** The server removed the member. */
    KICKED(3),
    /** The member fell too far behind. */
    TOO_SLOW(4),
    /** The server closed. */
    SERVER_CLOSED(5),
    /** The host banned the member. */
    BANNED(6);

    private static final CloseReason[] BY_CODE = WireCode.table(values());

    private final int code;

    CloseReason(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /**
     * The reason for a wire byte.
     *
     * @throws MalformedPacketException if no constant has {@code code}
     */
    public static CloseReason of(int code) throws MalformedPacketException {
        return WireCode.of(BY_CODE, code, "close reason");
    }
}
