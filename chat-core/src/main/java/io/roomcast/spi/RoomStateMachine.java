package io.roomcast.spi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Set;

/**
 * The room of one {@link io.roomcast.ChatServer}, as a deterministic state machine that a
 * {@link RoomBackend} feeds with ordered commands. The server gives it to its backend at
 * {@link RoomBackend#start}.
 *
 * <p>Threading: every method may be called from any thread; {@link #apply} and the snapshot
 * methods must be called by one thread at a time (a backend's delivery thread), in the order the
 * backend decided. The state machine runs the work on the server's I/O thread, in the order the
 * calls were made: a call made on that thread (the in-process backend) runs at once unless calls
 * handed over earlier still wait, in which case it waits behind them; a call from another thread
 * is handed over, and {@link #apply} returns without waiting, while the snapshot methods wait for
 * it (bounded by {@link #SNAPSHOT_TIMEOUT_MILLIS}).
 *
 * <p>Arguments: {@code null} throws {@link NullPointerException}.
 */
public interface RoomStateMachine {
    /** How long the snapshot methods wait for the server's I/O thread: 10 seconds. */
    long SNAPSHOT_TIMEOUT_MILLIS = 10_000;

    /**
     * Applies one committed command. Every node applies the same commands, each once, in the same
     * order; the room's events (and their sequence numbers) follow from them alone.
     *
     * @param command a command from {@link RoomBackend#submit} on any node, or from
     *                {@link #decode} or {@link #nodeLost}
     */
    void apply(RoomCommand command);

    /**
     * The command that {@link RoomCommand#toBytes()} encoded.
     *
     * @param bytes a command's bytes
     * @return the command
     * @throws IllegalArgumentException if the bytes are not a command of this version
     */
    RoomCommand decode(byte[] bytes);

    /**
     * The command that removes every member served by {@code nodeId} (they leave
     * {@code TIMED_OUT}, in the order they joined). A backend submits it when that node has left
     * the cluster; applying it twice is harmless.
     *
     * @param nodeId the lost node's {@link RoomBackend#nodeId()}
     * @return the command
     */
    RoomCommand nodeLost(String nodeId);

    /**
     * The nodes that serve members now, by {@link RoomBackend#nodeId()}: what a backend checks
     * against the nodes it can see, to find lost ones. A copy.
     *
     * @return the node ids
     */
    Set<String> nodesWithMembers();

    /**
     * Tells the room whether its backend can order commands now. While it cannot, the server
     * refuses joins and messages ({@code ROOM_UNAVAILABLE}) rather than queue them.
     *
     * @param available whether commands can be ordered
     */
    void availabilityChanged(boolean available);

    /**
     * A command this node submitted will never be applied (its backend lost the majority before
     * ordering it): the server refuses it to whoever sent it ({@code ROOM_UNAVAILABLE}).
     *
     * @param command the command {@link RoomBackend#submit} took
     */
    void failed(RoomCommand command);

    /**
     * Writes the room's whole replicated state (members and the node serving each, usernames
     * held for resumption, history, sanctions, the next sequence number).
     *
     * @param out where to write
     * @throws IOException if {@code out} fails, or the I/O thread did not answer in time
     */
    void writeSnapshot(DataOutput out) throws IOException;

    /**
     * Replaces the room's replicated state with one {@link #writeSnapshot} wrote (a node catching
     * up). Members of this node that the snapshot does not know are told the room moved on.
     *
     * @param in where to read
     * @throws IOException if {@code in} fails or holds no snapshot of this version
     */
    void readSnapshot(DataInput in) throws IOException;
}
