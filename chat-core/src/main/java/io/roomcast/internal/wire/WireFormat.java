package io.roomcast.internal.wire;

/** The constants of the wire protocol, version 2. */
public final class WireFormat {
    private WireFormat() {
    }

    /** The protocol version this code speaks. */
    public static final int VERSION = 2;

    /** No datagram is larger: safe on every IPv4 and IPv6 path without fragmentation. */
    public static final int MAX_DATAGRAM_BYTES = 1200;

    /** First byte of a handshake (long header) packet. */
    static final byte LONG_HEADER = (byte) 0xC0;

    /** First byte of a post-handshake (short header) packet. */
    static final byte SHORT_HEADER = (byte) 0x40;

    /** The magic after a long header's first byte: {@code RC}. */
    static final short MAGIC = 0x5243;

    /** Bytes in a nonce carried by HELLO and CHALLENGE. */
    public static final int NONCE_BYTES = 16;

    /** Bytes of a resume id: the server's handle for a session that may be resumed. */
    public static final int RESUME_ID_BYTES = 16;

    /** Bytes reserved in every short-header packet for the packet protection tag. */
    public static final int PROTECTION_OVERHEAD_BYTES = 16;

    /** Largest UTF-8 username on the wire: 32 code points of at most 4 bytes each. */
    public static final int MAX_USERNAME_BYTES = 128;

    /** The most history messages a WELCOME may announce. */
    public static final int MAX_HISTORY_MESSAGES = 1000;

    /** The largest ACK frame. */
    public static final int MAX_ACK_BYTES = 1 + 8 + 4 + 1 + 4 + 8 * (AckFrame.MAX_RANGES - 1);

    /**
     * The largest encoded event sent whole in one packet, whatever else shares the packet's
     * start (an ACK); larger events go out as FRAGMENTs.
     */
    public static final int MAX_EVENT_IN_ONE_PACKET_BYTES =
            MAX_DATAGRAM_BYTES - ShortHeader.BYTES - PROTECTION_OVERHEAD_BYTES - MAX_ACK_BYTES;
}
