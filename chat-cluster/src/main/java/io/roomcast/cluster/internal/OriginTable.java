package io.roomcast.cluster.internal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated bookkeeping that makes "failed" mean "never applied": for each submitting node,
 * the highest submission number that counted, and which of the last {@link #WINDOW} did.
 *
 * <p>The rule, the same on every node because it reads only the log: an entry counts only if its
 * number is above its origin's highest so far. So once a node sees one of its own entries count,
 * each of its older submissions still outstanding can never count, and it reports them failed;
 * and a node that catches up through a snapshot learns from the window which of its outstanding
 * submissions counted. Submission numbers only grow: a node starts them from its start time.
 *
 * <p>Threading: used by one thread at a time (the Raft delivery thread), not thread-safe.
 */
public final class OriginTable {
    /** How many recent submissions per node the table remembers; a node keeps fewer outstanding. */
    public static final int WINDOW = 4096;
    /** The most nodes a snapshot may name (a hostile snapshot cannot make the table grow past it). */
    static final int MAX_ORIGINS = 1024;

    private final Map<String, Window> windows = new HashMap<>();

    /**
     * Decides whether an entry counts and, if so, records it.
     *
     * @param origin the entry's node
     * @param seq    its submission number
     * @return whether it counts (its number is above every earlier one of its node)
     */
    public boolean admit(String origin, long seq) {
        Window window = windows.get(origin);
        if (window == null) {
            if (windows.size() >= MAX_ORIGINS) {
                return false;
            }
            window = new Window();
            windows.put(origin, window);
            window.reset(seq);
            return true;
        }
        return window.advance(seq);
    }

    /**
     * The highest number that counted for {@code origin}.
     *
     * @param origin a node id
     * @return the number, or {@link Long#MIN_VALUE} if none did
     */
    public long highest(String origin) {
        Window window = windows.get(origin);
        return window == null ? Long.MIN_VALUE : window.max;
    }

    /**
     * Whether submission {@code seq} of {@code origin}, at or below {@link #highest}, counted.
     *
     * @param origin a node id
     * @param seq    a number at or below {@link #highest(String)}
     * @return whether it counted; {@code false} also when it is older than the window
     */
    public boolean counted(String origin, long seq) {
        Window window = windows.get(origin);
        return window != null && window.contains(seq);
    }

    /**
     * Writes the table (part of a Raft snapshot).
     *
     * @param out where to
     * @throws IOException if {@code out} fails
     */
    public void writeTo(DataOutput out) throws IOException {
        Map<String, Window> sorted = new TreeMap<>(windows);
        out.writeInt(sorted.size());
        for (Map.Entry<String, Window> e : sorted.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().max);
            for (long word : e.getValue().bits) {
                out.writeLong(word);
            }
        }
    }

    /**
     * Replaces the table with one {@link #writeTo} wrote.
     *
     * @param in where from
     * @throws IOException if {@code in} fails or holds no table
     */
    public void readFrom(DataInput in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ORIGINS) {
            throw new IOException("snapshot names " + count + " nodes");
        }
        Map<String, Window> read = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String origin = in.readUTF();
            Window window = new Window();
            window.max = in.readLong();
            for (int w = 0; w < window.bits.length; w++) {
                window.bits[w] = in.readLong();
            }
            read.put(origin, window);
        }
        windows.clear();
        windows.putAll(read);
    }

    /**
     * Takes every origin's numbers from {@code other} (a table read from a snapshot that applied).
     *
     * @param other the table to copy
     */
    public void replaceWith(OriginTable other) {
        windows.clear();
        windows.putAll(other.windows);
    }

    /** The highest number and a ring of bits for the numbers (max - WINDOW, max]. */
    private static final class Window {
        long max;
        final long[] bits = new long[WINDOW / Long.SIZE];

        void reset(long seq) {
            java.util.Arrays.fill(bits, 0);
            max = seq;
            set(seq);
        }

        boolean advance(long seq) {
            if (seq <= max) {
                return false;
            }
            if (seq - max >= WINDOW) {
                reset(seq);
                return true;
            }
            for (long s = max + 1; s < seq; s++) {
                clear(s);
            }
            max = seq;
            set(seq);
            return true;
        }

        boolean contains(long seq) {
            if (seq > max || max - seq >= WINDOW) {
                return false;
            }
            int i = (int) Math.floorMod(seq, (long) WINDOW);
            return (bits[i >>> 6] & (1L << i)) != 0;
        }

        private void set(long seq) {
            int i = (int) Math.floorMod(seq, (long) WINDOW);
            bits[i >>> 6] |= 1L << i;
        }

        private void clear(long seq) {
            int i = (int) Math.floorMod(seq, (long) WINDOW);
            bits[i >>> 6] &= ~(1L << i);
        }
    }
}
