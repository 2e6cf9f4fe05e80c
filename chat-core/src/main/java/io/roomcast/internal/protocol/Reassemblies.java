package io.roomcast.internal.protocol;

import java.util.TreeMap;

/**
 * The items one peer has started to send in slices and not finished — a member's messages on the
 * server, the events of the room in FRAGMENTs on the client — each a {@link Reassembly}, keyed
 * by message id or room sequence, within two budgets of bytes held: the holder's own, and one
 * shared with other holders (on the server, every member's incomplete messages together). Every
 * buffer counts ({@link Reassembly#bytesHeld}), and bytes are taken from the budgets before they
 * are allocated.
 *
 * <p>Not thread-safe: owned by the engine's thread.
 */
final class Reassemblies {
    /** What {@link #add} made of a slice. */
    enum Added {
        /** Held (or already held: a duplicate). */
        HELD,
        /** Beyond the holder's own budget, or too scattered to hold: the peer must send it again later. */
        NO_ROOM,
        /** Beyond the budget shared with other holders: nothing of it is held. */
        SHARED_BUDGET_SPENT,
        /** It contradicts what arrived before (another total length) or lies outside the whole: ignored. */
        INCONSISTENT
    }

    private final TreeMap<Long, Reassembly> byKey = new TreeMap<>();
    private final long budgetBytes;
    private final ByteBudget shared;
    private long bytesHeld;

    /**
     * @param budgetBytes the most bytes this holder's incomplete items hold, every buffer counted
     * @param shared      the budget shared with other holders, drawn on as well
     */
    Reassemblies(long budgetBytes, ByteBudget shared) {
        this.budgetBytes = budgetBytes;
        this.shared = shared;
    }

    /** Bytes held by incomplete items, every buffer counted. */
    long bytesHeld() {
        return bytesHeld;
    }

    /** Items held, complete ones not yet taken out included. */
    int size() {
        return byKey.size();
    }

    /**
     * Adds a slice of the item {@code key}.
     *
     * @param pastOwnBudget {@code true} to hold it even beyond this holder's own budget (the
     *                      shared budget still applies): for the item everything else waits for
     */
    Added add(long key, int totalLength, int offset, byte[] data, long nowNanos, boolean pastOwnBudget) {
        Reassembly reassembly = byKey.get(key);
        boolean started = reassembly != null;
        if (!started) {
            if (totalLength < 0) {
                return Added.INCONSISTENT;
            }
            reassembly = new Reassembly(totalLength, nowNanos);
        }
        if (!reassembly.fits(totalLength, offset, data.length)) {
            return Added.INCONSISTENT;
        }
        long growth = reassembly.growthFor(offset, data.length);
        if (growth == Reassembly.TOO_FRAGMENTED) {
            return Added.NO_ROOM;
        }
        long bytes = growth + (started ? 0 : reassembly.bytesHeld());
        if (!pastOwnBudget && bytesHeld + bytes > budgetBytes) {
            return Added.NO_ROOM;
        }
        if (!shared.tryTake(bytes)) {
            return Added.SHARED_BUDGET_SPENT;
        }
        bytesHeld += bytes;
        reassembly.add(offset, data, nowNanos);
        if (!started) {
            byKey.put(key, reassembly);
        }
        return Added.HELD;
    }

    /** The whole item {@code key} if it is complete, no longer held; otherwise {@code null}. */
    byte[] takeComplete(long key) {
        Reassembly reassembly = byKey.get(key);
        if (reassembly == null || !reassembly.isComplete()) {
            return null;
        }
        remove(key);
        return reassembly.bytes();
    }

    /** The keys of the items held below {@code key}, a live view. */
    java.util.Set<Long> keysBelow(long key) {
        return byKey.headMap(key).keySet();
    }

    /** {@code true} if part of item {@code key} is held. */
    boolean contains(long key) {
        return byKey.containsKey(key);
    }

    /** Lets go of the item {@code key}, complete or not. */
    void remove(long key) {
        Reassembly reassembly = byKey.remove(key);
        if (reassembly != null) {
            bytesHeld -= reassembly.bytesHeld();
            shared.release(reassembly.bytesHeld());
        }
    }

    /** Lets go of every item, giving their bytes back to the shared budget: the holder is gone. */
    void clear() {
        shared.release(bytesHeld);
        bytesHeld = 0;
        byKey.clear();
    }

    /**
     * When the least recently progressing incomplete item counts as abandoned: twice the idle
     * timeout after its last progress. A live peer re-sends until it is acknowledged, so one that
     * stalls that long will never complete.
     *
     * @return the time, or {@link Long#MAX_VALUE} if none is incomplete
     */
    long staleAtNanos(long idleTimeoutNanos) {
        long oldest = Long.MAX_VALUE;
        for (Reassembly reassembly : byKey.values()) {
            if (!reassembly.isComplete()) {
                oldest = Math.min(oldest, reassembly.lastProgressNanos());
            }
        }
        return oldest == Long.MAX_VALUE ? Long.MAX_VALUE : oldest + 2 * idleTimeoutNanos;
    }
}
