/**
 * The room backend SPI: how a {@link io.roomcast.ChatServer}'s room is ordered.
 *
 * <p>The room is a deterministic state machine ({@link io.roomcast.spi.RoomStateMachine}):
 * commands go in (a member joins, says something, leaves; the host moderates; a node is lost),
 * and applying the same commands in the same order from the same state gives the same room
 * events, with the same sequence numbers, on every node. A {@link io.roomcast.spi.RoomBackend}
 * decides that order: the default one, in process, applies each command as it is submitted
 * (one server, today's behaviour and speed); {@code io.roomcast.cluster.RaftRoomBackend} in
 * {@code chat-cluster} replicates the commands through Raft so that several servers serve one
 * room.
 *
 * <p>Commands are opaque to a backend: it orders {@link io.roomcast.spi.RoomCommand#toBytes()
 * their bytes} and hands them back through {@link io.roomcast.spi.RoomStateMachine#decode}.
 * Nothing in this package is meant to be called by an application; it is for backend
 * implementations.
 */
package io.roomcast.spi;
