package io.roomcast;

import java.util.Objects;

/**
 * The server refused a message: a {@link ChatClient#send} or {@link ChatClient#sendPrivate} future
 * fails with this. Nothing of the message reached anyone; the client stays in the room.
 */
public final class MessageRefusedException extends ChatException {
    private static final long serialVersionUID = 1L;

    private final RefusalReason reason;
    private final String detail;

    /**
     * An exception for a refused message whose message is also its detail.
     *
     * @param reason  why the server refused it
     * @param message what went wrong, for people
     * @throws NullPointerException if {@code reason} is null
     */
    public MessageRefusedException(RefusalReason reason, String message) {
        this(reason, message, message);
    }

    /**
     * An exception for a refused message.
     *
     * @param reason  why the server refused it
     * @param message what went wrong, for people, with what was refused
     * @param detail  the server's own explanation, such as {@code you are muted for another 4 min 50 s}
     * @throws NullPointerException if {@code reason} or {@code detail} is null
     */
    public MessageRefusedException(RefusalReason reason, String message, String detail) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /**
     * Why the server refused the message.
     *
     * @return the reason, never {@code null}
     */
    public RefusalReason reason() {
        return reason;
    }

    /**
     * The server's explanation, without what the library adds around it: for showing to people
     * (it comes from the server, so escape it before printing it on a terminal).
     *
     * @return the detail, never {@code null}
     */
    public String detail() {
        return detail;
    }
}
