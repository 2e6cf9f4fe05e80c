package io.roomcast.internal.protocol;

import java.util.Arrays;

/**
 * Puts a byte string back together from slices that may arrive in any order, duplicated or
 * overlapping; the first copy of a byte wins.
 *
 * <p>Memory follows what arrived, not what the peer claims: the bytes live in chunks of
 * {@link #CHUNK_BYTES}, each allocated when a slice first reaches it, and what arrived is kept
 * as at most {@link #MAX_RANGES} ranges. So a slice of 20 bytes claiming a 1 MiB whole costs one
 * chunk and a table of chunk references, not 1 MiB. {@link #bytesHeld} counts every buffer (an
 * estimate of headers and references included), so that a budget can be checked with
 * {@link #growthFor} before {@link #add} allocates; the whole is copied out once, when complete.
 *
 * <p>A peer re-sends every slice until it is acknowledged, so a reassembly that makes no progress
 * for twice the idle timeout while the peer is otherwise alive means a broken or hostile peer.
 * Not thread-safe.
 */
final class Reassembly {
    /** Bytes are held in chunks of this size (the last may be shorter), each allocated on first use. */
    static final int CHUNK_BYTES = 4096;
    /**
     * The most separate ranges of received bytes. A slice that would make more is not held: a
     * peer that slices as {@link SliceRule} says leaves a few holes, one per lost packet still
     * to be re-sent, while scattered one-byte slices would cost far more bookkeeping than data.
     */
    static final int MAX_RANGES = 64;
    /** The estimate of an array's header. */
    static final int ARRAY_HEADER_BYTES = 16;
    /** The estimate of a reference (uncompressed, to be safe). */
    static final int REFERENCE_BYTES = 8;
    /** The estimate of this object, the map entry that holds it and its boxed key. */
    static final int FIXED_BYTES = 112;
    /** The most the ranges of one reassembly take: an array of {@link #MAX_RANGES} pairs of ints. */
    static final int MAX_RANGES_BYTES = ARRAY_HEADER_BYTES + 2 * Integer.BYTES * MAX_RANGES;
    /** What {@link #growthFor} returns for a slice that would leave more than {@link #MAX_RANGES} ranges. */
    static final long TOO_FRAGMENTED = -1;

    private static final int[] NO_RANGES = new int[0];

    private final int totalLength;
    /** Allocated with the first slice; a chunk stays null until a slice reaches it. */
    private byte[][] chunks;
    /** Received bytes as sorted, disjoint, non-adjacent [start, end) pairs. */
    private int[] ranges = NO_RANGES;
    private int rangeCount;
    private int receivedCount;
    private long lastProgressNanos;
    private long bytesHeld = FIXED_BYTES;

    Reassembly(int totalLength, long nowNanos) {
        if (totalLength < 0) {
            throw new IllegalArgumentException("totalLength: at least 0, was " + totalLength);
        }
        this.totalLength = totalLength;
        this.lastProgressNanos = nowNanos;
    }

    /**
     * The most a reassembly of {@code totalLength} bytes can hold, every buffer counted: the data,
     * every chunk and the chunk table, the ranges at their most, and {@link #FIXED_BYTES}.
     */
    static long footprint(int totalLength) {
        long chunkCount = chunkCount(totalLength);
        return FIXED_BYTES + ARRAY_HEADER_BYTES + chunkCount * (REFERENCE_BYTES + ARRAY_HEADER_BYTES) + totalLength
                + MAX_RANGES_BYTES;
    }

    /**
     * The most that {@code items} reassemblies whose lengths add up to at most {@code dataBytes}
     * can hold together: each costs {@link #footprint} of its length, and splitting the bytes
     * among more items adds at most one partly filled chunk per item.
     */
    static long footprintOfMany(long dataBytes, int items) {
        long chunks = dataBytes / CHUNK_BYTES + items;
        return dataBytes + (long) items * (FIXED_BYTES + ARRAY_HEADER_BYTES + MAX_RANGES_BYTES)
                + chunks * (REFERENCE_BYTES + ARRAY_HEADER_BYTES);
    }

