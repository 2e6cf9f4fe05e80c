package io.roomcast;

/** Why a member left the room, or why a client was disconnected from it. */
public enum LeaveReason {
    /** The member closed its client: a clean, deliberate leave. */
    LEFT,
    /**
     * Nothing was heard from the other side for the idle timeout (a crash, a lost network), or
     * what it had started to send stalled for twice the idle timeout. On a server with a resume
     * window ({@link ChatServer.Builder#resumeWindow}), a member cut off from it (what the server
     * sends goes unanswered) leaves this way also when the room's log leaves it behind before its
     * idle timeout, and a cut-off member's session is held for it to come back as itself. A member
     * still answering whose message stalled is told this reason, and nothing is held for it.
     */
    TIMED_OUT,
    /** The server's host removed the member ({@link ChatServer#kick}); it may join again. */
    KICKED,
    /**
     * The member fell too far behind the room while still answering (an application or a link
     * that does not keep up), or held more than the server's caps allow, and was removed to bound
     * the server's memory. Nothing is held for it: its name is free at once. (Without a resume
     * window, a member cut off from the server that the room's log leaves behind leaves this way
     * too.)
     */
    TOO_SLOW,
    /** The server closed the room. */
    SERVER_CLOSED,
    /**
     * The server's host banned the member ({@link ChatServer#ban}): it was removed, and its name
     * and address are refused until the ban lapses or is lifted.
     */
    BANNED
}
