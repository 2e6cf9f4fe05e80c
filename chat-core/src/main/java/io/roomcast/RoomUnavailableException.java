package io.roomcast;

/**
 * {@link ChatClient#connect()} failed because the room was unavailable on the servers that answered:
 * each is a server of a cluster cut off from most of it (a minority partition), which cannot order
 * a join. Other servers in the list, if any, did not answer or refused for a reason of their own
 * (the message names each address and what it said). The room itself may be fine elsewhere: try
 * again later, or with other servers of the cluster. Thrown only when no address admitted the
 * client and at least one refused for this reason, and none refused for good (a wrong password, a
 * ban, a name taken: those are thrown instead).
 */
public final class RoomUnavailableException extends ChatException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message for people.
     *
     * @param message what went wrong, naming the servers tried
     */
    public RoomUnavailableException(String message) {
        super(message);
    }
}