    private static int chunkCount(int totalLength) {
        return (int) (((long) totalLength + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }

    private int chunkLength(int chunk) {
        return Math.min(CHUNK_BYTES, totalLength - chunk * CHUNK_BYTES);
    }

    int totalLength() {
        return totalLength;
    }

    /** Bytes this reassembly holds, every buffer counted (an estimate of headers included). */
    long bytesHeld() {
        return bytesHeld;
    }

    /** {@code true} if a slice of {@code length} bytes at {@code offset} belongs to a whole of {@code totalLength}. */
    boolean fits(int totalLength, int offset, int length) {
        return totalLength == this.totalLength && offset >= 0 && length >= 0
                && (long) offset + length <= totalLength;
    }

    /**
     * How many more bytes this reassembly would hold once the slice of {@code length} bytes at
     * {@code offset} is {@link #add added}: chunks it reaches first, the chunk table on the first
     * slice, and a larger array of ranges. The slice must {@link #fits fit}.
     *
     * @return the bytes, 0 if the slice brings nothing new, or {@link #TOO_FRAGMENTED}
     */
    long growthFor(int offset, int length) {
        int end = offset + length;
        int first = firstTouching(offset);
        int last = lastTouching(end);
        if (newBytes(offset, end, first, last) == 0) {
            return 0;
        }
        int rangesAfter = rangeCount - Math.max(0, last - first + 1) + 1;
        if (rangesAfter > MAX_RANGES) {
            return TOO_FRAGMENTED;
        }
        long growth = 0;
        if (chunks == null) {
            growth += ARRAY_HEADER_BYTES + (long) REFERENCE_BYTES * chunkCount(totalLength);
        }
        for (int chunk = offset / CHUNK_BYTES; chunk <= (end - 1) / CHUNK_BYTES; chunk++) {
            if (chunks == null || chunks[chunk] == null) {
                growth += ARRAY_HEADER_BYTES + chunkLength(chunk);
            }
        }
        int capacity = rangesCapacityFor(rangesAfter);
        if (capacity > ranges.length) {
            growth += (long) Integer.BYTES * (capacity - ranges.length) + (ranges.length == 0 ? ARRAY_HEADER_BYTES : 0);
        }
        return growth;
    }

    /**
     * Adds a slice that {@link #fits}, after {@link #growthFor} said what it costs and that it is
     * not {@link #TOO_FRAGMENTED}. Bytes already received are kept as they were.
     */
    void add(int offset, byte[] data, long nowNanos) {
        int end = offset + data.length;
        int first = firstTouching(offset);
        int last = lastTouching(end);
        int fresh = newBytes(offset, end, first, last);
        if (fresh == 0) {
            return; // a duplicate is no progress
        }
        bytesHeld += growthFor(offset, data.length);
        if (chunks == null) {
            chunks = new byte[chunkCount(totalLength)][];
        }
        int position = offset;
        for (int i = first; i <= last; i++) {
            copy(data, offset, position, Math.min(ranges[2 * i], end));
            position = Math.max(position, ranges[2 * i + 1]);
        }
        copy(data, offset, position, end);
        merge(offset, end, first, last);
        receivedCount += fresh;
        lastProgressNanos = nowNanos;
    }

    /** Copies bytes {@code from..to} of the whole (a gap) out of {@code data}, which starts at {@code offset}. */
    private void copy(byte[] data, int offset, int from, int to) {
        while (from < to) {
            int chunk = from / CHUNK_BYTES;
            int within = from - chunk * CHUNK_BYTES;
            if (chunks[chunk] == null) {
                chunks[chunk] = new byte[chunkLength(chunk)];
            }
            int length = Math.min(to - from, chunks[chunk].length - within);
            System.arraycopy(data, from - offset, chunks[chunk], within, length);
            from += length;
        }
    }

    /** Replaces ranges {@code first..last} (none if {@code first > last}) by their union with [start, end). */
    private void merge(int start, int end, int first, int last) {
        int merged = Math.max(0, last - first + 1);
        int rangesAfter = rangeCount - merged + 1;
        int capacity = rangesCapacityFor(rangesAfter);
        if (capacity > ranges.length) {
            ranges = Arrays.copyOf(ranges, capacity);
        }
        if (merged > 0) {
            start = Math.min(start, ranges[2 * first]);
            end = Math.max(end, ranges[2 * last + 1]);
        }
        // the ranges after the merged ones move to just after the one that replaces them
        System.arraycopy(ranges, 2 * (first + merged), ranges, 2 * (first + 1), 2 * (rangeCount - first - merged));
        ranges[2 * first] = start;
        ranges[2 * first + 1] = end;
        rangeCount = rangesAfter;
    }

    /** Ints of range storage for {@code count} ranges: doubling from two ranges, at most {@link #MAX_RANGES}. */
    private int rangesCapacityFor(int count) {
        int capacity = Math.max(ranges.length, 4);
        while (capacity < 2 * count) {
            capacity *= 2;
        }
        return Math.min(capacity, 2 * MAX_RANGES);
    }

    /** The first range that ends at or after {@code offset} (it touches or follows the slice), or {@link #rangeCount}. */
    private int firstTouching(int offset) {
        int i = 0;
        while (i < rangeCount && ranges[2 * i + 1] < offset) {
            i++;
        }
        return i;
    }

    /** The last range that starts at or before {@code end} (it touches or precedes the slice's end), or -1. */
    private int lastTouching(int end) {
        int i = rangeCount - 1;
        while (i >= 0 && ranges[2 * i] > end) {
            i--;
        }
        return i;
    }

    /** Bytes of [start, end) not in ranges {@code first..last}. */
    private int newBytes(int start, int end, int first, int last) {
        int fresh = end - start;
        for (int i = first; i <= last; i++) {
            fresh -= Math.max(0, Math.min(end, ranges[2 * i + 1]) - Math.max(start, ranges[2 * i]));
        }
        return fresh;
    }

    boolean isComplete() {
        return receivedCount == totalLength;
    }

    /** The whole, copied out of the chunks; valid once complete. */
    byte[] bytes() {
        if (chunks != null && chunks.length == 1) {
            return chunks[0];
        }
        byte[] whole = new byte[totalLength];
        for (int chunk = 0; chunks != null && chunk < chunks.length; chunk++) {
            System.arraycopy(chunks[chunk], 0, whole, chunk * CHUNK_BYTES, chunks[chunk].length);
        }
        return whole;
    }

    /** When this reassembly last received bytes it did not have. */
    long lastProgressNanos() {
        return lastProgressNanos;
    }
}
