package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reassembly holds what arrived, not what the peer claims: memory grows chunk by chunk as slices
 * arrive, every buffer is counted, and the budgets (the holder's own and the shared one) are
 * checked before anything is allocated.
 */
@Timeout(10)
class ReassemblyTest {
    private static final int MIB = 1024 * 1024;
    private static final long UNLIMITED = Long.MAX_VALUE;

    private static byte[] bytes(int from, int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (from + i);
        }
        return data;
    }

    @Test
    void slicesInAnyOrderWithOverlapsAndDuplicates() {
        Reassemblies held = new Reassemblies(UNLIMITED, ByteBudget.unlimited());
        assertThat(held.add(1, 10, 6, new byte[] {6, 7, 8, 9}, 1, false)).isEqualTo(Reassemblies.Added.HELD);
        assertThat(held.add(1, 10, 0, new byte[] {0, 1, 2, 3}, 2, false)).isEqualTo(Reassemblies.Added.HELD);
        assertThat(held.takeComplete(1)).isNull();
        assertThat(held.add(1, 10, 0, new byte[] {0, 1}, 4, false)).isEqualTo(Reassemblies.Added.HELD);
        assertThat(held.staleAtNanos(100))
                .as("a duplicate slice is no progress: abandoned twice the idle timeout after the last new bytes")
                .isEqualTo(2 + 200);
        assertThat(held.add(1, 12, 0, new byte[] {0}, 5, false)).as("another total length")
                .isEqualTo(Reassemblies.Added.INCONSISTENT);
        assertThat(held.add(1, 10, 8, new byte[] {8, 9, 10}, 5, false)).as("past the end")
                .isEqualTo(Reassemblies.Added.INCONSISTENT);
        assertThat(held.add(1, 10, 3, new byte[] {33, 4, 5, 66}, 5, false)).isEqualTo(Reassemblies.Added.HELD);
        assertThat(held.takeComplete(1)).as("the first copy of a byte wins").containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(held.size()).isZero();
        assertThat(held.bytesHeld()).isZero();
        assertThat(held.staleAtNanos(100)).as("nothing incomplete is ever abandoned").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aTwentyByteSliceClaimingOneMebibyteHoldsOneChunk() {
        Reassemblies held = new Reassemblies(UNLIMITED, ByteBudget.unlimited());
        held.add(1, MIB, 500_000, bytes(0, 20), 0, false);

        long table = Reassembly.ARRAY_HEADER_BYTES + (long) Reassembly.REFERENCE_BYTES * (MIB / Reassembly.CHUNK_BYTES);
        long chunk = Reassembly.ARRAY_HEADER_BYTES + Reassembly.CHUNK_BYTES;
        long ranges = Reassembly.ARRAY_HEADER_BYTES + 4 * Integer.BYTES;
        assertThat(held.bytesHeld()).isEqualTo(Reassembly.FIXED_BYTES + table + chunk + ranges).isLessThan(8 * 1024);
    }

    @Test
    void memoryGrowsWithWhatArrivesAndTheWholeComesOutIntact() {
        byte[] message = new byte[MIB];
        new Random(7).nextBytes(message);
        List<Integer> offsets = new ArrayList<>();
        for (int offset = 0; offset < MIB; offset += 1100) {
            offsets.add(offset);
        }
        Collections.shuffle(offsets.subList(0, 40), new Random(8)); // a little disorder, as loss makes
        Reassemblies held = new Reassemblies(UNLIMITED, ByteBudget.unlimited());
        long received = 0;
        for (int offset : offsets) {
            int length = Math.min(1100 + 64, MIB - offset); // overlapping the next slice, as re-slicing does
            assertThat(held.add(1, MIB, offset, Arrays.copyOfRange(message, offset, offset + length), 0, false))
                    .isEqualTo(Reassemblies.Added.HELD);
            received = Math.min(MIB, received + 1100);
            long chunksReached = Math.min(MIB / Reassembly.CHUNK_BYTES, received / Reassembly.CHUNK_BYTES + 40);
            assertThat(held.bytesHeld()).as("after %d bytes", received)
                    .isLessThanOrEqualTo(Reassembly.footprint(MIB))
                    .isLessThanOrEqualTo(Reassembly.FIXED_BYTES + Reassembly.MAX_RANGES_BYTES + 2064
                            + chunksReached * (Reassembly.CHUNK_BYTES + Reassembly.ARRAY_HEADER_BYTES));
        }
        assertThat(held.takeComplete(1)).isEqualTo(message);
    }

    @Test
    void scatteredSlicesAreNotHeldPastTheRangeLimitButGapsStillFill() {
        Reassemblies held = new Reassemblies(UNLIMITED, ByteBudget.unlimited());
        for (int i = 0; i < Reassembly.MAX_RANGES; i++) {
            assertThat(held.add(1, 1000, 2 * i, new byte[] {1}, 0, false)).isEqualTo(Reassemblies.Added.HELD);
        }
        assertThat(held.add(1, 1000, 500, new byte[] {1}, 0, false)).as("a new island")
                .isEqualTo(Reassemblies.Added.NO_ROOM);
        assertThat(held.add(1, 1000, 1, new byte[] {1}, 0, false)).as("filling a gap joins two ranges")
                .isEqualTo(Reassemblies.Added.HELD);
        assertThat(held.add(1, 1000, 500, new byte[] {1}, 0, false)).as("now there is room for one more")
                .isEqualTo(Reassemblies.Added.HELD);
        assertThat(held.add(1, 1000, 0, new byte[1000], 0, false)).isEqualTo(Reassemblies.Added.HELD);
        assertThat(held.takeComplete(1)).hasSize(1000);
    }

    @Test
    void theOwnBudgetWaitsTheSharedOneRefusesAndLettingGoGivesBack() {
        ByteBudget shared = new ByteBudget(16_000);
        Reassemblies first = new Reassemblies(9_000, shared);
        Reassemblies second = new Reassemblies(9_000, shared);
        assertThat(first.add(1, 9000, 0, bytes(0, 4000), 0, false)).isEqualTo(Reassemblies.Added.HELD);
        assertThat(first.add(1, 9000, 4096, bytes(0, 4000), 0, false)).isEqualTo(Reassemblies.Added.HELD);
        assertThat(first.add(1, 9000, 8192, bytes(0, 808), 0, false)).as("past its own budget")
                .isEqualTo(Reassemblies.Added.NO_ROOM);
        assertThat(first.add(1, 9000, 8192, bytes(0, 808), 0, true)).as("the item everything waits for")
                .isEqualTo(Reassemblies.Added.HELD);
        assertThat(shared.usedBytes()).isEqualTo(first.bytesHeld()).isGreaterThan(9_000);

        assertThat(second.add(7, 9000, 0, bytes(0, 4000), 0, false)).isEqualTo(Reassemblies.Added.HELD);
        assertThat(second.add(7, 9000, 4096, bytes(0, 100), 0, false)).as("the shared budget is spent")
                .isEqualTo(Reassemblies.Added.SHARED_BUDGET_SPENT);
        assertThat(shared.usedBytes()).isEqualTo(first.bytesHeld() + second.bytesHeld()).isLessThanOrEqualTo(16_000);

        first.clear();
        assertThat(shared.usedBytes()).isEqualTo(second.bytesHeld());
        second.remove(7);
        assertThat(shared.usedBytes()).isZero();
        assertThat(second.bytesHeld()).isZero();
    }

    @Test
    void anEmptyWholeIsCompleteAtOnce() {
        Reassemblies held = new Reassemblies(UNLIMITED, ByteBudget.unlimited());
        assertThat(held.add(3, 0, 0, new byte[0], 0, false)).isEqualTo(Reassemblies.Added.HELD);
        assertThat(held.takeComplete(3)).isEmpty();
    }
}
