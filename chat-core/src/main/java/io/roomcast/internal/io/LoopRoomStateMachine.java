package io.roomcast.internal.io;

import io.roomcast.internal.protocol.ServerEngine;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A server engine's room as its backend sees it: calls made on the server's I/O thread (the
 * in-process backend, or a backend answering within a submit) run at once; calls from a backend's
 * own threads are handed to the I/O thread as loop commands, in the order they were made —
 * {@link #apply} without waiting, the snapshot methods and {@link #nodesWithMembers} waiting for
 * the answer (at most {@link RoomStateMachine#SNAPSHOT_TIMEOUT_MILLIS}). A snapshot is taken as
 * bytes on the I/O thread and copied to the backend's stream on its own thread.
 */
final class LoopRoomStateMachine implements RoomStateMachine {
    private final ServerEngine engine;
    private final EventLoop loop;
    private final CommandQueue commands;

    LoopRoomStateMachine(ServerEngine engine, EventLoop loop, CommandQueue commands) {
        this.engine = engine;
        this.loop = loop;
        this.commands = commands;
    }

    @Override
    public void apply(RoomCommand command) {
        if (loop.inLoop()) {
            engine.roomStateMachine().apply(command);
        } else {
            commands.execute(now -> engine.onBackend(now, room -> room.apply(command)));
        }
    }

    @Override
    public RoomCommand decode(byte[] bytes) {
        return engine.roomStateMachine().decode(bytes); // pure
    }

    @Override
    public RoomCommand nodeLost(String nodeId) {
        return engine.roomStateMachine().nodeLost(nodeId); // pure but for the wall clock
    }

    @Override
    public Set<String> nodesWithMembers() {
        try {
            return onLoop(RoomStateMachine::nodesWithMembers);
        } catch (IOException e) {
            return Set.of(); // the loop has stopped or is wedged: nothing to report as lost from here
        }
    }

    @Override
    public void availabilityChanged(boolean available) {
        if (loop.inLoop()) {
            engine.roomStateMachine().availabilityChanged(available);
        } else {
            commands.execute(now -> engine.onBackend(now, room -> room.availabilityChanged(available)));
        }
    }

    @Override
    public void failed(RoomCommand command) {
        if (loop.inLoop()) {
            engine.roomStateMachine().failed(command);
        } else {
            commands.execute(now -> engine.onBackend(now, room -> room.failed(command)));
        }
    }

    @Override
    public void writeSnapshot(DataOutput out) throws IOException {
        byte[] snapshot = onLoop(room -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(bytes)) {
                room.writeSnapshot(data);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bytes.toByteArray();
        });
        out.writeInt(snapshot.length);
        out.write(snapshot);
    }

    @Override
    public void readSnapshot(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("a snapshot of " + length + " bytes");
        }
        byte[] snapshot = new byte[length];
        in.readFully(snapshot);
        onLoop(room -> {
            try {
                room.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        });
    }

    /** Runs {@code call} on the I/O thread (at once if this is it) and waits for its answer. */
    private <T> T onLoop(Function<RoomStateMachine, T> call) throws IOException {
        if (loop.inLoop()) {
            return call.apply(engine.roomStateMachine());
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        boolean queued = commands.execute(now -> engine.onBackend(now, room -> {
            try {
                answer.complete(call.apply(room));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }));
        if (!queued) {
            throw new IOException("the server has stopped");
        }
        try {
            return answer.get(SNAPSHOT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the server's I/O thread");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof java.io.UncheckedIOException io ? io.getCause()
                    : new IOException("the room failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the server's I/O thread did not answer within " + SNAPSHOT_TIMEOUT_MILLIS + " ms");
        }
    }
}
