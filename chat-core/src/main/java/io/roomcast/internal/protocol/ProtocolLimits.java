package io.roomcast.internal.protocol;

/**
 * Limits both ends of a connection must agree on: the client stays within them when it sends,
 * the server holds no more than they allow for one member.
 */
final class ProtocolLimits {
    private ProtocolLimits() {
    }

    /** Most messages sent and not yet confirmed at once; more wait in order behind them. */
    static final int SEND_WINDOW = 64;
    /** Most ack-eliciting packets the client keeps in flight to the server. */
    static final int CLIENT_PACKET_WINDOW = 128;
    /** How far beyond the last delivered event the client holds events back: the server's event window. */
    static final int MAX_HELD_BACK_EVENTS = ServerConfig.DEFAULT_EVENT_WINDOW;
    /**
     * Most bytes of incomplete fragmented events the client holds, every buffer counted; only the
     * event it must deliver next may take it further, since every later one waits for it.
     */
    static final long MAX_FRAGMENT_BYTES = 4L * 1024 * 1024;

    /**
     * Bytes of messages that may be in flight and unconfirmed at once, beyond the first: what a
     * server holds for one member while messages wait their turn.
     */
    static long unconfirmedBudget(int maxMessageBytes) {
        return Math.max(maxMessageBytes, 64 * 1024) + 64 * 1024L;
    }
}
