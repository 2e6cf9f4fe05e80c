package io.roomcast.cluster.internal;

import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import org.jgroups.raft.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine of one node: turns committed log entries into calls on the room, and
 * keeps this node's outstanding submissions until the log settles each one (applied, or failed:
 * never both; see {@link OriginTable}).
 *
 * <p>Threading: {@link #apply}, {@link #readContentFrom} and {@link #writeContentTo} run on
 * the Raft delivery thread (one at a time, in log order); {@link #track} and the queries on
 * any thread. The outstanding map is concurrent; the origin table is the delivery thread's.
 */
public final class RoomReplica implements StateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(RoomReplica.class);
    private static final byte SNAPSHOT_VERSION = 1;

    /** One outstanding submission: a room command, or (command null) a fence. */
    public static final class Outstanding {
        final RoomCommand command;
        final long submittedNanos;
        final CompletableFuture<Boolean> settled = new CompletableFuture<>();
        final Consumer<Boolean> onSettled;

        Outstanding(RoomCommand command, long submittedNanos, Consumer<Boolean> onSettled) {
            this.command = command;
            this.submittedNanos = submittedNanos;
            this.onSettled = onSettled;
        }

        /**
         * Completes with {@code true} when the entry counted, {@code false} when it never will.
         *
         * @return the future
         */
        public CompletableFuture<Boolean> settled() {
            return settled;
        }
    }

    private final String nodeId;
    private final RoomStateMachine room;
    private final OriginTable table = new OriginTable();
    private final ConcurrentNavigableMap<Long, Outstanding> outstanding = new ConcurrentSkipListMap<>();
    private volatile boolean closed;

    /**
     * A replica feeding {@code room}.
     *
     * @param nodeId this node's id
     * @param room   the room
     */
    public RoomReplica(String nodeId, RoomStateMachine room) {
        this.nodeId = nodeId;
        this.room = room;
    }

    /**
     * Records a submission before it goes to Raft.
     *
     * @param seq       its number
     * @param command   the room command, or null for a fence
     * @param onSettled called (on the delivery thread) with whether it counted; may be null
     * @return the record
     */
    public Outstanding track(long seq, RoomCommand command, Consumer<Boolean> onSettled) {
        Outstanding o = new Outstanding(command, System.nanoTime(), onSettled);
        outstanding.put(seq, o);
        return o;
    }

    /**
     * Forgets a submission that never reached Raft (it was refused at once).
     *
     * @param seq its number
     */
    public void untrack(long seq) {
        outstanding.remove(seq);
    }

    /**
     * Settles a submission Raft refused before sending it anywhere: it can never be applied.
     *
     * @param seq its number
     */
    public void refused(long seq) {
        settle(seq, false);
    }

    /**
     * How many submissions are outstanding.
     *
     * @return the count
     */
    public int outstandingCount() {
        return outstanding.size();
    }

    /**
     * The lowest outstanding number.
     *
     * @return it, or {@code fallback} if none is outstanding
     * @param fallback the answer when nothing is outstanding
     */
    public long oldestOutstanding(long fallback) {
        Map.Entry<Long, Outstanding> first = outstanding.firstEntry();
        return first == null ? fallback : first.getKey();
    }

    /**
     * When the oldest outstanding submission was made.
     *
     * @return its {@link System#nanoTime()}, or {@link Long#MAX_VALUE} if none is outstanding
     */
    public long oldestSubmittedNanos() {
        long oldest = Long.MAX_VALUE;
        for (Outstanding o : outstanding.values()) {
            oldest = Math.min(oldest, o.submittedNanos);
        }
        return oldest;
    }

    /**
     * The highest number of this node that counted, as far as this node has applied.
     *
     * @return the number, or {@link Long#MIN_VALUE}
     */
    public long highestOwn() {
        return highestOwn;
    }

    private volatile long highestOwn = Long.MIN_VALUE;

    /** Stops all calls into the room (the backend is closing). */
    public void close() {
        closed = true;
    }

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) {
        if (closed) {
            return null;
        }
        CommandEnvelope entry;
        try {
            entry = CommandEnvelope.decode(data, offset, length);
        } catch (IllegalArgumentException e) {
            LOG.warn("node {}: skipped a malformed log entry: {}", nodeId, e.getMessage());
            return null;
        }
        boolean counts = table.admit(entry.origin(), entry.seq());
        boolean own = entry.origin().equals(nodeId);
        if (own) {
            highestOwn = table.highest(nodeId);
            settleOlderThan(entry.seq());
            settle(entry.seq(), counts);
        }
        if (counts && entry.kind() == CommandEnvelope.Kind.COMMAND) {
            RoomCommand command;
            try {
                command = room.decode(entry.payload());
            } catch (IllegalArgumentException e) {
                LOG.warn("node {}: skipped an undecodable command from {}: {}", nodeId, entry.origin(), e.getMessage());
                return null;
            }
            try {
                room.apply(command);
            } catch (RuntimeException e) {
                // a bug in the room, the same on every node: Raft's delivery must go on
                LOG.error("node {}: the room failed to apply a command from {}", nodeId, entry.origin(), e);
            }
        }
        return null;
    }

    /** Every outstanding submission numbered below {@code seq} can no longer count. */
    private void settleOlderThan(long seq) {
        for (Long older : outstanding.headMap(seq).keySet()) {
            settle(older, false);
        }
    }

    private void settle(long seq, boolean counted) {
        Outstanding o = outstanding.remove(seq);
        if (o == null) {
            return;
        }
        if (!counted && o.command != null && o.onSettled == null && !closed) {
            room.failed(o.command);
        }
        if (o.onSettled != null) {
            try {
                o.onSettled.accept(counted);
            } catch (RuntimeException e) {
                LOG.warn("node {}: a settlement callback failed", nodeId, e);
            }
        }
        o.settled.complete(counted);
    }

    @Override
    public void writeContentTo(DataOutput out) throws Exception {
        out.writeByte(SNAPSHOT_VERSION);
        table.writeTo(out);
        room.writeSnapshot(out);
    }

    @Override
    public void readContentFrom(DataInput in) throws Exception {
        int version = in.readByte();
        if (version != SNAPSHOT_VERSION) {
            throw new IOException("snapshot version " + version + ", expected " + SNAPSHOT_VERSION);
        }
        OriginTable read = new OriginTable();
        read.readFrom(in);
        if (closed) {
            return;
        }
        room.readSnapshot(in); // if the room refuses its part, the table stays as it was too
        table.replaceWith(read);
        // the snapshot settles every outstanding submission it covers
        long highest = table.highest(nodeId);
        highestOwn = highest;
        for (Long seq : outstanding.headMap(highest, true).keySet()) {
            settle(seq, table.counted(nodeId, seq));
        }
    }
}
