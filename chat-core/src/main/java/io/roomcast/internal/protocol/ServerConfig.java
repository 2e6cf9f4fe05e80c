package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;

/**
 * What a {@link ServerEngine} needs to know, all validated by the public builder.
 *
 * @param roomName          the room name, which is also the SRP identity
 * @param group             the SRP group
 * @param verifier          the password verifier
 * @param idleTimeoutNanos  the server's idle timeout; the effective timeout per member is the
 *                          smaller of this and the client's
 * @param maxMessageBytes   the most UTF-8 bytes of text in one message
 * @param maxMembers        the most members
 * @param logCapacity       how many events the room log keeps at most
 * @param logBytes          how many bytes of encoded events the room log keeps at most
 * @param packetWindow      how many ack-eliciting packets may be in flight to one member
 * @param eventWindow       how far beyond the last event a member reported delivered the server sends
 * @param messagesPerSecond the rate each member's token bucket refills at
 * @param messageBurst      how many messages a member may send at once
 * @param retryThreshold    with this many handshakes in progress, a HELLO must first echo a RETRY token
 * @param reassemblyBytes   the most bytes every member's incomplete messages hold together, every
 *                          buffer counted; past it a message that needs more is refused
 * @param historySize       how many of the room's last messages a newcomer receives (0: none)
 * @param resumeWindowNanos how long a timed-out member's session and name are held for it to resume (0: no resumption)
 */
public record ServerConfig(String roomName, SrpGroup group, SrpVerifier verifier, long idleTimeoutNanos,
                           int maxMessageBytes, int maxMembers, int logCapacity, long logBytes, int packetWindow,
                           int eventWindow, double messagesPerSecond, int messageBurst, int retryThreshold,
                           long reassemblyBytes, int historySize, long resumeWindowNanos) {
    /** Default room log capacity, in events. */
    public static final int DEFAULT_LOG_CAPACITY = 8192;
    /** Default room log capacity, in bytes. */
    public static final long DEFAULT_LOG_BYTES = 32L * 1024 * 1024;
    /** Default per-member window of packets in flight. */
    public static final int DEFAULT_PACKET_WINDOW = 128;
    /** Default per-member window of events beyond the last one delivered. */
    public static final int DEFAULT_EVENT_WINDOW = 1024;
    /** Handshakes in progress above which HELLOs must echo a RETRY token first. */
    public static final int DEFAULT_RETRY_THRESHOLD = 64;
    /**
     * Default room-wide budget for incomplete messages: 64 MiB, enough for 57 members each holding
     * all a member may (1.11 MiB at the 1 MiB message limit), or 382 at the default 16 KiB limit
     * (171 KiB each), while however many members misbehave together the room holds no more.
     */
    public static final long DEFAULT_REASSEMBLY_BYTES = 64L * 1024 * 1024;
    /** Failed password proofs per source IP within {@link #FAILED_PROOF_WINDOW_NANOS} before it is refused. */
    public static final int MAX_FAILED_PROOFS = 5;
    /** The window for {@link #MAX_FAILED_PROOFS}, and the first penalty. */
    public static final long FAILED_PROOF_WINDOW_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    /**
     * A configuration with the default log sizes and windows, and no rate limit: the rate limit's
     * defaults belong to the public builder ({@code ChatServer.DEFAULT_MESSAGES_PER_SECOND} and
     * {@code DEFAULT_MESSAGE_BURST}), which always sets one with {@link #withRateLimit}. No history
     * either: the builder's default ({@code ChatServer.DEFAULT_HISTORY_SIZE}) is set with
     * {@link #withHistorySize}.
     */
    public static ServerConfig of(String roomName, SrpGroup group, SrpVerifier verifier, long idleTimeoutNanos,
                                  int maxMessageBytes, int maxMembers) {
        return new ServerConfig(roomName, group, verifier, idleTimeoutNanos, maxMessageBytes, maxMembers,
                DEFAULT_LOG_CAPACITY, DEFAULT_LOG_BYTES, DEFAULT_PACKET_WINDOW, DEFAULT_EVENT_WINDOW,
                Double.POSITIVE_INFINITY, Integer.MAX_VALUE, DEFAULT_RETRY_THRESHOLD, DEFAULT_REASSEMBLY_BYTES, 0, 0);
    }

    /** This configuration with another rate limit. */
    public ServerConfig withRateLimit(double perSecond, int burst) {
        return new ServerConfig(roomName, group, verifier, idleTimeoutNanos, maxMessageBytes, maxMembers, logCapacity,
                logBytes, packetWindow, eventWindow, perSecond, burst, retryThreshold, reassemblyBytes, historySize, resumeWindowNanos);
    }

    /** This configuration with another room log capacity. */
    public ServerConfig withLogCapacity(int events) {
        return new ServerConfig(roomName, group, verifier, idleTimeoutNanos, maxMessageBytes, maxMembers, events,
                logBytes, packetWindow, eventWindow, messagesPerSecond, messageBurst, retryThreshold, reassemblyBytes,
                historySize, resumeWindowNanos);
    }

    /** This configuration with another RETRY threshold (0: every HELLO must echo a token). */
    public ServerConfig withRetryThreshold(int handshakesInProgress) {
        return new ServerConfig(roomName, group, verifier, idleTimeoutNanos, maxMessageBytes, maxMembers, logCapacity,
                logBytes, packetWindow, eventWindow, messagesPerSecond, messageBurst, handshakesInProgress,
                reassemblyBytes, historySize, resumeWindowNanos);
    }

    /** This configuration with another room-wide budget for incomplete messages. */
    public ServerConfig withReassemblyBytes(long bytes) {
        return new ServerConfig(roomName, group, verifier, idleTimeoutNanos, maxMessageBytes, maxMembers, logCapacity,
                logBytes, packetWindow, eventWindow, messagesPerSecond, messageBurst, retryThreshold, bytes, historySize, resumeWindowNanos);
    }

    /** This configuration with another history size. */
    public ServerConfig withHistorySize(int messages) {
        return new ServerConfig(roomName, group, verifier, idleTimeoutNanos, maxMessageBytes, maxMembers, logCapacity,
                logBytes, packetWindow, eventWindow, messagesPerSecond, messageBurst, retryThreshold, reassemblyBytes,
                messages, resumeWindowNanos);
    }

    /**
     * The same room, holding a timed-out member's session (and name) for {@code nanos} so that it
     * may resume; 0 (the default of {@link #of}) means no resumption.
     */
    public ServerConfig withResumeWindow(long nanos) {
        return new ServerConfig(roomName, group, verifier, idleTimeoutNanos, maxMessageBytes, maxMembers, logCapacity,
                logBytes, packetWindow, eventWindow, messagesPerSecond, messageBurst, retryThreshold, reassemblyBytes,
                historySize, nanos);
    }
}
