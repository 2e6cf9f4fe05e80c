package io.roomcast.internal.wire;

/** Why a server refused a handshake, as carried by REJECT. */
public enum RejectReason implements WireCode {
    /** The password proof did not verify. */
    BAD_PASSWORD(1),
    /** Another member has the username (compared ignoring case). */
    USERNAME_TAKEN(2),
    /** The username breaks the rule. */
    INVALID_USERNAME(3),
    /** The room has its maximum number of members. */
    ROOM_FULL(4),
    /** This address may not join. */
    BANNED(5),
    /** The client speaks a protocol version the server does not. */
    VERSION(6),
    /** The server cannot take another handshake now; try again later. */
    SERVER_BUSY(7),
    /** Too many wrong passwords came from this address: it is refused for a while. */
    THROTTLED(8),
    /**
     * The room cannot admit anyone through this server now (it is in a minority partition of its
     * cluster and cannot order a join); another server of the cluster may.
     */
    ROOM_UNAVAILABLE(9);

    private static final RejectReason[] BY_CODE = WireCode.table(values());

    private final int code;

    RejectReason(int code) {
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
    public static RejectReason of(int code) throws MalformedPacketException {
        return WireCode.of(BY_CODE, code, "reject reason");
    }
}
