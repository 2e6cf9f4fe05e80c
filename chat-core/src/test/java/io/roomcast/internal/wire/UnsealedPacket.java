package io.roomcast.internal.wire;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A short-header packet with its frames in clear, for the codec tests. On the wire the frames are
 * always sealed ({@code ProtectedPackets}); this exercises the header and frame codecs without
 * the cipher.
 *
 * @param header the header
 * @param frames the frames, in order, at least one
 */
record UnsealedPacket(ShortHeader header, List<Frame> frames) {

    UnsealedPacket {
        frames = List.copyOf(frames);
    }

    /** Decodes a packet that fills {@code datagram}. */
    static UnsealedPacket decode(ByteBuffer datagram) throws MalformedPacketException {
        WireReader in = new WireReader(datagram);
        ShortHeader header = ShortHeader.decode(in);
        return new UnsealedPacket(header, Frame.decodeAll(in));
    }

    /** The packet as a new array. */
    byte[] toBytes() {
        int length = ShortHeader.BYTES;
        for (Frame frame : frames) {
            length += frame.encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        int start = ShortHeader.begin(out, header.connectionId(), header.packetNumber());
        for (Frame frame : frames) {
            frame.encode(out);
        }
        ShortHeader.finish(out, start, 0);
        return out.array();
    }
}
