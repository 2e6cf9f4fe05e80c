package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * The server's state for one member. Owned by the server engine's thread.
 *
 * <p>Event delivery is a sliding window over the shared room log: events up to
 * {@code ackedUpTo} have arrived, {@code nextToSend} is the next one to transmit; a retransmission
 * timeout without progress goes back to {@code ackedUpTo + 1}.
 */
final class MemberConnection {
    final long connectionId;
    final InetSocketAddress address;
    final String username;
    final long joinSequence;
    final long idleTimeoutNanos;
    /** The welcome, kept until the member's first short-header packet shows it arrived. */
    byte[][] welcomeParts;

    long nextPacketNumber = 1;
    long lastReceivedNanos;
    long lastSentNanos;

    long ackedUpTo;
    long nextToSend;
    long rtoNanos = Timing.INITIAL_RTO_NANOS;
    long retransmitAtNanos = Long.MAX_VALUE;

    long lastProcessedMessageId;
    final ArrayDeque<Frame.Error> pendingErrors = new ArrayDeque<>();
    boolean pingDue;

    /** Set when the server is closing and this member must be told. */
    CloseReason closing;
    boolean closeAcknowledged;
    long closeResendAtNanos = Long.MAX_VALUE;

    /** Whether this member is in the engine's queue of members with something to send. */
    boolean queued;

    MemberConnection(long connectionId, InetSocketAddress address, String username, long joinSequence,
                     long idleTimeoutNanos, long nowNanos) {
        this.connectionId = connectionId;
        this.address = address;
        this.username = username;
        this.joinSequence = joinSequence;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.ackedUpTo = joinSequence;
        this.nextToSend = joinSequence + 1;
        this.lastReceivedNanos = nowNanos;
        this.lastSentNanos = nowNanos;
    }

    long pingIntervalNanos() {
        return idleTimeoutNanos / 3;
    }
}
