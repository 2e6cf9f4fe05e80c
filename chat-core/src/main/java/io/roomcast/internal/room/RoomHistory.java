package io.roomcast.internal.room;

import io.roomcast.internal.wire.WireFormat;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The room's last messages, for members who join: at most {@code size} message events and at most
 * {@code maxBytes} of them, oldest dropped first. Kept apart from the {@link RoomLog}, whose joins
 * and leaves would otherwise push messages out, and kept while the room is empty. The encoded
 * events are the very arrays the log holds, so a message in both costs its bytes once.
 *
 * <p>Not thread-safe: owned by the I/O thread.
 */
public final class RoomHistory {
    /** The most messages a room may keep for history ({@code historySize} at most). */
    public static final int MAX_SIZE = WireFormat.MAX_HISTORY_MESSAGES;

    private final int size;
    private final long maxBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;

    /**
     * A history of at most {@code size} messages and {@code maxBytes} bytes.
     *
     * @throws IllegalArgumentException if {@code size} is outside 0..{@link #MAX_SIZE} or
     *                                  {@code maxBytes} is less than 1
     */
    public RoomHistory(int size, long maxBytes) {
        if (size < 0 || size > MAX_SIZE || maxBytes < 1) {
            throw new IllegalArgumentException("history of " + size + " messages, " + maxBytes + " bytes");
        }
        this.size = size;
        this.maxBytes = maxBytes;
    }

    /** Adds a message event, encoded, with its room sequence number (rising). */
    public void add(long sequence, byte[] encodedEvent) {
        if (size == 0) {
            return;
        }
        entries.addLast(new Entry(sequence, encodedEvent));
        bytes += encodedEvent.length;
        while (entries.size() > size || bytes > maxBytes && entries.size() > 1) {
            bytes -= entries.removeFirst().encodedEvent.length;
        }
    }

    /** How many messages it holds. */
    /** Forgets every message (a node restoring a snapshot). */
    public void clear() {
        entries.clear();
        bytes = 0;
    }

    public int count() {
        return entries.size();
    }

    /** Bytes of the messages it holds. */
    public long bytes() {
        return bytes;
    }

    /**
     * What a member joining now receives: the messages held, oldest first. The arrays are shared:
     * callers do not mutate them.
     */
    public Snapshot snapshot() {
        long[] sequences = new long[entries.size()];
        byte[][] events = new byte[entries.size()][];
        Iterator<Entry> it = entries.iterator();
        for (int i = 0; it.hasNext(); i++) {
            Entry entry = it.next();
            sequences[i] = entry.sequence;
            events[i] = entry.encodedEvent;
        }
        return new Snapshot(sequences, events);
    }

    private record Entry(long sequence, byte[] encodedEvent) {
    }

    /**
     * The history as a joining member gets it.
     *
     * @param sequences the messages' room sequence numbers, rising
     * @param events    the encoded message events, in the same order
     */
    public record Snapshot(long[] sequences, byte[][] events) {
        /** An empty history. */
        public static final Snapshot EMPTY = new Snapshot(new long[0], new byte[0][]);

        /** How many messages. */
        public int count() {
            return sequences.length;
        }
    }
}
