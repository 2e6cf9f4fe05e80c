package io.roomcast;

/** Why the server refused a message ({@link MessageRefusedException#reason()}). */
public enum RefusalReason {
    /** The sender sent faster than the room's rate limit allows; it may send again shortly. */
    RATE_LIMITED,
    /** The message is larger than the room's maximum message size. */
    TOO_LARGE,
    /** The host muted the sender ({@link ChatServer#mute}); the detail says for how long. */
    MUTED,
    /** A private message named a recipient that is not in the room. */
    NO_SUCH_MEMBER
}
