package io.roomcast.internal.wire;

/**
 * A datagram that is not a well-formed Roomcast packet: truncated, too long, an unknown type,
 * an impossible length. The receiver drops it and counts it; it is never answered, except for
 * the {@link UnsupportedVersionException} subclass, which a server answers with VERSION_MISMATCH.
 */
public class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An exception saying what was wrong. */
    public MalformedPacketException(String message) {
        super(message);
    }
}
