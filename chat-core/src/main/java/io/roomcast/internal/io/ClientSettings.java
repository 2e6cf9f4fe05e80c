package io.roomcast.internal.io;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What a {@link ClientRuntime} is built from, every value validated by the public builder.
 * Immutable.
 *
 * @param servers          the servers' addresses, in the order to try them: at least one, none twice
 * @param username         the username, NFC-normalised and valid ({@link TextRules})
 * @param password         the room password, possibly empty
 * @param connectTimeout   how long to try to join before giving up
 * @param idleTimeout      how long the server may stay silent
 * @param reconnect        how long the client tries to resume its session after an outage (zero: never)
 * @param callbackExecutor the executor for listener calls (never send futures), or {@code null} for the
 *                         client's threads (shared or its own)
 * @param dedicatedThreads whether the client has an I/O thread and callback threads of its own rather than
 *                         sharing the process's ({@link SharedClientThreads})
 */
public record ClientSettings(List<InetSocketAddress> servers, String username, String password, Duration connectTimeout,
                             Duration idleTimeout, Executor callbackExecutor, Duration reconnect,
                             boolean dedicatedThreads) {
    /** A copy of the list. */
    public ClientSettings {
        servers = List.copyOf(servers);
    }

    /** Everything but the password. */
    @Override
    public String toString() {
        return "ClientSettings[servers=" + servers + ", username=" + username + ", connectTimeout=" + connectTimeout
                + ", idleTimeout=" + idleTimeout + ", callbackExecutor=" + callbackExecutor + ", reconnect=" + reconnect
                + ", dedicatedThreads=" + dedicatedThreads + "]";
    }
}
