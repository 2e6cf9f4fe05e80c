package io.roomcast.internal.room;

/**
 * Encoded events by sequence number, for a member's stream to read: the room's {@link RoomLog}, or
 * a member's own {@link PrivateLog}.
 */
public interface EventSource {
    /** The encoded event with {@code sequence}, or {@code null} if it was never appended or has been dropped. */
    byte[] get(long sequence);

    /** The oldest sequence number still held (the next one to be appended, when none is). */
    long firstSequence();

    /** The sequence number of the last event appended, or 0 when there is none. */
    long lastSequence();
}
