package io.roomcast.gateway.irc;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * An {@link IrcGateway}'s configuration, as its builder validated it, shared read-only by every
 * connection.
 *
 * @param room                the Roomcast server each connection joins
 * @param network             NETWORK= in 005
 * @param serverName          the server name in replies' prefixes
 * @param registrationTimeout how long a connection may take to register
 * @param pingInterval        silence before the gateway PINGs, and again before it drops the client
 * @param maxQueuedBytes      the outbox bound per connection
 * @param connectTimeout      each ChatClient's connect timeout
 * @param created             when the gateway was built (003, 333, 329)
 * @param joinSlots           permits for ChatClient joins in progress at once, {@link #CONCURRENT_JOINS}
 */
record GatewaySettings(InetSocketAddress room, String network, String serverName, Duration registrationTimeout,
                       Duration pingInterval, long maxQueuedBytes, Duration connectTimeout, Instant created,
                       Semaphore joinSlots) {
    /**
     * Joins in progress at once. Every ChatClient of the gateway joins from its one address, and a
     * Roomcast server answers "busy" past 16 handshakes in progress from one address; a burst of
     * registrations waits here instead, in order, rather than in the clients' growing retry pauses.
     */
    static final int CONCURRENT_JOINS = 8;
    /** The version in 002 and 004. */
    static final String VERSION = "roomcast-irc-gateway-0.1";
    /** The host part of every member's hostmask: members have no IRC host. */
    static final String HOST = "roomcast";

    /** {@code nick!nick@roomcast}, the prefix of what a member does. */
    static String mask(String nick) {
        return nick + "!" + nick + "@" + HOST;
    }
}
