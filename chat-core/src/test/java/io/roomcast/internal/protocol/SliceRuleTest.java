package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SliceRule#bytesToWrite}, with the overheads its two callers use: SEND slices (the same
 * overhead whole or sliced) and room events (nothing extra whole, a FRAGMENT header sliced).
 */
@Timeout(10)
class SliceRuleTest {
    private static final int SEND = Frame.Send.OVERHEAD_BYTES;
    private static final int FRAGMENT = Frame.Fragment.OVERHEAD_BYTES;
    /** Room for frames in a packet with nothing in it yet. */
    private static final int EMPTY_PACKET = WireFormat.MAX_DATAGRAM_BYTES - ShortHeader.BYTES
            - PacketProtector.TAG_BYTES;
    private static final int UNSPLIT = WireFormat.MAX_EVENT_IN_ONE_PACKET_BYTES;
    private static final int MIN = SliceRule.MIN_SLICE_BYTES;

    @Test
    void aWholeItemThatFitsGoesWhole() {
        assertThat(SliceRule.bytesToWrite(500, SEND, SEND, 100, 0, 100)).isEqualTo(100);
        assertThat(SliceRule.bytesToWrite(100 + SEND, SEND, SEND, 100, 0, 100)).as("to the byte").isEqualTo(100);
        assertThat(SliceRule.bytesToWrite(100, 0, FRAGMENT, 100, 0, 100)).as("an event costs nothing extra whole")
                .isEqualTo(100);
        assertThat(SliceRule.bytesToWrite(3000 + SEND, SEND, SEND, 3000, 0, 3000)).isEqualTo(3000);
    }

    @Test
    void anItemThatWouldFitAnEmptyPacketWaitsRatherThanBeingSplit() {
        assertThat(SliceRule.bytesToWrite(500, SEND, SEND, 800, 0, 800)).isEqualTo(SliceRule.WAIT);
        assertThat(SliceRule.bytesToWrite(UNSPLIT - 1, 0, FRAGMENT, UNSPLIT, 0, UNSPLIT)).isEqualTo(SliceRule.WAIT);
        assertThat(SliceRule.bytesToWrite(UNSPLIT + SEND - 1, SEND, SEND, UNSPLIT, 0, UNSPLIT))
                .isEqualTo(SliceRule.WAIT);
        assertThat(SliceRule.bytesToWrite(EMPTY_PACKET, SEND, SEND, UNSPLIT, 0, UNSPLIT)).as("and it fits the next")
                .isEqualTo(UNSPLIT);
    }

    /**
     * Where "would fit an empty packet" ends: at {@link WireFormat#MAX_EVENT_IN_ONE_PACKET_BYTES},
     * what fits beside the largest ACK. A larger item is sliced even if it would fit an empty packet.
     */
    @Test
    void anItemLargerThanFitsBesideTheLargestAckIsSlicedToFillThePacket() {
        assertThat(UNSPLIT + 1 + SEND).isLessThan(EMPTY_PACKET);
        assertThat(SliceRule.bytesToWrite(500, SEND, SEND, UNSPLIT + 1, 0, UNSPLIT + 1)).isEqualTo(500 - SEND);
        assertThat(SliceRule.bytesToWrite(500, 0, FRAGMENT, 3000, 0, 3000)).isEqualTo(500 - FRAGMENT);
        assertThat(SliceRule.bytesToWrite(EMPTY_PACKET, 0, FRAGMENT, 5000, 1200, 3800))
                .isEqualTo(EMPTY_PACKET - FRAGMENT);
    }

    @Test
    void aSliceSmallerThanTheMinimumWaitsUnlessItIsTheItemsLastPart() {
        assertThat(SliceRule.bytesToWrite(SEND + MIN - 1, SEND, SEND, 3000, 0, 3000)).isEqualTo(SliceRule.WAIT);
        assertThat(SliceRule.bytesToWrite(SEND + MIN, SEND, SEND, 3000, 0, 3000)).isEqualTo(MIN);
        assertThat(SliceRule.bytesToWrite(SEND + MIN - 1, SEND, SEND, 3000, 1000, 500)).isEqualTo(SliceRule.WAIT);
        // the rest of an item, or the rest of a lost piece, may be small
        assertThat(SliceRule.bytesToWrite(SEND + 10, SEND, SEND, 3000, 2990, 10)).isEqualTo(10);
        assertThat(SliceRule.bytesToWrite(SEND + MIN - 1, SEND, SEND, 3000, 2950, MIN - 1)).isEqualTo(MIN - 1);
        // but a small slice that is not the last part still waits
        assertThat(SliceRule.bytesToWrite(SEND + 40, SEND, SEND, 3000, 2950, 50)).isEqualTo(SliceRule.WAIT);
    }

