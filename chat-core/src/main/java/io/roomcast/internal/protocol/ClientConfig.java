package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SrpGroup;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a {@link ClientEngine} needs to know, all validated by the public builder.
 *
 * @param server              the address a handshake made with this configuration talks to: the first of
 *                            {@code servers}, or one attempt's ({@link #at})
 * @param username            the username, NFC-normalised and valid
 * @param password            the room password
 * @param group               the SRP group
 * @param connectTimeoutNanos how long to try to join before giving up (all addresses together)
 * @param idleTimeoutNanos    the client's idle timeout; the connection uses the smaller of both sides'
 * @param reconnectNanos      how long to try to resume after an outage (0: never)
 * @param servers             every address the room may be reached through, in the order to try them
 *                            (at least one, no duplicates); {@code server} is the first
 */
public record ClientConfig(InetSocketAddress server, String username, String password, SrpGroup group,
                           long connectTimeoutNanos, long idleTimeoutNanos, long reconnectNanos,
                           List<InetSocketAddress> servers) {
    /** A copy of {@code servers}; {@code server} must be one of them. */
    public ClientConfig {
        servers = List.copyOf(servers);
        if (servers.isEmpty() || !servers.contains(server)) {
            throw new IllegalArgumentException("server " + server + " is not among " + servers);
        }
    }

    /** A client of one server. */
    public ClientConfig(InetSocketAddress server, String username, String password, SrpGroup group,
                        long connectTimeoutNanos, long idleTimeoutNanos, long reconnectNanos) {
        this(server, username, password, group, connectTimeoutNanos, idleTimeoutNanos, reconnectNanos,
                List.of(server));
    }

    /** A client of one server that never reconnects: an outage ends it, as before issue #12. */
    public ClientConfig(InetSocketAddress server, String username, String password, SrpGroup group,
                        long connectTimeoutNanos, long idleTimeoutNanos) {
        this(server, username, password, group, connectTimeoutNanos, idleTimeoutNanos, 0);
    }

    /** The same client, trying to resume its session for up to {@code nanos} after an outage (0: never). */
    public ClientConfig withReconnect(long nanos) {
        return new ClientConfig(server, username, password, group, connectTimeoutNanos, idleTimeoutNanos, nanos,
                servers);
    }

    /** The same client, reaching the room through {@code addresses} in turn, the first of them first. */
    public ClientConfig withServers(List<InetSocketAddress> addresses) {
        return new ClientConfig(addresses.get(0), username, password, group, connectTimeoutNanos, idleTimeoutNanos,
                reconnectNanos, addresses);
    }

    /** The same client with another connect timeout (one reconnect attempt's). */
    ClientConfig withConnectTimeout(long nanos) {
        return at(server, nanos);
    }

    /** One handshake's configuration: to {@code address} (one of {@link #servers}), for at most {@code nanos}. */
    ClientConfig at(InetSocketAddress address, long nanos) {
        return new ClientConfig(address, username, password, group, nanos, idleTimeoutNanos, reconnectNanos, servers);
    }

    /** Everything but the password, which must not reach a log or an exception message. */
    @Override
    public String toString() {
        return "ClientConfig[server=" + server + ", username=" + username + ", password=(hidden), group="
                + group + ", connectTimeoutNanos=" + connectTimeoutNanos + ", idleTimeoutNanos="
                + idleTimeoutNanos + ", reconnectNanos=" + reconnectNanos + ", servers=" + servers + "]";
    }
}
