package io.roomcast.internal.protocol;

/**
 * What the server may still send to an address that has not proved it receives there: never more
 * than {@link #FACTOR} times the bytes that came from it (QUIC's anti-amplification limit, RFC 9000
 * §8), so that a datagram with a spoofed source cannot make the server flood its victim with more
 * than the spoofer sent. One budget covers one exchange: a path being validated, a handshake and
 * then its repeated answers (CHALLENGE, WELCOME, REJECT).
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class AmplificationBudget {
    /** An unvalidated address is never sent more than this many times the bytes it sent. */
    static final int FACTOR = 3;

    private long received;
    private long sent;

    /** {@code bytes} more came from the address. */
    void received(int bytes) {
        received += bytes;
    }

    /**
     * Counts {@code bytes} as sent if they stay within the limit.
     *
     * @return {@code false} if sending them would pass {@link #FACTOR} times what was received:
     *         they must not go (more bytes from the address will allow them)
     */
    boolean trySend(int bytes) {
        if (sent + bytes > FACTOR * received) {
            return false;
        }
        sent += bytes;
        return true;
    }

    /**
     * Counts {@code bytes} as sent whatever the limit: for an answer that goes regardless, such as
     * the first WELCOME to an address that proved it received the CHALLENGE, so that repeating it
     * stays within the limit.
     */
    void sentAnyway(int bytes) {
        sent += bytes;
    }
}
