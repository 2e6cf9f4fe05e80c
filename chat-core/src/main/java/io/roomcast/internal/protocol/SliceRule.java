package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.WireFormat;

/**
 * The one rule, for both directions, for how much of an event or message goes into a packet
 * that is being filled: a whole item goes whole if it fits; an item no larger than
 * {@link WireFormat#MAX_EVENT_IN_ONE_PACKET_BYTES} (which fits any packet beside an ACK) is never
 * split, it waits for the next packet; a larger item is sliced, but a slice
 * smaller than {@link #MIN_SLICE_BYTES} (other than the item's last) waits for the next packet,
 * so items are not shredded into tiny pieces at the ends of packets.
 */
final class SliceRule {
    /** A slice smaller than this, unless it ends its item, waits for the next packet. */
    static final int MIN_SLICE_BYTES = 64;
    /** What {@link #bytesToWrite} returns when nothing of the item should go into this packet. */
    static final int WAIT = -1;

    private SliceRule() {
    }

    /**
     * How many bytes of an item to write now.
     *
     * @param space         bytes left in the packet
     * @param wholeOverhead bytes a whole item costs beyond its own; at most {@code sliceOverhead},
     *                      so that a result of {@code length} can always be written whole
     * @param sliceOverhead bytes a slice costs beyond its data
     * @param total         the item's size
     * @param offset        where the part still to send starts
     * @param length        how long the part still to send is
     * @return bytes of data to write ({@code length} when the rest goes whole), or {@link #WAIT}
     * @throws IllegalArgumentException if a whole item would cost more than a slice
     */
    static int bytesToWrite(int space, int wholeOverhead, int sliceOverhead, int total, int offset, int length) {
        if (wholeOverhead > sliceOverhead) {
            throw new IllegalArgumentException("a whole item's overhead " + wholeOverhead
                    + " exceeds a slice's overhead " + sliceOverhead);
        }
        boolean whole = offset == 0 && length == total;
        if (whole && total + wholeOverhead <= space) {
            return length;
        }
        if (whole && total <= WireFormat.MAX_EVENT_IN_ONE_PACKET_BYTES) {
            return WAIT;
        }
        int data = Math.min(length, space - sliceOverhead);
        if (data < 0 || (data < length && data < MIN_SLICE_BYTES)) {
            return WAIT;
        }
        return data;
    }
}
