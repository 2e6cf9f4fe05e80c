package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SrpGroup;
import java.net.InetSocketAddress;

/**
 * What a {@link ClientEngine} needs to know, all validated by the public builder.
 *
 * @param server             the server's address
 * @param username           the username, NFC-normalised and valid
 * @param password           the room password
 * @param group              the SRP group
 * @param connectTimeoutNanos how long to try to join before giving up
 * @param idleTimeoutNanos   the client's idle timeout; the connection uses the smaller of both sides'
 */
public record ClientConfig(InetSocketAddress server, String username, String password, SrpGroup group,
                           long connectTimeoutNanos, long idleTimeoutNanos) {
    /** Most messages sent and not yet confirmed at once; more wait in order behind them. */
    public static final int SEND_WINDOW = 64;
    /** Most ack-eliciting packets in flight to the server. */
    public static final int PACKET_WINDOW = 128;
    /** How far beyond the last delivered event the client holds events back; the server's event window. */
    public static final int MAX_HELD_BACK_EVENTS = ServerConfig.DEFAULT_EVENT_WINDOW;
    /** Most bytes of incomplete fragmented events the client holds. */
    public static final long MAX_FRAGMENT_BYTES = 4L * 1024 * 1024;

    /**
     * Bytes of messages that may be in flight and unconfirmed at once, beyond the first: what a
     * server holds for one member while messages wait their turn.
     */
    public static long unconfirmedBudget(int maxMessageBytes) {
        return Math.max(maxMessageBytes, 64 * 1024) + 64 * 1024L;
    }
}
