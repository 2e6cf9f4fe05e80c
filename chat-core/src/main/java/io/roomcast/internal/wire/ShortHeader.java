package io.roomcast.internal.wire;

import java.nio.ByteBuffer;

/**
 * The header of every packet after the handshake: {@code 0x40}, the connection id the server
 * chose, the packet number (rising by one per packet in each direction), and the length of
 * the payload that follows (on the wire: the sealed frames and their tag). The connection id,
 * not the address, names the session. The header travels in clear and is authenticated as the
 * payload's associated data.
 *
 * @param connectionId  the connection id
 * @param packetNumber  the packet number
 */
public record ShortHeader(long connectionId, long packetNumber) {
    /** Bytes in the header. */
    public static final int BYTES = 1 + 8 + 8 + 2;

    /**
     * Writes the header at {@code out}'s position with a placeholder length; call
     * {@link #finish(ByteBuffer, int)} once the frames are written.
     *
     * @return the position of the packet's first byte, to pass to {@code finish}
     */
    public static int begin(ByteBuffer out, long connectionId, long packetNumber) {
        int start = out.position();
        out.put(WireFormat.SHORT_HEADER).putLong(connectionId).putLong(packetNumber).putShort((short) 0);
        return start;
    }

    /**
     * Fills in the payload length of the packet that began at {@code start}, counting
     * {@code sealingBytes} that sealing will add after the current position (the header is
     * authenticated, so its length must be final before sealing).
     */
    public static void finish(ByteBuffer out, int start, int sealingBytes) {
        int payload = out.position() - start - BYTES + sealingBytes;
        out.putShort(start + BYTES - 2, (short) payload);
    }

    /**
     * Reads the header and returns it; afterwards {@code in} holds exactly the frames.
     *
     * @throws MalformedPacketException if the datagram is not a short-header packet or its
     *                                  length does not match
     */
    public static ShortHeader decode(WireReader in) throws MalformedPacketException {
        if ((byte) in.u8() != WireFormat.SHORT_HEADER) {
            throw new MalformedPacketException("not a short-header packet");
        }
        ShortHeader header = new ShortHeader(in.i64(), in.i64());
        int payload = in.u16();
        if (payload != in.remaining()) {
            throw new MalformedPacketException("payload length " + payload + " but " + in.remaining() + " bytes follow");
        }
        return header;
    }
}
