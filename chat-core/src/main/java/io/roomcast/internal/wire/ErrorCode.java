package io.roomcast.internal.wire;

/** Why the server refused a client's message, as carried by an ERROR frame. */
public enum ErrorCode implements WireCode {
    /** The text is larger than the room allows. */
    MESSAGE_TOO_LARGE(1),
    /** The member sent faster than the room's rate limit. */
    RATE_LIMITED(2),
    /** The message is not acceptable (for example, empty). */
    INVALID_MESSAGE(3),
    /** The host muted the sender. */
    MUTED(4),
    /** A private message named a recipient that is not in the room. */
    NO_SUCH_MEMBER(5),
    /**
     * The server cannot order anything now (it is in a minority partition of its cluster): the
     * message was not accepted; it may be sent again later, or through another server.
     */
    ROOM_UNAVAILABLE(6);

    private static final ErrorCode[] BY_CODE = WireCode.table(values());

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /**
     * The code for a wire byte.
     *
     * @throws MalformedPacketException if no constant has {@code code}
     */
    public static ErrorCode of(int code) throws MalformedPacketException {
        return WireCode.of(BY_CODE, code, "error code");
    }
}