    @Test
    void withoutRoomForTheSliceHeaderNothingIsWritten() {
        for (int space = 0; space <= FRAGMENT; space++) {
            assertThat(SliceRule.bytesToWrite(space, 0, FRAGMENT, 3000, 1000, 2000)).as("space %d", space)
                    .isEqualTo(SliceRule.WAIT);
        }
    }

    /** Every space a packet can have, for sizes and offsets around every boundary, both callers' overheads. */
    @Test
    void exhaustivelyTheResultWaitsOrFitsAndMakesProgressInAnEmptyPacket() {
        int[] totals = {1, 2, MIN - 1, MIN, MIN + 1, 500, UNSPLIT - SEND, UNSPLIT - 1, UNSPLIT, UNSPLIT + 1,
                EMPTY_PACKET - SEND, EMPTY_PACKET, EMPTY_PACKET + 1, 3000, 16 * 1024};
        int[][] overheads = {{SEND, SEND}, {0, FRAGMENT}};
        int checked = 0;
        for (int[] overhead : overheads) {
            for (int total : totals) {
                for (int offset : new int[] {0, 1, total / 2, total - MIN - 1, total - MIN, total - 1}) {
                    if (offset < 0 || offset >= total) {
                        continue;
                    }
                    int rest = total - offset;
                    for (int length : new int[] {1, MIN - 1, MIN, MIN + 1, rest / 2, rest - 1, rest}) {
                        if (length < 1 || length > rest) {
                            continue;
                        }
                        for (int space = 0; space <= EMPTY_PACKET; space++) {
                            check(space, overhead[0], overhead[1], total, offset, length);
                            checked++;
                        }
                        int inEmpty = SliceRule.bytesToWrite(EMPTY_PACKET, overhead[0], overhead[1], total, offset,
                                length);
                        assertThat(inEmpty).as("progress in an empty packet: %d+%d of %d", offset, length, total)
                                .isNotEqualTo(SliceRule.WAIT);
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(500_000);
    }

    /**
     * Seeded random cases over the whole domain: any space a datagram can leave, overheads up to 40
     * bytes with a whole item never costlier than a slice (as for both callers), items up to 64 KiB,
     * any piece of them. A plain seeded loop rather than jqwik, so that {@code @Timeout} governs it
     * and a failure names the case.
     */
    @Test
    void randomlyTheResultWaitsOrFitsTheSpace() {
        Random random = new Random(20_240_601);
        for (int i = 0; i < 300_000; i++) {
            int space = random.nextInt(WireFormat.MAX_DATAGRAM_BYTES + 1);
            int sliceOverhead = random.nextInt(41);
            int wholeOverhead = random.nextInt(sliceOverhead + 1);
            int total = 1 + random.nextInt(64 * 1024);
            int offset = random.nextBoolean() ? 0 : random.nextInt(total);
            int rest = total - offset;
            int length = random.nextBoolean() ? rest : 1 + random.nextInt(rest);
            check(space, wholeOverhead, sliceOverhead, total, offset, length);
        }
    }

    /** Plain checks, not AssertJ: this runs over a million times. */
    private static void check(int space, int wholeOverhead, int sliceOverhead, int total, int offset, int length) {
        int result = SliceRule.bytesToWrite(space, wholeOverhead, sliceOverhead, total, offset, length);
        boolean whole = offset == 0 && length == total;
        if (result == SliceRule.WAIT) {
            if (whole && total + wholeOverhead <= space) {
                fail("a whole item that fits must go", space, wholeOverhead, sliceOverhead, total, offset, length, result);
            }
            return;
        }
        if (result < 1 || result > length) {
            fail("outside [1, length]", space, wholeOverhead, sliceOverhead, total, offset, length, result);
        }
        int cost = result + (whole && result == total ? wholeOverhead : sliceOverhead);
        if (cost > space) {
            fail("the frame overruns the space", space, wholeOverhead, sliceOverhead, total, offset, length, result);
        }
        if (result < length && result < MIN) {
            fail("a tiny slice before the last part", space, wholeOverhead, sliceOverhead, total, offset, length,
                    result);
        }
        if (whole && total <= UNSPLIT && result != total) {
            fail("an item that fits an empty packet was split", space, wholeOverhead, sliceOverhead, total, offset,
                    length, result);
        }
    }

    private static void fail(String why, int space, int wholeOverhead, int sliceOverhead, int total, int offset,
                             int length, int result) {
        throw new AssertionError(why + ": space " + space + ", overheads " + wholeOverhead + "/" + sliceOverhead
                + ", bytes " + offset + "+" + length + " of " + total + " -> " + result);
    }

    @Test
    void aWholeItemMayNotCostMoreThanASlice() {
        // a caller writing "length" whole could overrun the space if whole items cost more than slices
        int total = UNSPLIT + 100;
        assertThatThrownBy(() -> SliceRule.bytesToWrite(total + 25, 30, 19, total, 0, total))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overhead");
    }
}
