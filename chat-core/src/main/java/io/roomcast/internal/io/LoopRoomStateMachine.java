package io.roomcast.internal.io;

import io.roomcast.internal.protocol.ServerEngine;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A server engine's room as its backend sees it, every call run on the server's I/O thread in the
 * order the backend made it. Calls from a backend's own threads are handed to the I/O thread as
 * loop commands — {@link #apply} without waiting, the snapshot methods and {@link #nodesWithMembers}
 * waiting for the answer (at most {@link RoomStateMachine#SNAPSHOT_TIMEOUT_MILLIS}). A call made on
 * the I/O thread (the in-process backend, or a backend answering within a submit) runs at once
 * while nothing handed over is still waiting (an atomic count), and otherwise goes in the queue
 * behind what was handed over, so that a backend calling from both never has a later command
 * applied before an earlier one; a waiting call made on the I/O thread runs at once regardless
 * (the thread cannot wait for itself).
 *
 * <p>A snapshot is taken as bytes on the I/O thread and copied to the backend's stream on its own
 * thread; a snapshot to read is taken in whole (in {@link SnapshotBuffer}'s chunks, so that memory
 * follows the bytes that arrive; at most {@link #MAX_SNAPSHOT_BYTES}) before the room reads it.
 * The buffers are wiped after use: they hold the members' resume keys.
 */
final class LoopRoomStateMachine implements RoomStateMachine {
    /** The most bytes a snapshot may have, in either direction. */
    static final int MAX_SNAPSHOT_BYTES = 512 << 20;

    /** Runs a call with the room on the engine's thread, at the given time. */
    interface OnLoop {
        void run(long nowNanos, Consumer<RoomStateMachine> call);
    }

    private final RoomStateMachine room;
    private final OnLoop onLoop;
    private final EventLoop loop;
    private final CommandQueue commands;
    private final long timeoutMillis;
    /** Calls handed to the loop that have not started yet: while any waits, a call on the loop queues behind. */
    private final AtomicInteger handedOver = new AtomicInteger();

    LoopRoomStateMachine(ServerEngine engine, EventLoop loop, CommandQueue commands) {
        this(engine.roomStateMachine(), engine::onBackend, loop, commands, SNAPSHOT_TIMEOUT_MILLIS);
    }

    /**
     * @param room          the room, called on the loop's thread only
     * @param onLoop        how a handed-over call reaches the room on the loop's thread
     * @param timeoutMillis how long the waiting methods wait for the loop
     */
    LoopRoomStateMachine(RoomStateMachine room, OnLoop onLoop, EventLoop loop, CommandQueue commands,
                         long timeoutMillis) {
        this.room = room;
        this.onLoop = onLoop;
        this.loop = loop;
        this.commands = commands;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void apply(RoomCommand command) {
        inOrder(room -> room.apply(command));
    }

    @Override
    public RoomCommand decode(byte[] bytes) {
        return room.decode(bytes); // pure
    }

    @Override
    public RoomCommand nodeLost(String nodeId) {
        return room.nodeLost(nodeId); // pure but for the wall clock
    }

    @Override
    public Set<String> nodesWithMembers() {
        try {
            return waitFor(RoomStateMachine::nodesWithMembers, unused -> { });
        } catch (IOException e) {
            return Set.of(); // the loop has stopped or is wedged: nothing to report as lost from here
        }
    }

    @Override
    public void availabilityChanged(boolean available) {
        inOrder(room -> room.availabilityChanged(available));
    }

    @Override
    public void failed(RoomCommand command) {
        inOrder(room -> room.failed(command));
    }

    @Override
    public void writeSnapshot(DataOutput out) throws IOException {
        SnapshotBuffer snapshot = waitFor(room -> {
            SnapshotBuffer bytes = new SnapshotBuffer();
            try (DataOutputStream data = new DataOutputStream(bytes)) {
                room.writeSnapshot(data);
            } catch (IOException e) {
                bytes.wipe();
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                bytes.wipe();
                throw e;
            }
            return bytes;
        }, SnapshotBuffer::wipe);
        try {
            if (snapshot.size() > MAX_SNAPSHOT_BYTES) {
                throw new IOException("a snapshot of " + snapshot.size() + " bytes, more than " + MAX_SNAPSHOT_BYTES);
            }
            out.writeInt((int) snapshot.size());
            snapshot.copyTo(out);
        } finally {
            snapshot.wipe();
        }
    }

    @Override
    public void readSnapshot(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_SNAPSHOT_BYTES) {
            throw new IOException("a snapshot of " + length + " bytes, at most " + MAX_SNAPSHOT_BYTES);
        }
        SnapshotBuffer snapshot = new SnapshotBuffer();
        boolean handed = false;
        try {
            snapshot.readFrom(in, length);
            handed = true; // from here the call owns the buffer and wipes it, whenever it runs
            waitFor(room -> {
                try {
                    room.readSnapshot(new DataInputStream(snapshot.input()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    snapshot.wipe();
                }
                return null;
            }, unused -> { });
        } finally {
            if (!handed) {
                snapshot.wipe();
            }
        }
    }

    /** Runs {@code call} now if on the loop with nothing handed over waiting, else hands it over behind the rest. */
    private void inOrder(Consumer<RoomStateMachine> call) {
        if (loop.inLoop() && handedOver.get() == 0) {
            call.accept(room);
            return;
        }
        handOver(call);
    }

    /** Queues {@code call} for the loop; {@code false} if the loop has stopped (it will never run). */
    private boolean handOver(Consumer<RoomStateMachine> call) {
        handedOver.incrementAndGet();
        boolean queued = commands.execute(now -> {
            handedOver.decrementAndGet(); // it runs now: what it calls on the loop comes after it anyway
            onLoop.run(now, call);
        });
        if (!queued) {
            handedOver.decrementAndGet();
        }
        return queued;
    }

    /**
     * Runs {@code call} on the I/O thread in order (at once if this is it) and waits for its
     * answer; an answer that comes after the wait was given up goes to {@code unclaimed}.
     *
     * @throws IOException if the loop has stopped, does not answer in time, or the call failed
     */
    private <T> T waitFor(Function<RoomStateMachine, T> call, Consumer<T> unclaimed) throws IOException {
        if (loop.inLoop()) {
            try {
                return call.apply(room);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        boolean queued = handOver(room -> {
            T result;
            try {
                result = call.apply(room);
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
                return;
            }
            if (!answer.complete(result)) {
                unclaimed.accept(result); // the caller gave up waiting
            }
        });
        if (!queued) {
            throw new IOException("the server has stopped");
        }
        try {
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            answer.cancel(false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the server's I/O thread");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UncheckedIOException io ? io.getCause()
                    : new IOException("the room failed", e.getCause());
        } catch (TimeoutException e) {
            if (!answer.cancel(false) && !answer.isCompletedExceptionally()) {
                return answer.join(); // it came as the wait ended
            }
            throw new IOException("the server's I/O thread did not answer within " + timeoutMillis + " ms");
        }
    }

    /**
     * Bytes in chunks of {@link #CHUNK}, written or read, never copied to grow: what holds a
     * snapshot, wiped once used.
     */
    static final class SnapshotBuffer extends OutputStream {
        static final int CHUNK = 64 << 10;
        private final List<byte[]> chunks = new ArrayList<>();
        private int inLast = CHUNK;
        private long size;

        long size() {
            return size;
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                if (inLast == CHUNK) {
                    chunks.add(new byte[CHUNK]);
                    inLast = 0;
                }
                int n = Math.min(length, CHUNK - inLast);
                System.arraycopy(bytes, offset, chunks.get(chunks.size() - 1), inLast, n);
                inLast += n;
                offset += n;
                length -= n;
                size += n;
            }
        }

        /** Reads {@code length} bytes a chunk at a time: a stream that claims more than it has costs what it has. */
        void readFrom(DataInput in, int length) throws IOException {
            for (int left = length; left > 0; ) {
                byte[] chunk = new byte[Math.min(left, CHUNK)];
                chunks.add(chunk);
                in.readFully(chunk);
                size += chunk.length;
                left -= chunk.length;
            }
            inLast = CHUNK; // a later write starts a new chunk
        }

        void copyTo(DataOutput out) throws IOException {
            long left = size;
            for (byte[] chunk : chunks) {
                int n = (int) Math.min(left, chunk.length);
                out.write(chunk, 0, n);
                left -= n;
            }
        }

        InputStream input() {
            List<InputStream> parts = new ArrayList<>();
            long left = size;
            for (byte[] chunk : chunks) {
                int n = (int) Math.min(left, chunk.length);
                parts.add(new ByteArrayInputStream(chunk, 0, n));
                left -= n;
            }
            return new SequenceInputStream(Collections.enumeration(parts));
        }

        void wipe() {
            chunks.forEach(chunk -> Arrays.fill(chunk, (byte) 0));
        }
    }
}
