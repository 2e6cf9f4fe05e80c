package io.roomcast.internal.wire;

/** A well-formed handshake header naming a protocol version this code does not speak. */
public final class UnsupportedVersionException extends MalformedPacketException {
    private static final long serialVersionUID = 1L;

    /** An exception naming the version that was offered. */
    public UnsupportedVersionException(int version) {
        super("unsupported protocol version " + version);
    }
}
