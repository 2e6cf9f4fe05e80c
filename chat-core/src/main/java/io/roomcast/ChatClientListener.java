package io.roomcast;

import java.util.List;

/**
 * Receives what happens in the room a {@link ChatClient} has joined. Every method has a default
 * that does nothing, so implement only what you need.
 *
 * <p>Threading: calls never run on the client's I/O thread nor on the thread that called a
 * client method. They run one after another, never overlapping, on the client's dispatcher
 * thread or on the builder's callback executor, in the room's order. A method that throws is
 * logged and delivery goes on. Arguments are never null.
 *
 * <p>A listener that cannot keep up: at most 1,024 calls wait for it. While that many wait, the
 * client holds the room's further events back (at most 1,024 more) and does not tell the server
 * they were delivered, so the server sends no further, as to a member on a slow link; once half
 * the waiting calls have run, delivery goes on where it stopped, in order, with nothing lost. A
 * listener that stays behind until the room's log no longer holds the event it needs next
 * (8,192 events or 32 MiB by default) is removed by the server: {@link #onDisconnected} with
 * {@link LeaveReason#TOO_SLOW} follows the calls already waiting. {@code onDisconnected} always
 * comes, whatever the bound.
 *
 * <p>A listener may call the client's methods, and may wait for a {@link ChatClient#send}
 * future: futures complete on another thread. While it waits, its own further calls wait too;
 * and a listener already more than 2,048 events behind waits for its own message's confirmation
 * until it catches up, so wait with a timeout.
 */
public interface ChatClientListener {
    /**
     * The room's last messages before this client joined, oldest first: called exactly once per
     * join, before any other call for that join. It holds at most the server's
     * {@link ChatServer.Builder#historySize history size} messages (possibly none); this client's
     * own join is not among them, and no message appears both here and in {@link #onMessage}.
     * Announcements, joins and leaves are not history. A client that leaves or is removed before
     * the whole history has arrived gets {@link #onDisconnected} without it.
     *
     * @param messages the messages, oldest first; an unmodifiable list, possibly empty
     */
    default void onHistory(List<ChatMessage> messages) {
    }

    /**
     * A message reached the room; this includes the client's own messages, so the order of
     * these calls is the room's true order, the same for every member.
     *
     * @param message the message as the server stamped it
     */
    default void onMessage(ChatMessage message) {
    }

    /**
     * Another member sent this client a private message. Only the recipient is called (the
     * sender's {@link ChatClient#sendPrivate} future completes instead). Private messages come in
     * the order the server accepted them, but apart from the room's order: one may arrive before
     * or after room messages the server accepted earlier or later.
     *
     * @param message the private message as the server stamped it
     */
    default void onPrivateMessage(PrivateMessage message) {
    }

    /**
     * The host addressed the room ({@link ChatServer#announce}), in room order.
     *
     * @param announcement the announcement
     */
    default void onAnnouncement(Announcement announcement) {
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
     * This client lost the server and is trying to come back as itself (see
     * {@link ChatClient.Builder#reconnect}): not terminal. Messages passed to {@code send} meanwhile
     * are queued; other members see this client leave ({@link LeaveReason#TIMED_OUT}) once the
     * server notices, and join again when it is back. {@link #onReconnected} or
     * {@link #onDisconnected} follows.
     *
     * @param cause why the connection was lost, such as {@link LeaveReason#TIMED_OUT}
     */
    default void onReconnecting(LeaveReason cause) {
    }

    /**
     * This client is back in the room as itself, after {@link #onReconnecting}. With
     * {@code nothingMissed}, it comes after every room event the client missed has been given, in
     * the room's order and exactly once, and before the live events that follow; otherwise the
     * room's log no longer held them all, and it comes right after {@link #onHistory}, which gave
     * the room's recent messages instead: there is a gap. Messages sent before or during the outage
     * are delivered exactly once either way.
     *
     * @param nothingMissed {@code true} if no room event was lost to the outage
     */
    default void onReconnected(boolean nothingMissed) {
    }

    /**
     * This client is no longer in the room: it was closed ({@link LeaveReason#LEFT}), the
     * server closed ({@link LeaveReason#SERVER_CLOSED}), the server fell silent
     * ({@link LeaveReason#TIMED_OUT}: with reconnecting on, only once it could not come back
     * within the reconnect time or the server refused the resume) or removed it. Terminal: no
     * call to this listener follows it, and it is not called while a reconnect is still possible.
     *
     * @param reason why
     */
    default void onDisconnected(LeaveReason reason) {
    }
}
