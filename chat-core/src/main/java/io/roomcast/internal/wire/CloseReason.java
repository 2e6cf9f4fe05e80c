package io.roomcast.internal.wire;

/** Why a member left, as carried by CLOSE and by LEFT events. */
public enum CloseReason {
    /** The member closed its client. */
    LEFT(1),
    /** Nothing was heard from the member for the idle timeout. */
    TIMED_OUT(2),
    /** The server removed the member. */
    KICKED(3),
    /** The member fell too far behind. */
    TOO_SLOW(4),
    /** The server closed. */
    SERVER_CLOSED(5);

    private final int code;

    CloseReason(int code) {
        this.code = code;
    }

    /** The byte on the wire. */
    public int code() {
        return code;
    }

    /** The reason for a wire byte. */
    public static CloseReason of(int code) throws MalformedPacketException {
        for (CloseReason reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        throw new MalformedPacketException("unknown close reason " + code);
    }
}
