/**
 * One Roomcast room across several servers: {@link io.roomcast.cluster.RaftRoomBackend}, a
 * {@link io.roomcast.spi.RoomBackend} that orders the room's commands through Raft
 * (jgroups-raft on JGroups). Give each node's {@code ChatServer} its own backend:
 * {@code ChatServer.builder()...backend(RaftRoomBackend.builder()...build())}.
 *
 * <p>The cluster is consistent and available on a majority: a command is applied only once a
 * majority of the nodes has it, every node applies the same commands in the same order, and a
 * node cut off from the majority refuses commands until it rejoins.
 */
package io.roomcast.cluster;
