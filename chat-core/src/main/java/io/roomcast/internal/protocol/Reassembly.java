package io.roomcast.internal.protocol;

import java.util.BitSet;

/**
 * Puts a byte string back together from slices that may arrive in any order, duplicated or
 * overlapping. Memory is the final length, allocated once. A peer re-sends every slice until
 * it is acknowledged, so a reassembly that makes no progress for twice the idle timeout while
 * the peer is otherwise alive means a broken or hostile peer. Not thread-safe.
 */
final class Reassembly {
    private final byte[] bytes;
    private final BitSet received;
    private int receivedCount;
    private long lastProgressNanos;

    Reassembly(int totalLength, long nowNanos) {
        this.bytes = new byte[totalLength];
        this.received = new BitSet(totalLength);
        this.lastProgressNanos = nowNanos;
    }

    int totalLength() {
        return bytes.length;
    }

    /**
     * Adds a slice.
     *
     * @return {@code false} if the slice does not fit this whole (a different length was claimed)
     */
    boolean add(int totalLength, int offset, byte[] data, long nowNanos) {
        if (totalLength != bytes.length || offset + data.length > bytes.length) {
            return false;
        }
        for (int i = received.nextClearBit(offset); i < offset + data.length; i = received.nextClearBit(i + 1)) {
            bytes[i] = data[i - offset];
            receivedCount++;
            lastProgressNanos = nowNanos;
        }
        received.set(offset, offset + data.length);
        return true;
    }

    boolean isComplete() {
        return receivedCount == bytes.length;
    }

    /** The whole; valid once complete. */
    byte[] bytes() {
        return bytes;
    }

    /**
     * When the least recently progressing incomplete reassembly among {@code reassemblies} counts as
     * abandoned: twice the idle timeout after its last progress. A live peer re-sends until it is
     * acknowledged, so one that stalls that long will never complete.
     *
     * @return the time, or {@link Long#MAX_VALUE} if none is incomplete
     */
    static long abandonedAtNanos(Iterable<Reassembly> reassemblies, long idleTimeoutNanos) {
        long oldest = Long.MAX_VALUE;
        for (Reassembly reassembly : reassemblies) {
            if (!reassembly.isComplete()) {
                oldest = Math.min(oldest, reassembly.lastProgressNanos);
            }
        }
        return oldest == Long.MAX_VALUE ? Long.MAX_VALUE : oldest + 2 * idleTimeoutNanos;
    }
}
