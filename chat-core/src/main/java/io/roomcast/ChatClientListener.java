package io.roomcast;

import java.util.List;

/**
 * Receives what happens in the room a {@link ChatClient} has joined. Every method has a default
 * that does nothing, so implement only what you need.
 *
 * <p>Threading: calls never run on the client's I/O thread nor on the thread that called a
 * client method. They run one after another, never overlapping, in the room's order, on the
 * callback threads the clients of a process share, on threads of the client's own
 * ({@link ChatClient.Builder#dedicatedThreads}) or on the builder's callback executor. A method that throws is
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
 *
 * <p>Across an outage (see {@link ChatClient.Builder#reconnect}): {@link #onReconnecting}, then
 * either every room event the listener missed — exactly once each, in room order, from the one after
 * the last it was given — followed by {@code onReconnected(true)} and the live events, or (the
 * room's log no longer held them all) {@link #onHistory} followed by {@code onReconnected(false)};
 * or, if the client cannot come back, {@link #onDisconnected}. The client's own leave and join, which
 * the room logged for the outage, are not reported to it.
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
     * <p>It is called once more for a resume with a gap, right before {@code onReconnected(false)}:
     * then it holds the room's last messages before the resume, and may repeat messages the
     * listener had before the outage (tell them apart by {@link ChatMessage#sequence()}).
     *
     * @param messages the messages, oldest first; an unmodifiable list, possibly empty
     */
    default void onHistory(List<ChatMessage> messages) {
    }

    /**
     * A message reached the room; this includes the client's own messages, so the order of
     * these calls is the room's true order, the same for every member. After an outage the
     * messages missed come here, each once, in that order, before {@code onReconnected(true)}.
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
     * Another member joined the room after this client. A member that lost its connection and
     * resumed its session (see {@link ChatServer.Builder#resumeWindow}) is reported as it happened in
     * the room: {@link #onMemberLeft onMemberLeft(name, TIMED_OUT)} when the server gave it up (at
     * its idle timeout, or earlier if the room's log left it behind while it was cut off; at its
     * resume, if it came back before the server noticed), then this when it is back. Members who joined or left during a gap
     * (see {@link #onReconnected}) are not reported.
     *
     * @param username the new member's username
     */
    default void onMemberJoined(String username) {
    }

    /**
     * Another member left the room. For a member cut off from the server this is
     * {@link LeaveReason#TIMED_OUT}, and, if it resumes its session, an {@link #onMemberJoined} for
     * it follows (see there). A member that is still connected but does not keep up leaves
     * {@link LeaveReason#TOO_SLOW} and does not come back by itself.
     *
     * @param username the member's username
     * @param reason   why it left
     */
    default void onMemberLeft(String username, LeaveReason reason) {
    }

    /**
     * This client lost the server and is trying to come back as itself (see
     * {@link ChatClient.Builder#reconnect}): not terminal. Meanwhile no new room event arrives (only
     * events that had arrived and waited for this listener), and messages passed to {@code send} or {@code sendPrivate} are queued (at most 64
     * unconfirmed in all; past that a send's future fails at once with a {@link ChatException}).
     * Other members see this client leave ({@link LeaveReason#TIMED_OUT}) once the server notices,
     * and join again when it is back. {@link #onReconnected} or {@link #onDisconnected} follows; if
     * the connection is lost again before {@code onReconnected} (while the missed events are being
     * replayed), this is called again and {@code onReconnected} comes once, after all of them.
     *
     * @param cause why the connection was lost: {@link LeaveReason#TIMED_OUT}
     */
    default void onReconnecting(LeaveReason cause) {
    }

    /**
     * This client is back in the room as itself, after {@link #onReconnecting}.
     *
     * <p>With {@code nothingMissed}: every room event the listener missed — messages, joins,
     * leaves, announcements, from the one after the last it was given — has been given before
     * this call, each exactly once, in the room's order, and the live events follow it.
     *
     * <p>Otherwise the room's log no longer held all of them: this comes right after
     * {@link #onHistory}, which gave the room's recent messages instead, and there is a gap. The
     * events in it are not delivered; joins and leaves in it are not reported, and
     * {@link ChatClient#members()} is the room's list again.
     *
     * <p>Either way, each message passed to {@code send} or {@code sendPrivate} before or during the
     * outage reaches the room exactly once: the ones the room had accepted are not sent again and
     * their futures complete normally, once; a refusal the old connection lost arrives now and fails
     * its future; the rest are sent again after the resume. Private messages to this client that
     * the server had accepted but not delivered when the connection was lost are lost (their
     * senders' futures completed normally): the private stream starts afresh. Once the server has
     * noticed the outage, private messages to this client are refused
     * ({@link RefusalReason#NO_SUCH_MEMBER}) until it is back.
     *
     * <p>One exception, for a client given several servers ({@link ChatClient.Builder#servers}): if
     * another server than the one it lost took it back without knowing its session (a server of
     * another room, or of a cluster that had let the session go), the client is in that server's
     * room as a new member. This comes
     * with {@code false}, right after that room's {@link #onHistory}; the members are that room's,
     * and every message not confirmed before it failed with a {@link ChatException} (whether the
     * room had it is unknown) instead of being sent again.
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
     * call to this listener follows it, and it is not called while a reconnect is still possible
     * ({@link ChatClient#close()} while reconnecting ends it at once, with {@code LEFT}).
     *
     * @param reason why
     */
    default void onDisconnected(LeaveReason reason) {
    }
}
