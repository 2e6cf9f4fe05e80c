package io.roomcast.internal.io;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What a {@link ServerRuntime} is built from, every value validated by the public builder.
 * Immutable.
 *
 * @param bindAddress       the address to bind; port 0 picks a free port
 * @param roomName          the room name, which is also the SRP identity
 * @param password          the room password, possibly empty
 * @param idleTimeout       how long a member may stay silent
 * @param maxMessageBytes   the most UTF-8 bytes of text in one message
 * @param maxMembers        the most members
 * @param messagesPerSecond the rate each member's token bucket refills at
 * @param messageBurst      how many messages a member may send at once
 * @param historySize       how many of the last messages a newcomer receives
 * @param resumeWindow      how long a timed-out member's session and name are held for it (zero: none)
 * @param callbackExecutor  the executor for listener calls, or {@code null} for a dispatcher thread of the server's own
 * @param backend           orders the room's commands, or {@code null} for the room of this server alone
 */
public record ServerSettings(InetSocketAddress bindAddress, String roomName, String password, Duration idleTimeout,
                             int maxMessageBytes, int maxMembers, double messagesPerSecond, int messageBurst,
                             int historySize, Executor callbackExecutor, Duration resumeWindow,
                             io.roomcast.spi.RoomBackend backend) {
    /** Everything but the password. */
    @Override
    public String toString() {
        return "ServerSettings[bindAddress=" + bindAddress + ", roomName=" + roomName + ", idleTimeout=" + idleTimeout
                + ", maxMessageBytes=" + maxMessageBytes + ", maxMembers=" + maxMembers + ", messagesPerSecond="
                + messagesPerSecond + ", messageBurst=" + messageBurst + ", historySize=" + historySize + ", callbackExecutor=" + callbackExecutor
                + ", resumeWindow=" + resumeWindow + ", backend=" + backend + "]";
    }
}
