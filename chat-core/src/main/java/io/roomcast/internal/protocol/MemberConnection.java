package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.TreeMap;

/**
 * The server's state for one member. Owned by the server engine's thread.
 *
 * <p>Room events go out from the shared room log: {@code nextSequence}/{@code nextOffset} is
 * the cursor of events never sent; what was in a lost packet comes back as {@link Piece}s in
 * {@code retransmit}, which go first. The member's DELIVERED reports bound how far ahead the
 * server sends, and what the log must still hold for it. Its messages arrive as slices,
 * reassembled in {@code incoming} and accepted strictly in message-id order.
 */
final class MemberConnection {
    /**
     * A slice of a logged event: bytes {@code offset} to {@code offset + length} of the encoded
     * event with room sequence {@code sequence}.
     */
    record Piece(long sequence, int offset, int length) {
    }

    /** What an ack-eliciting packet to this member carried. */
    record Sent(List<Piece> pieces, List<Frame.Error> errors) {
    }

    final long connectionId;
    /** Where the member's packets go: changes only when a new address has answered a path challenge. */
    InetSocketAddress address;
    final String username;
    final long joinSequence;
    final long idleTimeoutNanos;
    final SessionKeys keys;
    final TokenBucket messageBudget;
    /** The welcome, kept until the member's first short-header packet shows it arrived. */
    byte[][] welcomeParts;

    long nextPacketNumber = 1;
    long lastReceivedNanos;
    long lastSentNanos;
    final ReceivedPackets received = new ReceivedPackets();
    final LossRecovery<Sent> recovery = new LossRecovery<>();

    long delivered;
    long nextSequence;
    int nextOffset;
    final ArrayDeque<Piece> retransmit = new ArrayDeque<>();
    final ArrayDeque<Frame.Error> pendingErrors = new ArrayDeque<>();
    boolean pingDue;
    boolean probeDue;

    long lastProcessedMessageId;
    final TreeMap<Long, Reassembly> incoming = new TreeMap<>();
    /** Ids of messages refused before they were complete (too large): processed in order as refusals. */
    final TreeMap<Long, Frame.Error> refusedIncoming = new TreeMap<>();
    long incomingBytes;

    /** Set when the server is closing and this member must be told. */
    CloseReason closing;
    long closeResendAtNanos = Long.MAX_VALUE;

    /** A new address the member's authenticated packets came from, being validated; or null. */
    InetSocketAddress candidate;
    long candidateChallenge;
    long candidateBytesReceived;
    long candidateBytesSent;
    long candidateChallengeAtNanos = Long.MAX_VALUE;
    /** Set when a PATH_CHALLENGE must go to {@code candidate}. */
    boolean challengeDue;

    /** Whether this member is in the engine's queue of members with something to send. */
    boolean queued;

    /** This member's next timer deadline as {@link MemberDeadlines} last computed it. */
    long deadlineNanos = Long.MAX_VALUE;
    /** Whether {@link MemberDeadlines} holds this member in its deadline order. */
    boolean scheduled;
    /** Whether something happened to this member since its deadline was computed. */
    boolean touched;

    MemberConnection(long connectionId, InetSocketAddress address, String username, long joinSequence,
                     long idleTimeoutNanos, SessionKeys keys, TokenBucket messageBudget, long nowNanos) {
        this.keys = keys;
        this.messageBudget = messageBudget;
        this.connectionId = connectionId;
        this.address = address;
        this.username = username;
        this.joinSequence = joinSequence;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.delivered = joinSequence;
        this.nextSequence = joinSequence + 1;
        this.lastReceivedNanos = nowNanos;
        this.lastSentNanos = nowNanos;
    }

    long pingIntervalNanos() {
        return idleTimeoutNanos / 3;
    }
}
