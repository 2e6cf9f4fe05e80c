package io.roomcast.spi;

/**
 * One command to the room (a join, a message, a leave, a moderation step, a lost node), as the
 * server on one node made it: stamped with that node's id and time, so that applying it gives
 * the same result on every node.
 *
 * <p>Immutable and safe to share between threads. A backend that replicates commands sends
 * {@link #toBytes()} and turns the bytes back into a command with
 * {@link RoomStateMachine#decode(byte[])}; the in-process backend passes the object itself.
 */
public interface RoomCommand {
    /**
     * The command's encoding, for a backend that replicates it. Each call returns a new array.
     *
     * @return the bytes: a little more than the text of the message it carries, if any (at most
     *         {@code ChatServer.LARGEST_MAX_MESSAGE_BYTES}, 1 MiB, of UTF-8)
     */
    byte[] toBytes();
}
