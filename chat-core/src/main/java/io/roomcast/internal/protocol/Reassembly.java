package io.roomcast.internal.protocol;

import java.util.BitSet;

/**
 * Puts a byte string back together from slices that may arrive in any order, duplicated or
 * overlapping. Memory is the final length, allocated once. Not thread-safe.
 */
final class Reassembly {
    private final byte[] bytes;
    private final BitSet received;
    private int receivedCount;
    final long startedAtNanos;

    Reassembly(int totalLength, long nowNanos) {
        this.bytes = new byte[totalLength];
        this.received = new BitSet(totalLength);
        this.startedAtNanos = nowNanos;
    }

    int totalLength() {
        return bytes.length;
    }

    /**
     * Adds a slice.
     *
     * @return {@code false} if the slice does not fit this whole (a different length was claimed)
     */
    boolean add(int totalLength, int offset, byte[] data) {
        if (totalLength != bytes.length || offset + data.length > bytes.length) {
            return false;
        }
        for (int i = received.nextClearBit(offset); i < offset + data.length; i = received.nextClearBit(i + 1)) {
            bytes[i] = data[i - offset];
            receivedCount++;
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
}
