package io.roomcast;

/** Why the server refused a message ({@link MessageRefusedException#reason()}). */
public enum RefusalReason {
    /**
     * The server cannot take the message now: the sender sent faster than the room's rate limit
     * allows, or a private message's recipient (or the room) holds too many undelivered, or the room
     * holds too many incomplete large messages. It may be sent again shortly; the detail says which.
     */
    RATE_LIMITED,
    /** The message is larger than the room's maximum message size. */
    TOO_LARGE,
    /** The host muted the sender ({@link ChatServer#mute}); the detail says for how long. */
    MUTED,
    /** A private message named a recipient that is not in the room. */
    NO_SUCH_MEMBER,
    /**
     * The server is cut off from the majority of its cluster and cannot order anything: the message
     * was not accepted. Send it again later, or through another server of the cluster.
     */
    ROOM_UNAVAILABLE
}
