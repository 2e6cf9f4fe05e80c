package io.roomcast.internal.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole short-header packet: its header and its frames.
 *
 * @param header the header
 * @param frames the frames, in order, at least one
 */
public record ShortPacket(ShortHeader header, List<Frame> frames) {

    /** Defensive copy. */
    public ShortPacket {
        frames = List.copyOf(frames);
    }

    /**
     * Decodes a packet that fills {@code datagram}.
     *
     * @throws MalformedPacketException if it is not a valid short-header packet with at least one frame
     */
    public static ShortPacket decode(ByteBuffer datagram) throws MalformedPacketException {
        WireReader in = new WireReader(datagram);
        ShortHeader header = ShortHeader.decode(in);
        return new ShortPacket(header, decodeFrames(in));
    }

    /**
     * Decodes the frames that fill a (opened) payload.
     *
     * @throws MalformedPacketException if they are not valid frames, or there are none
     */
    public static List<Frame> decodeFrames(WireReader in) throws MalformedPacketException {
        if (in.remaining() == 0) {
            throw new MalformedPacketException("packet without frames");
        }
        List<Frame> frames = new ArrayList<>();
        while (in.remaining() > 0) {
            frames.add(Frame.decode(in));
        }
        return frames;
    }

    /** Writes the packet at {@code out}'s position. */
    public void encode(ByteBuffer out) {
        int start = ShortHeader.begin(out, header.connectionId(), header.packetNumber());
        for (Frame frame : frames) {
            frame.encode(out);
        }
        ShortHeader.finish(out, start);
    }

    /** The packet as a new array. */
    public byte[] toBytes() {
        int length = ShortHeader.BYTES;
        for (Frame frame : frames) {
            length += frame.encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        encode(out);
        return out.array();
    }
}
