package io.roomcast.internal.room;

/**
 * One member's private stream: the private messages to it and the confirmations of those it sent,
 * encoded, numbered 1, 2, 3... in the order the server accepted them, until the member reports
 * them delivered. Bounded: the caller asks {@link #hasRoomFor} before it appends, and entries are
 * admitted only while the undelivered ones stay within {@code maxEntries} and {@code maxBytes} (a
 * private message's entries are admitted together when none is held, however large), so a member
 * that does not keep up makes its senders wait instead of growing the server's memory.
 *
 * <p>Not thread-safe: owned by the I/O thread.
 */
public final class PrivateLog implements EventSource {
    private final int maxEntries;
    private final long maxBytes;
    private final byte[][] ring;
    private final int mask;
    private long first = 1;
    private int count;
    private long bytes;
    /** Since when a sender has found this log full and nothing has been delivered, or {@link Long#MAX_VALUE}. */
    private long fullSinceNanos = Long.MAX_VALUE;

    /**
     * An empty private stream.
     *
     * @throws IllegalArgumentException if a bound is less than 1
     */
    public PrivateLog(int maxEntries, long maxBytes) {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxEntries " + maxEntries + ", maxBytes " + maxBytes);
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.ring = new byte[Integer.highestOneBit(Math.max(1, maxEntries - 1)) << 1][];
        this.mask = ring.length - 1;
    }

    /** The sequence number the next entry will get. */
    public long nextSequence() {
        return first + count;
    }

    /**
     * {@code true} if {@code entries} more entries, {@code length} bytes of them counted, would be
     * admitted now: within the bounds, or anything (up to the capacity's count) when none is held.
     */
    public boolean hasRoomFor(int entries, long length) {
        return count + entries <= maxEntries && (count == 0 || bytes + length <= maxBytes);
    }

    /**
     * Appends the encoded entry that carries {@link #nextSequence()}; the caller asked
     * {@link #hasRoomFor} first.
     *
     * @return its sequence number
     * @throws IllegalStateException if the log holds its most entries
     */
    public long append(byte[] encodedEntry) {
        if (count == maxEntries) {
            throw new IllegalStateException("the private stream holds " + maxEntries + " entries");
        }
        long sequence = first + count;
        ring[(int) (sequence & mask)] = encodedEntry;
        count++;
        bytes += encodedEntry.length;
        return sequence;
    }

    /**
     * The member delivered every entry up to {@code sequence}: they are forgotten.
     *
     * @return the bytes freed
     */
    public long delivered(long sequence) {
        if (count > 0 && first <= sequence) {
            fullSinceNanos = Long.MAX_VALUE; // it is moving again
        }
        long freed = 0;
        while (count > 0 && first <= sequence) {
            int slot = (int) (first & mask);
            freed += ring[slot].length;
            ring[slot] = null;
            first++;
            count--;
        }
        bytes -= freed;
        return freed;
    }

    /** A sender found no room at {@code nowNanos}: from then on the member is waited for, not forever. */
    public void foundFull(long nowNanos) {
        fullSinceNanos = Math.min(fullSinceNanos, nowNanos);
    }

    /** Since when it has been full and waited for ({@link #foundFull}), or {@link Long#MAX_VALUE}. */
    public long fullSinceNanos() {
        return fullSinceNanos;
    }

    /** Entries held: appended, not yet delivered. */
    public int count() {
        return count;
    }

    /** Bytes of the entries held. */
    public long bytes() {
        return bytes;
    }

    @Override
    public byte[] get(long sequence) {
        if (sequence < first || sequence >= first + count) {
            return null;
        }
        return ring[(int) (sequence & mask)];
    }

    @Override
    public long firstSequence() {
        return first;
    }

    @Override
    public long lastSequence() {
        return first + count - 1;
    }
}
