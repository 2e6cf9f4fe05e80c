package io.roomcast;

/** Why a member left the room, or why a client was disconnected from it. */
public enum LeaveReason {
    /** The member closed its client: a clean, deliberate leave. */
    LEFT,
    /**
     * Nothing was heard from the other side for the idle timeout (a crash, a lost network), or
     * what it had started to send stalled for twice the idle timeout.
     */
    TIMED_OUT,
    /** The server's host removed the member ({@link ChatServer#kick}); it may join again. */
    KICKED,
    /** The member fell too far behind the room and was removed to bound the server's memory. */
    TOO_SLOW,
    /** The server closed the room. */
    SERVER_CLOSED,
    /**
     * The server's host banned the member ({@link ChatServer#ban}): it was removed, and its name
     * and address are refused until the ban lapses or is lifted.
     */
    BANNED
}
