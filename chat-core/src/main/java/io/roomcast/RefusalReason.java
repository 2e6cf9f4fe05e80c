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
     * The room is unavailable on the server this client is connected to: the server is in a
     * minority partition of its cluster and cannot order anything. The message was not accepted
     * (nobody received it); send it again later, or through another server of the cluster. Only a
     * server of a cluster refuses for this reason.
     */
    ROOM_UNAVAILABLE
}
