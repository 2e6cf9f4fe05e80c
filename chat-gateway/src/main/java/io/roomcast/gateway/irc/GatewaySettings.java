package io.roomcast.gateway.irc;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

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
 */
record GatewaySettings(InetSocketAddress room, String network, String serverName, Duration registrationTimeout,
                       Duration pingInterval, long maxQueuedBytes, Duration connectTimeout, Instant created) {
    /** The version in 002 and 004. */
    static final String VERSION = "roomcast-irc-gateway-0.1";
    /** The host part of every member's hostmask: members have no IRC host. */
    static final String HOST = "roomcast";

    /** {@code nick!nick@roomcast}, the prefix of what a member does. */
    static String mask(String nick) {
        return nick + "!" + nick + "@" + HOST;
    }
}
