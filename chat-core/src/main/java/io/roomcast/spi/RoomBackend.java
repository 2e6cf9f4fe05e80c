package io.roomcast.spi;

import java.io.IOException;

/**
 * Orders a room's commands: decides the one order in which every node applies them. The server
 * calls it from its I/O thread; it calls back into the {@link RoomStateMachine} it was started
 * with.
 *
 * <p>The default, used when {@link io.roomcast.ChatServer.Builder#backend} is not called, is in
 * process: it applies each command as it is submitted. A backend serves one server and is
 * started once.
 *
 * <p>Threading: {@link #submit} and {@link #available} are called on the server's I/O thread
 * and must not block; {@link #start} and {@link #close} on the thread that builds or closes the
 * server.
 */
public interface RoomBackend extends AutoCloseable {
    /**
     * This node's id, stable across restarts and unique in its cluster (the in-process backend's is
     * {@code "local"}); every command this node submits carries it.
     *
     * @return the id: 1 to 64 characters, none of them a control character
     */
    String nodeId();

    /**
     * Starts ordering commands for {@code room}; returns once this node has caught up with the
     * room, or, if it cannot reach its cluster in time, once it has said so. The server starts
     * the room unavailable: the backend must call
     * {@link RoomStateMachine#availabilityChanged availabilityChanged(true)} once it can order
     * (before returning, or later), and {@code false} whenever it no longer can; until then joins
     * and messages are refused {@code ROOM_UNAVAILABLE}.
     *
     * @param room the room to apply committed commands to
     * @throws IOException if the backend cannot start (it cannot bind its address, say)
     * @throws IllegalStateException if it was started before
     */
    void start(RoomStateMachine room) throws IOException;

    /**
     * Takes a command for ordering. Every node will apply it once through
     * {@link RoomStateMachine#apply} (the in-process backend does so before returning), or this
     * node's room is told it {@link RoomStateMachine#failed failed}.
     *
     * @param command the command, made by this node's room
     * @return {@code false} if this node cannot order anything now (it is cut off from the
     *         majority of its cluster): the command was not taken
     */
    boolean submit(RoomCommand command);

    /**
     * Whether this node can order commands now.
     *
     * @return whether {@link #submit} would take a command
     */
    boolean available();

    /** Stops ordering: no calls into the room after this returns. Idempotent. */
    @Override
    void close();
}
