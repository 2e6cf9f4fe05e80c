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
                           long connectTimeoutNanos, long idleTimeoutNanos, long reconnectNanos) {
    /** A client that never reconnects: an outage ends it, as before issue #12. */
    public ClientConfig(InetSocketAddress server, String username, String password, SrpGroup group,
                        long connectTimeoutNanos, long idleTimeoutNanos) {
        this(server, username, password, group, connectTimeoutNanos, idleTimeoutNanos, 0);
    }

    /** The same client, trying to resume its session for up to {@code nanos} after an outage (0: never). */
    public ClientConfig withReconnect(long nanos) {
        return new ClientConfig(server, username, password, group, connectTimeoutNanos, idleTimeoutNanos, nanos);
    }

    /** The same client with another connect timeout (one reconnect attempt's). */
    ClientConfig withConnectTimeout(long nanos) {
        return new ClientConfig(server, username, password, group, nanos, idleTimeoutNanos, reconnectNanos);
    }

    /** Everything but the password, which must not reach a log or an exception message. */
    @Override
    public String toString() {
        return "ClientConfig[server=" + server + ", username=" + username + ", password=(hidden), group="
                + group + ", connectTimeoutNanos=" + connectTimeoutNanos + ", idleTimeoutNanos="
                + idleTimeoutNanos + ", reconnectNanos=" + reconnectNanos + "]";
    }
}
