package io.roomcast.internal.wire;

/**
 * A well-formed handshake header naming a protocol version this code does not speak. If the
 * packet is a HELLO, the exception carries its client nonce, read from the start that HELLOs of
 * every version share, so that the VERSION_MISMATCH answer can echo it.
 */
public final class UnsupportedVersionException extends MalformedPacketException {
    private static final long serialVersionUID = 1L;

    private final byte[] clientNonce;

    /**
     * An exception naming the version that was offered.
     *
     * @param clientNonce the HELLO's client nonce, or null if the packet is not a HELLO long
     *                    enough to carry one
     */
    public UnsupportedVersionException(int version, byte[] clientNonce) {
        super("unsupported protocol version " + version);
        this.clientNonce = clientNonce;
    }

    /** The client nonce of the HELLO in another version, or null if the packet was not such a HELLO. */
    public byte[] clientNonce() {
        return clientNonce;
    }
}
