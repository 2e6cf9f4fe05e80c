package io.roomcast.internal.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Either direction: which packet numbers arrived, as ranges, QUIC style. Not ack-eliciting.
 *
 * <p>Wire: {@code largest} (8), {@code ackDelay} in microseconds (4), the number of further
 * ranges (1), the first range's length below {@code largest} (4: {@code largest - from}), then
 * per further range, going down, its gap (4: one less than the count of missing numbers between
 * it and the range above) and its length below its top (4: {@code to - from}).
 *
 * @param ranges          the ranges of received packet numbers, highest first, disjoint and not adjacent
 * @param ackDelayMicros  how long the receiver held the acknowledgement of the largest packet
 */
public record AckFrame(List<Range> ranges, long ackDelayMicros) implements Frame {
    /** The most ranges one ACK carries; older ranges are dropped. */
    public static final int MAX_RANGES = 32;

    /**
     * Packet numbers {@code from} to {@code to}, inclusive.
     *
     * @param from the lowest
     * @param to   the highest
     */
    public record Range(long from, long to) {
        /** Checks the bounds. */
        public Range {
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("range " + from + ".." + to);
            }
        }
    }

    /** Validates and copies. */
    public AckFrame {
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty() || ranges.size() > MAX_RANGES) {
            throw new IllegalArgumentException(ranges.size() + " ranges");
        }
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i).to() >= ranges.get(i - 1).from() - 1) {
                throw new IllegalArgumentException("ranges overlap or touch: " + ranges);
            }
        }
        if (ackDelayMicros < 0 || ackDelayMicros > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("ack delay " + ackDelayMicros);
        }
    }

    /** The largest packet number acknowledged. */
    public long largest() {
        return ranges.get(0).to();
    }

    @Override
    public boolean ackEliciting() {
        return false;
    }

    @Override
    public void encode(ByteBuffer out) {
        Range first = ranges.get(0);
        out.put((byte) ACK).putLong(first.to()).putInt((int) ackDelayMicros).put((byte) (ranges.size() - 1))
                .putInt(Math.toIntExact(first.to() - first.from()));
        long previousFrom = first.from();
        for (int i = 1; i < ranges.size(); i++) {
            Range range = ranges.get(i);
            out.putInt(Math.toIntExact(previousFrom - range.to() - 2)).putInt(Math.toIntExact(range.to() - range.from()));
            previousFrom = range.from();
        }
    }

    @Override
    public int encodedLength() {
        return 1 + 8 + 4 + 1 + 4 + 8 * (ranges.size() - 1);
    }

    static AckFrame decodeBody(WireReader in) throws MalformedPacketException {
        long largest = in.i64();
        long delay = in.i32() & 0xFFFF_FFFFL;
        int more = in.u8();
        if (more >= MAX_RANGES) {
            throw new MalformedPacketException("ACK with " + (more + 1) + " ranges");
        }
        long firstLength = in.i32() & 0xFFFF_FFFFL;
        if (largest < 0 || firstLength > largest) {
            throw new MalformedPacketException("ACK range below zero");
        }
        List<Range> ranges = new ArrayList<>(more + 1);
        ranges.add(new Range(largest - firstLength, largest));
        long previousFrom = largest - firstLength;
        for (int i = 0; i < more; i++) {
            long gap = in.i32() & 0xFFFF_FFFFL;
            long length = in.i32() & 0xFFFF_FFFFL;
            long to = previousFrom - gap - 2;
            if (to < 0 || length > to) {
                throw new MalformedPacketException("ACK range below zero");
            }
            ranges.add(new Range(to - length, to));
            previousFrom = to - length;
        }
        return new AckFrame(ranges, delay);
    }
}
