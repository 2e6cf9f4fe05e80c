package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.wire.AckFrame;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireFormat;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * One end of an established connection, the same machine on the server (one per member) and on
 * the client: packet numbers, the record of packets received and when an ACK is owed, loss
 * recovery and probe timeouts, sealing and opening, the idle and keepalive timers, and closing
 * with its CLOSE re-sends. What the packets carry besides ACK, PING and CLOSE belongs to the
 * owner, through {@link Content}: the server's event stream and refusals, the client's messages.
 *
 * <p>Sending: {@link #writePacket} assembles one packet — an ACK when one is owed or can ride
 * along, then (unless closing) the owner's frames, then a PING if a keepalive or probe is due and
 * nothing else elicits an acknowledgement. What an ack-eliciting packet carried is remembered;
 * when loss recovery declares the packet lost, or a probe timeout fires, it goes back to the
 * owner ({@link Content#lost}) to be written again in new packets: bytes are never re-sent as
 * they were, and packet numbers never repeat.
 *
 * <p>Receiving: {@link #receive} opens a datagram, drops replays, takes ACK frames itself (and
 * ignores one that acknowledges a packet number never sent, which could otherwise declare
 * everything in flight lost) and hands every other frame to the owner; the packet is acknowledged only if the owner took all of
 * its data, so a peer re-sends what could not be held.
 *
 * <p>Timers: {@link #nextDeadlineNanos} and {@link #onTimers}; {@link #idleExpired} says when the
 * peer has been silent for the idle timeout, {@link #closeFinished} when a close is over.
 *
 * <p>Not thread-safe: owned by the engine's thread.
 *
 * @param <S> what one ack-eliciting packet carried for the owner: what must be re-sent if it is lost
 */
final class Connection<S> {
    /** What an owner puts in its packets. Called on the engine's thread. */
    interface Content<S> {
        /** {@code true} if frames wait that could go out now: an owed ACK then rides with them. */
        boolean hasFramesToSend(long nowNanos);

        /**
         * Writes as many waiting frames as fit before {@code limit}.
         *
         * @param carrying {@code true} if the packet goes out anyway (it holds an ACK, or a PING is
         *                 due): frames that could wait for a later packet may ride along now
         * @return what was written that must be re-sent if the packet is lost, or {@code null} if
         *         nothing that needs acknowledging was written
         */
        S write(ByteBuffer out, int limit, boolean carrying, long nowNanos);

        /** A packet that carried {@code sent} was lost, or is being probed: its content must go out again. */
        void lost(S sent, long nowNanos);
    }

    /** Content for a connection that only closes: it never carries anything of its owner's. */
    static <S> Content<S> noContent() {
        return new Content<>() {
            @Override
            public boolean hasFramesToSend(long nowNanos) {
                return false;
            }

            @Override
            public S write(ByteBuffer out, int limit, boolean carrying, long nowNanos) {
                return null;
            }

            @Override
            public void lost(S sent, long nowNanos) {
            }
        };
    }

    /** What the owner does with the frames of an authentic packet. Called on the engine's thread. */
    interface Frames {
        /** An authentic packet never seen before arrived; its frames follow. */
        default void fresh(long nowNanos) {
        }

        /**
         * One frame, in packet order (ACK frames excepted, which the connection takes).
         *
         * @return {@code false} if it carried data the owner could not take now: the packet is
         *         then not acknowledged, so the peer sends it again
         */
        boolean take(Frame frame, long nowNanos);

        /** {@code true} once a frame ended the connection: the rest of the packet is ignored. */
        boolean ended();
    }

    /** What became of a datagram given to {@link #receive}. */
    enum Arrival {
        /** It did not open: forged, damaged, or not for these keys. Nothing changed. */
        UNAUTHENTICATED,
        /** Its packet number was seen before: dropped, and an ACK is owed soon. */
        DUPLICATE,
        /** Its frames were handled. */
        FRESH
    }

    private final long id;
    private final PacketProtector sealer;
    private final PacketProtector opener;
    private final long idleTimeoutNanos;
    private final Content<S> content;
    private final ReceivedPackets received = new ReceivedPackets();
    private final LossRecovery<S> recovery = new LossRecovery<>();
    private long nextPacketNumber = 1;
    private long lastReceivedNanos;
    private long lastSentNanos;
    private boolean pingDue;
    private boolean probeDue;
    private CloseReason closing;
    private long closeResendAtNanos = Long.MAX_VALUE;
    private long closeDeadlineNanos = Long.MAX_VALUE;
    private int closesSent;

    /**
     * A connection that has just been established.
     *
     * @param id               the connection id in every short header
     * @param sealer           protects packets this end sends
     * @param opener           opens packets the peer sends
     * @param idleTimeoutNanos silence from the peer for this long means it is gone; a PING goes
     *                         out when this end has sent nothing for a third of it
     */
    Connection(long id, PacketProtector sealer, PacketProtector opener, long idleTimeoutNanos, long nowNanos,
               Content<S> content) {
        this.id = id;
        this.sealer = sealer;
        this.opener = opener;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.content = content;
        this.lastReceivedNanos = nowNanos;
        this.lastSentNanos = nowNanos;
    }

    long id() {
        return id;
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /** Ack-eliciting packets in flight: neither acknowledged nor declared lost. */
    int packetsInFlight() {
        return recovery.inFlight();
    }

    /** Hands {@code action} what each packet in flight carried (null for a PING), oldest first. */
    /**
     * {@code true} if a packet sent to the peer has gone unacknowledged for a probe timeout or
     * longer: what is sent to it is going unanswered (it may be cut off).
     */
    boolean unanswered(long nowNanos) {
        return recovery.unansweredFor(nowNanos, ReceivedPackets.MAX_ACK_DELAY_NANOS);
    }

    void forEachInFlight(Consumer<S> action) {
        recovery.forEachInFlight(action);
    }

    /** The smoothed RTT estimate and the probe timeout derived from it. */
    RttEstimator rtt() {
        return recovery.rtt();
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Opens a datagram whose header {@link ProtectedPackets#peekHeader} read, and hands its
     * frames to {@code frames}.
     *
     * @throws MalformedPacketException if it opens but its frames are not valid
     */
    Arrival receive(long nowNanos, ByteBuffer datagram, ShortHeader header, Frames frames)
            throws MalformedPacketException {
        List<Frame> opened = ProtectedPackets.open(opener, datagram, header);
        if (opened == null) {
            return Arrival.UNAUTHENTICATED;
        }
        long packetNumber = header.packetNumber();
        if (received.isDuplicate(packetNumber)) {
            received.duplicateReceived(nowNanos); // the peer may have missed our ACK
            return Arrival.DUPLICATE;
        }
        lastReceivedNanos = nowNanos;
        frames.fresh(nowNanos);
        boolean taken = true;
        boolean ackEliciting = false;
        for (Frame frame : opened) {
            if (frames.ended()) {
                return Arrival.FRESH;
            }
            ackEliciting |= frame.ackEliciting();
            if (frame instanceof AckFrame ack) {
                if (ack.largest() < nextPacketNumber) { // an ACK for a packet never sent is a lie: ignored
                    recovery.onAck(ack, nowNanos, sent -> { }, sent -> lost(sent, nowNanos));
                }
            } else {
                taken &= frames.take(frame, nowNanos);
            }
        }
        if (taken && !frames.ended()) {
            received.record(packetNumber, ackEliciting, nowNanos);
        }
        return Arrival.FRESH;
    }

    /** The peer proved it is alive by other means (a retransmitted handshake packet). */
    void heardFrom(long nowNanos) {
        lastReceivedNanos = nowNanos;
    }

    // ---------------------------------------------------------------- sending

    /** {@code true} if {@link #writePacket} would write something now. */
    boolean hasSomethingToSend(long nowNanos) {
        if (closing != null) {
            return nowNanos >= closeResendAtNanos || received.ackDueAtNanos() <= nowNanos;
        }
        return pingDue || probeDue || received.ackDueAtNanos() <= nowNanos || content.hasFramesToSend(nowNanos);
    }

    /**
     * Writes the next packet into {@code out} from its position.
     *
     * @return {@code false} if there was nothing to send (nothing is written then)
     */
    boolean writePacket(long nowNanos, ByteBuffer out) {
        int start = ShortHeader.begin(out, id, nextPacketNumber);
        int limit = start + WireFormat.MAX_DATAGRAM_BYTES - WireFormat.PROTECTION_OVERHEAD_BYTES;
        boolean anything = false;
        boolean closeDue = closing != null && nowNanos >= closeResendAtNanos;
        if (received.ackPending() && (received.ackDueAtNanos() <= nowNanos || pingDue || probeDue || closeDue
                || closing == null && content.hasFramesToSend(nowNanos))) {
            received.buildAck(nowNanos).encode(out);
            anything = true;
        }
        S sent = null;
        boolean eliciting = false;
        if (closeDue) {
            new Frame.Close(closing).encode(out);
            closeResendAtNanos = nowNanos + Timing.CLOSE_RETRY_NANOS;
            closesSent++;
            anything = true;
        } else if (closing == null) {
            int before = out.position();
            sent = content.write(out, limit, anything || pingDue || probeDue, nowNanos);
            eliciting = sent != null;
            if (!eliciting && (pingDue || probeDue)) {
                Frame.Ping.INSTANCE.encode(out);
                eliciting = true;
            }
            anything |= out.position() > before;
        }
        if (!anything) {
            out.position(start);
            return false;
        }
        long packetNumber = nextPacketNumber++;
        ProtectedPackets.seal(sealer, out, start, packetNumber);
        if (eliciting) {
            recovery.onSent(packetNumber, nowNanos, sent);
            lastSentNanos = nowNanos;
            pingDue = false;
            probeDue = false;
        }
        return true;
    }

    /**
     * One frame in a sealed packet of its own, outside loss recovery: for last words that are
     * not re-sent (a CLOSE to a member being dropped, a CLOSE_ACK that may be repeated verbatim).
     */
    byte[] packetOf(Frame frame) {
        return ProtectedPackets.packet(sealer, id, nextPacketNumber++, frame);
    }

    // ---------------------------------------------------------------- closing

    /**
     * Starts closing: from now on packets carry only ACK and CLOSE, and CLOSE is re-sent every
     * {@link Timing#CLOSE_RETRY_NANOS} until the owner sees it acknowledged or {@code timeoutNanos}
     * passes. A timeout of 0 sends CLOSE once.
     */
    void startClosing(CloseReason reason, long nowNanos, long timeoutNanos) {
        if (closing != null) {
            return;
        }
        closing = reason;
        closeResendAtNanos = nowNanos;
        closeDeadlineNanos = nowNanos + timeoutNanos;
    }

    boolean isClosing() {
        return closing != null;
    }

    /** {@code true} once closing, its time is up and at least one CLOSE went out. */
    boolean closeFinished(long nowNanos) {
        return closing != null && nowNanos >= closeDeadlineNanos && closesSent > 0;
    }

    /**
     * Wipes both directions' keys ({@link PacketProtector#destroy}): the connection is over, and
     * nothing may be sealed or opened with them again. Idempotent.
     */
    void discardKeys() {
        sealer.destroy();
        opener.destroy();
    }

    /** {@code true} once {@link #discardKeys()} has run, for tests. */
    boolean keysDiscarded() {
        return sealer.isDestroyed() && opener.isDestroyed();
    }

    // ---------------------------------------------------------------- timers

    /**
     * When {@link #onTimers} (or {@link #closeFinished}) must next be checked, or
     * {@link Long#MAX_VALUE}.
     *
     * @param writeScheduled the owner will call {@link #writePacket} soon anyway, so the
     *                       deadlines a write takes care of (an ACK due, a PING due) are left out
     */
    long nextDeadlineNanos(boolean writeScheduled) {
        if (closing != null) {
            return writeScheduled ? closeDeadlineNanos
                    : Math.min(closeDeadlineNanos, Math.min(closeResendAtNanos, received.ackDueAtNanos()));
        }
        long next = Math.min(lastReceivedNanos + idleTimeoutNanos,
                recovery.timeoutNanos(ReceivedPackets.MAX_ACK_DELAY_NANOS));
        if (!writeScheduled) {
            next = Math.min(next, received.ackDueAtNanos());
        }
        if (!pingDue && !probeDue) {
            next = Math.min(next, lastSentNanos + keepaliveIntervalNanos());
        }
        return next;
    }

    /** {@code true} if nothing has come from the peer for the idle timeout: it is gone. */
    boolean idleExpired(long nowNanos) {
        return nowNanos - lastReceivedNanos >= idleTimeoutNanos;
    }

    /**
     * Runs the loss, probe and keepalive timers that are due: packets declared lost go back to
     * the owner, a probe timeout re-queues the oldest packet's content and sends a probe, and a
     * PING is due after a third of the idle timeout without sending.
     *
     *
     * @return {@code true} if a probe timeout fired
     */
    boolean onTimers(long nowNanos) {
        boolean probed = false;
        if (closing == null && recovery.timeoutNanos(ReceivedPackets.MAX_ACK_DELAY_NANOS) <= nowNanos) {
            probed = recovery.onTimeout(nowNanos, sent -> lost(sent, nowNanos), sent -> lost(sent, nowNanos));
            probeDue |= probed;
        }
        if (closing == null && nowNanos - lastSentNanos >= keepaliveIntervalNanos()) {
            pingDue = true;
        }
        return probed;
    }

    private long keepaliveIntervalNanos() {
        return idleTimeoutNanos / 3;
    }

    private void lost(S sent, long nowNanos) {
        if (sent != null) {
            content.lost(sent, nowNanos);
        }
    }
}
