package io.roomcast.internal.room;

/**
 * The room log: a bounded ring of encoded events, indexed by room sequence number. Each event
 * is encoded once and its bytes are shared by every member's retransmissions. When the ring
 * holds its most events or bytes, the oldest event is dropped; a member that still needs it
 * has fallen too far behind.
 *
 * <p>Not thread-safe: owned by the I/O thread.
 */
public final class RoomLog implements EventSource {
    private final byte[][] ring;
    private final int mask;
    private final long maxBytes;
    private long first = 1;
    private long next = 1;
    private long bytes;

    /**
     * A log that keeps at most {@code capacity} events (rounded up to a power of two) and, beyond
     * the newest event, at most {@code maxBytes} bytes.
     *
     * @throws IllegalArgumentException if {@code capacity} or {@code maxBytes} is less than 1
     */
    public RoomLog(int capacity, long maxBytes) {
        if (capacity < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("capacity " + capacity + ", maxBytes " + maxBytes);
        }
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.ring = new byte[Math.max(size, 1)][];
        this.mask = ring.length - 1;
        this.maxBytes = maxBytes;
    }

    /** A log bounded by event count only. */
    public RoomLog(int capacity) {
        this(capacity, Long.MAX_VALUE);
    }

    /** The sequence number the next event will get. Sequences start at 1. */
    public long nextSequence() {
        return next;
    }

    @Override
    public long lastSequence() {
        return next - 1;
    }

    @Override
    public long firstSequence() {
        return first;
    }

    /**
     * Appends the encoded event that carries sequence {@link #nextSequence()}.
     *
     * @return its sequence number
     */
    public long append(byte[] encodedEvent) {
        if (next - first == ring.length) {
            dropOldest();
        }
        long sequence = next++;
        ring[(int) (sequence & mask)] = encodedEvent;
        bytes += encodedEvent.length;
        while (bytes > maxBytes && first < sequence) {
            dropOldest();
        }
        return sequence;
    }

    /** Bytes of the events held. */
    /**
     * Empties the log so that the next event appended is {@code sequence} (a node restoring a
     * snapshot).
     */
    public void restartAt(long sequence) {
        java.util.Arrays.fill(ring, null);
        first = sequence;
        next = sequence;
        bytes = 0;
    }

    public long bytes() {
        return bytes;
    }

    private void dropOldest() {
        int slot = (int) (first & mask);
        bytes -= ring[slot].length;
        ring[slot] = null;
        first++;
    }

    @Override
    public byte[] get(long sequence) {
        if (sequence < first || sequence >= next) {
            return null;
        }
        return ring[(int) (sequence & mask)];
    }

    /** How many events the log holds at most. */
    public int capacity() {
        return ring.length;
    }
}
