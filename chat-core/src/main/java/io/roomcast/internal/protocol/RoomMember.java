package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.room.PrivateLog;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's state for one member: its {@link Connection}, and the parts that fill the
 * connection's packets — the {@link EventStream} of room events to it, its private stream (private
 * messages to it and confirmations of its own, made on the first one), its
 * {@link IncomingMessages} and their refusals — plus the {@link PathValidation} of a new address.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class RoomMember implements Connection.Content<RoomMember.Sent> {
    /** What an ack-eliciting packet to this member carried. */
    record Sent(List<ResendQueue.Piece> pieces, List<ResendQueue.Piece> privatePieces, List<Frame.Error> errors) {
    }

    /** The most private entries a member's private stream holds undelivered; more senders are told to wait. */
    static final int MAX_PRIVATE_MESSAGES = 256;
    /** The most bytes of undelivered private entries a member's private stream holds (one entry always fits). */
    static final long MAX_PRIVATE_BYTES = 256 * 1024;

    final String username;
    /** {@link Username#key} of the username: how the room compares names. */
    final String nameKey;
    final Connection<Sent> connection;
    final EventStream events;
    final IncomingMessages incoming;
    final PathValidation path = new PathValidation();
    /** Private messages to this member and confirmations of its own, until delivered; made on the first. */
    private PrivateLog privateLog;
    private EventStream privateStream;
    private final int eventWindow;
    private final int packetWindow;
    /** Where the member's packets go: changes only when a new address has answered a path challenge. */
    InetSocketAddress address;
    /** The sequence of this session's join event (set at admission). */
    long joinSequence;
    /** The server's handle for this session, which the client names to resume it (set at admission). */
    byte[] resumeId;
    /** The session's resume key ({@link SessionKeys#takeResumeKey}); wiped when the member is forgotten. */
    byte[] resumeKey;
    /** The welcome, kept until the member's first short-header packet shows it arrived. */
    WelcomeParts welcome;
    /**
     * A resumed member's previous resume id and key (those of the session it resumed), still valid
     * while its connection is unconfirmed ({@link #welcome} not yet acknowledged): the WELCOME
     * with the rotated ones may have been lost, and the client then tries again with these.
     * Wiped when the member is confirmed (at the next resume lookup), held or forgotten.
     */
    byte[] previousResumeId;
    byte[] previousResumeKey;

    /** {@code true} while the member's WELCOME has not been acknowledged by an authenticated packet. */
    boolean unconfirmed() {
        return welcome != null;
    }

    /** The member is confirmed (or gone): the previous resume key is of no use any more. */
    void dropPreviousResume() {
        if (previousResumeKey != null) {
            java.util.Arrays.fill(previousResumeKey, (byte) 0);
        }
        previousResumeKey = null;
        previousResumeId = null;
    }

    /**
     * The resume key the client presenting {@code id} must prove: the current one, or, while the
     * member is unconfirmed, the previous one; {@code null} if {@code id} names neither.
     */
    byte[] resumeKeyFor(byte[] id) {
        if (resumeId != null && java.util.Arrays.equals(resumeId, id)) {
            return resumeKey;
        }
        if (unconfirmed() && previousResumeId != null && java.util.Arrays.equals(previousResumeId, id)) {
            return previousResumeKey;
        }
        return null;
    }

    /** Why the host removed this member, or {@code null}; it then only drains what the room logged before. */
    CloseReason expelledFor;
    /** When an expelled member is told CLOSE even if it has not delivered everything before its removal. */
    long expelDeadlineNanos = Long.MAX_VALUE;

    /** Whether this member is in the engine's queue of members with something to send. */
    boolean queued;
    /** This member's next timer deadline as {@link MemberDeadlines} last computed it. */
    long deadlineNanos = Long.MAX_VALUE;
    /** Whether {@link MemberDeadlines} holds this member in its deadline order. */
    boolean scheduled;
    /** Whether something happened to this member since its deadline was computed. */
    boolean touched;

    /**
     * A member that has just been admitted.
     *
     * @param events   where its stream of room events starts
     * @param incoming where its messages are reassembled and checked
     */
    RoomMember(long connectionId, InetSocketAddress address, String username, long idleTimeoutNanos, SessionKeys keys,
               EventStream events, IncomingMessages incoming, int eventWindow, int packetWindow, long nowNanos) {
        this.eventWindow = eventWindow;
        this.packetWindow = packetWindow;
        this.address = address;
        this.username = username;
        this.nameKey = Username.key(username);
        this.events = events;
        this.incoming = incoming;
        this.connection = new Connection<>(connectionId, keys.serverToClient(), keys.clientToServer(),
                idleTimeoutNanos, nowNanos, this);
    }

    /**
     * The WELCOME again, for a PROOF retransmitted from the member's address before any of its
     * short-header packets arrived: its WELCOME was lost, not the member. The PROOF may be a
     * replay by someone who saw it, so the parts go only within the handshake's amplification
     * budget ({@link WelcomeParts#sendAgain}).
     *
     * @return {@code true} if {@link #welcome} should go again; {@code false} if the member has
     *         shown the WELCOME arrived or {@code source} is not its address
     */
    boolean welcomeAgain(InetSocketAddress source, long nowNanos) {
        if (welcome == null || !address.equals(source)) {
            return false;
        }
        connection.heardFrom(nowNanos);
        return true;
    }

    long connectionId() {
        return connection.id();
    }

    /**
     * {@code true} if the member cannot keep up: the next event it needs has left the room log,
     * or it holds more than a member that keeps up can make the server hold — as many packets in
     * flight as {@link EventStream#maxPacketsInFlight}, more pieces waiting to be sent again than
     * {@link EventStream#MAX_PIECES_TO_RESEND}, or more refusals queued than
     * {@link IncomingMessages#MAX_QUEUED_REFUSALS}. Such a member is removed {@code TOO_SLOW}, before
     * another packet goes to it: each cap is reached by not acknowledging, which is what a member
     * too slow to keep up does too, and a hostile one is told no more than that ({@code KICKED} is
     * for the room's host to do). Incomplete messages are not capped but budgeted: what is beyond
     * the budget waits ({@link IncomingMessages}).
     */
    boolean pastLimits() {
        return events.fellBehind() || connection.packetsInFlight() >= events.maxPacketsInFlight()
                || events.tooManyPiecesToResend() || privateStream != null && privateStream.tooManyPiecesToResend()
                || incoming.tooManyRefusals();
    }

    /** What the server holds for this member that its behaviour can grow, for tests of the bounds. */
    RetainedState retained() {
        return RetainedState.of(this);
    }

    /**
     * Appends an encoded PRIVATE_EVENT to this member's private stream; the caller made sure it has
     * room ({@link #hasPrivateRoomFor}).
     *
     * @param encoder makes the entry's bytes given its private sequence number
     * @return the entry's size in bytes
     */
    int appendPrivate(java.util.function.LongFunction<byte[]> encoder) {
        if (privateLog == null) {
            privateLog = new PrivateLog(MAX_PRIVATE_MESSAGES, MAX_PRIVATE_BYTES);
            privateStream = EventStream.privateStream(privateLog, eventWindow, packetWindow);
        }
        byte[] entry = encoder.apply(privateLog.nextSequence());
        privateLog.append(entry);
        return entry.length;
    }

    /** {@code true} if {@code entries} more entries, {@code bytes} of them counted, would fit this member's private stream now. */
    boolean hasPrivateRoomFor(int entries, long bytes) {
        return privateLog == null || privateLog.hasRoomFor(entries, bytes);
    }

    /**
     * The member delivered its private stream up to {@code sequence}.
     *
     * @return the bytes this freed
     */
    long privateDelivered(long sequence) {
        if (privateStream == null) {
            return 0;
        }
        privateStream.delivered(sequence);
        return privateLog.delivered(privateStream.delivered());
    }

    /**
     * Forgets the private stream, for a member that is gone.
     *
     * @return the bytes this freed
     */
    long releasePrivate() {
        long held = privateBytesHeld();
        privateLog = null;
        privateStream = null;
        return held;
    }

    /** Bytes of undelivered private entries held for this member. */
    long privateBytesHeld() {
        return privateLog == null ? 0 : privateLog.bytes();
    }

    /** A sender found this member's private stream full at {@code nowNanos}. */
    void privateFull(long nowNanos) {
        if (privateLog != null) {
            privateLog.foundFull(nowNanos);
        }
    }

    /**
     * When this member counts as not keeping up with its private stream: twice the idle timeout
     * after a sender first found it full, if it has delivered nothing since; or {@link Long#MAX_VALUE}.
     * A live client reports what it delivers within milliseconds, so a stream full that long is held
     * by a member that stopped reading it, and it would hold its share of the room's budget forever.
     */
    long privateStalledAtNanos() {
        long since = privateLog == null ? Long.MAX_VALUE : privateLog.fullSinceNanos();
        return since == Long.MAX_VALUE ? since : since + 2 * connection.idleTimeoutNanos();
    }

    /** {@code true} if the member has delivered everything its private stream holds (or it has none). */
    boolean privateDrained() {
        return privateLog == null || privateLog.count() == 0;
    }

    /** Pieces of lost packets waiting to go again in the private stream. */
    int privatePiecesToResend() {
        return privateStream == null ? 0 : privateStream.piecesToResend();
    }

    /** Undelivered private entries held for this member. */
    int privateCountHeld() {
        return privateLog == null ? 0 : privateLog.count();
    }

    @Override
    public boolean hasFramesToSend(long nowNanos) {
        int inFlight = connection.packetsInFlight();
        return incoming.hasRefusals() && events.windowOpen(inFlight) || events.hasMoreToSend(inFlight)
                || privateStream != null && privateStream.hasMoreToSend(inFlight);
    }

    @Override
    public Sent write(ByteBuffer out, int limit, boolean carrying, long nowNanos) {
        List<Frame.Error> errors = new ArrayList<>(0);
        if (events.windowOpen(connection.packetsInFlight())) { // refusals count against the packet window
            incoming.writeRefusals(out, limit, errors);
        }
        List<ResendQueue.Piece> pieces = new ArrayList<>();
        events.write(out, limit, connection.packetsInFlight(), pieces);
        List<ResendQueue.Piece> privatePieces = List.of();
        if (privateStream != null) {
            privatePieces = new ArrayList<>(0);
            privateStream.write(out, limit, connection.packetsInFlight(), privatePieces);
        }
        return errors.isEmpty() && pieces.isEmpty() && privatePieces.isEmpty() ? null
                : new Sent(pieces, privatePieces, errors);
    }

    @Override
    public void lost(Sent sent, long nowNanos) {
        events.lost(sent.pieces());
        if (privateStream != null) {
            privateStream.lost(sent.privatePieces());
        }
        incoming.lost(sent.errors());
    }

    /** {@code true} once the host removed this member from the room (kick, ban). */
    boolean expelled() {
        return expelledFor != null;
    }

    /** When the member's timers next need looking at, for {@link MemberDeadlines}. */
    long nextDeadlineNanos() {
        long next = connection.nextDeadlineNanos(queued);
        if (connection.isClosing()) {
            return next;
        }
        next = Math.min(next, expelDeadlineNanos);
        next = Math.min(next, incoming.staleAtNanos(connection.idleTimeoutNanos()));
        next = Math.min(next, privateStalledAtNanos());
        return Math.min(next, path.deadlineNanos());
    }
}
