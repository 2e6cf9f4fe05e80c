package io.roomcast.internal.room;

/**
 * The room log: a bounded ring of encoded events, indexed by room sequence number. Each event
 * is encoded once and its bytes are shared by every member's retransmissions. When the ring
 * is full the oldest event is dropped; a member that still needs it has fallen too far behind.
 *
 * <p>Not thread-safe: owned by the I/O thread.
 */
public final class RoomLog {
    private final byte[][] ring;
    private final int mask;
    private long first = 1;
    private long next = 1;

    /**
     * A log that keeps at least the last {@code capacity} events.
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public RoomLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " < 1");
        }
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.ring = new byte[Math.max(size, 1)][];
        this.mask = ring.length - 1;
    }

    /** The sequence number the next event will get. Sequences start at 1. */
    public long nextSequence() {
        return next;
    }

    /** The sequence number of the last event appended, or 0 when there is none. */
    public long lastSequence() {
        return next - 1;
    }

    /** The oldest sequence number still held. */
    public long firstSequence() {
        return first;
    }

    /**
     * Appends the encoded event that carries sequence {@link #nextSequence()}.
     *
     * @return its sequence number
     */
    public long append(byte[] encodedEvent) {
        long sequence = next++;
        ring[(int) (sequence & mask)] = encodedEvent;
        if (next - first > ring.length) {
            first = next - ring.length;
        }
        return sequence;
    }

    /** The encoded event with {@code sequence}, or {@code null} if it was never appended or has been dropped. */
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
