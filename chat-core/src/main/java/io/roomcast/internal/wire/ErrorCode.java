package io.roomcast.internal.wire;

/** Why the server refused a client's message, as carried by an ERROR frame. */
public enum ErrorCode {
    /** The text is larger than the room allows. */
    MESSAGE_TOO_LARGE(1),
    /** The member sent faster than the room's rate limit. */
    RATE_LIMITED(2),
    /** The message is not acceptable (for example, empty). */
    INVALID_MESSAGE(3);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The byte on the wire. */
    public int code() {
        return code;
    }

    /** The code for a wire byte. */
    public static ErrorCode of(int code) throws MalformedPacketException {
        for (ErrorCode error : values()) {
            if (error.code == code) {
                return error;
            }
        }
        throw new MalformedPacketException("unknown error code " + code);
    }
}
