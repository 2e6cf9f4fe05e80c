package io.roomcast;

/**
 * Receives what happens in a room hosted by a {@link ChatServer}. Every method has a default
 * that does nothing, so implement only what you need.
 *
 * <p>Threading: calls never run on the server's I/O thread. They run one after another, never
 * overlapping, on the server's dispatcher thread or on the builder's callback executor, in the
 * room's order. A method that throws is logged and the room goes on. Arguments are never null.
 *
 * <p>A listener that cannot keep up never holds up the room: at most 1,024 calls wait for it,
 * and while that many wait, further {@link #onMessage} and {@link #onMemberJoined} calls are
 * dropped, counted and logged at WARN (at most every 10 seconds). A member's
 * {@link #onMemberLeft} is always made when its {@code onMemberJoined} was, whatever the bound,
 * and never when that was dropped, so the joins and leaves a listener sees always pair up.
 * {@link ChatServer#members()} is always current.
 */
public interface ChatServerListener {
    /**
     * A member proved the password and joined. A member that lost its connection and resumed its
     * session ({@link ChatServer.Builder#resumeWindow}) joins again: {@link #onMemberLeft
     * onMemberLeft(member, TIMED_OUT)} came when the server gave it up (at its idle timeout, or
     * earlier if the room's log left it behind while it was cut off; at the resume, if it came back
     * before the server noticed), then this, with the address it came back from — in room order, as every member
     * sees it.
     *
     * @param member the new member
     */
    default void onMemberJoined(Member member) {
    }

    /**
     * A member's message was accepted and is being delivered to every member.
     *
     * @param message the message as the server stamped it
     */
    default void onMessage(ChatMessage message) {
    }

    /**
     * A member sent another member a private message and the server accepted it. The host sees
     * every private message in its room: members' privacy is from each other, not from the server
     * (see SECURITY.md).
     *
     * @param message the private message as the server stamped it
     */
    default void onPrivateMessage(PrivateMessage message) {
    }

    /**
     * A member left or was removed. When the server closes, this is called for every member with
     * {@link LeaveReason#SERVER_CLOSED}. A member that fell silent leaves {@link LeaveReason#TIMED_OUT}
     * (also when, cut off, the room's log left it behind first; without a resume window that is
     * {@link LeaveReason#TOO_SLOW}); with a resume window its name stays reserved for it, and if it
     * comes back, {@link #onMemberJoined} follows. A member still connected that does not keep up
     * leaves {@code TOO_SLOW}, and nothing is held for it.
     *
     * @param member the member that left
     * @param reason why
     */
    default void onMemberLeft(Member member, LeaveReason reason) {
    }
}
