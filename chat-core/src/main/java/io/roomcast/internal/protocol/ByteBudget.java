package io.roomcast.internal.protocol;

/**
 * A number of bytes that several holders draw on together, such as the room-wide budget for
 * every member's incomplete messages: a holder takes bytes before it allocates them and gives
 * them back when it lets go. It counts; it allocates nothing.
 *
 * <p>Not thread-safe: owned by the engine's thread.
 */
final class ByteBudget {
    private final long limitBytes;
    private long usedBytes;

    /** @param limitBytes the most bytes held at once; {@link Long#MAX_VALUE} for no limit */
    ByteBudget(long limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("limitBytes: at least 0, was " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** A budget that never runs out, for a holder whose own limit is the only one. */
    static ByteBudget unlimited() {
        return new ByteBudget(Long.MAX_VALUE);
    }

    /**
     * Takes {@code bytes} if they are left.
     *
     * @return {@code false}, taking nothing, if that would pass the limit
     */
    boolean tryTake(long bytes) {
        if (bytes > limitBytes - usedBytes) {
            return false;
        }
        usedBytes += bytes;
        return true;
    }

    /** Gives back {@code bytes} taken before. */
    void release(long bytes) {
        usedBytes -= bytes;
    }

    long usedBytes() {
        return usedBytes;
    }

    long limitBytes() {
        return limitBytes;
    }
}
