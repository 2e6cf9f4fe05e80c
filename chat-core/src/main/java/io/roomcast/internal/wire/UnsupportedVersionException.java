package io.roomcast.internal.wire;

/** A well-formed handshake header naming a protocol version this code does not speak. */
public final class UnsupportedVersionException extends MalformedPacketException {
    private static final long serialVersionUID = 1L;

    private final int version;

    /** The version that was offered. */
    public UnsupportedVersionException(int version) {
        super("unsupported protocol version " + version);
        this.version = version;
    }

    /** The version the peer offered. */
    public int version() {
        return version;
    }
}
