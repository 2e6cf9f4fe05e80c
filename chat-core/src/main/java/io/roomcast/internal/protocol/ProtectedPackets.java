package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireReader;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Short-header packets on the wire: the header in clear (authenticated), the frames sealed
 * with AES-256-GCM. A packet that does not open is indistinguishable from noise and is dropped.
 */
final class ProtectedPackets {
    private ProtectedPackets() {
    }

    /**
     * Finishes and seals the packet that began at {@code start}, whose frames end at
     * {@code out.position()}; afterwards the position is past the tag.
     */
    static void seal(PacketProtector protector, ByteBuffer out, int start, long packetNumber) {
        ShortHeader.finish(out, start, PacketProtector.TAG_BYTES);
        protector.seal(packetNumber, out, start, start + ShortHeader.BYTES);
    }

    /** One frame in a sealed packet of its own. */
    static byte[] packet(PacketProtector protector, long connectionId, long packetNumber, Frame frame) {
        ByteBuffer out = ByteBuffer.allocate(ShortHeader.BYTES + frame.encodedLength() + PacketProtector.TAG_BYTES);
        int start = ShortHeader.begin(out, connectionId, packetNumber);
        frame.encode(out);
        seal(protector, out, start, packetNumber);
        return out.array();
    }

    /** Reads the header without consuming the datagram. */
    static ShortHeader peekHeader(ByteBuffer datagram) throws MalformedPacketException {
        return ShortHeader.decode(new WireReader(datagram.duplicate()));
    }

    /**
     * Opens a packet whose header {@link #peekHeader} read.
     *
     * @return its frames, or {@code null} if it does not open (forged, damaged, replayed under another number)
     * @throws MalformedPacketException if it opens but its frames are not valid
     */
    static List<Frame> open(PacketProtector protector, ByteBuffer datagram, ShortHeader header)
            throws MalformedPacketException {
        int start = datagram.position();
        ByteBuffer headerBytes = datagram.slice(start, ShortHeader.BYTES);
        ByteBuffer sealed = datagram.slice(start + ShortHeader.BYTES, datagram.remaining() - ShortHeader.BYTES);
        ByteBuffer plaintext = protector.open(header.packetNumber(), headerBytes, sealed);
        if (plaintext == null) {
            return null;
        }
        return Frame.decodeAll(new WireReader(plaintext));
    }
}
