package io.roomcast;

/**
 * Receives what happens in the room a {@link ChatClient} has joined. Every method has a default
 * that does nothing, so implement only what you need.
 *
 * <p>Threading: calls never run on the client's I/O thread nor on the thread that called a
 * client method. They run one after another, never overlapping, on the client's dispatcher
 * thread or on the builder's callback executor, in the room's order. A method that throws is
 * logged and delivery goes on. Arguments are never null.
 *
 * <p>A listener may call the client's methods, and may wait for a {@link ChatClient#send}
 * future: futures complete on another thread. While it waits, its own further calls wait too.
 */
public interface ChatClientListener {
    /**
     * A message reached the room; this includes the client's own messages, so the order of
     * these calls is the room's true order, the same for every member.
     *
     * @param message the message as the server stamped it
     */
    default void onMessage(ChatMessage message) {
    }

    /**
     * Another member joined the room after this client.
     *
     * @param username the new member's username
     */
    default void onMemberJoined(String username) {
    }

    /**
     * Another member left the room.
     *
     * @param username the member's username
     * @param reason   why it left
     */
    default void onMemberLeft(String username, LeaveReason reason) {
    }

    /**
     * This client is no longer in the room: it was closed ({@link LeaveReason#LEFT}), the
     * server closed ({@link LeaveReason#SERVER_CLOSED}), the server fell silent
     * ({@link LeaveReason#TIMED_OUT}) or removed it. Terminal: no call to this listener
     * follows it.
     *
     * @param reason why
     */
    default void onDisconnected(LeaveReason reason) {
    }
}
