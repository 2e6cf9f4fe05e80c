package io.roomcast.internal.protocol;

import io.roomcast.internal.room.RoomLog;
import io.roomcast.internal.wire.Frame;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * One member's stream of room events, read from the shared room log: the cursor of events never
 * sent ({@code nextSequence}/{@code nextOffset}), the pieces of lost packets waiting to go again
 * (they go first), and how far the member reported it has delivered, which bounds how far ahead
 * the server sends and what the log must still hold for it. An event too large for the packet
 * being filled goes as FRAGMENTs, by {@link SliceRule}.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class EventStream {
    /**
     * Packets that may be in flight beyond the packet window before the member counts as not
     * keeping up: probes and keep-alives go out whatever the window, and a probe re-sends what
     * the oldest packet carried without that packet leaving the flight. A member cut off from us
     * sends fewer than this before its idle timeout ends it (probes back off to one per 4 s); one
     * that keeps sending and never acknowledges reaches it, and is removed {@code TOO_SLOW}.
     */
    static final int PACKETS_BEYOND_WINDOW = 32;
    /**
     * The most pieces of lost packets waiting to be sent again. A member that acknowledges owes
     * at most its event window of whole events plus two fragment pieces per packet in flight, each
     * queued at most twice (by a probe and by the loss), and the queue empties every time the
     * member's turn to send comes: about 2,700 at the defaults. More means the member is not
     * keeping up; it is removed {@code TOO_SLOW}.
     */
    static final int MAX_PIECES_TO_RESEND = 4096;

    private final RoomLog log;
    private final int eventWindow;
    private final int packetWindow;
    private final ResendQueue retransmit = new ResendQueue();
    private long delivered;
    private long nextSequence;
    private int nextOffset;

    /**
     * A stream that starts after the member's own join.
     *
     * @param eventWindow  how far beyond the last event the member delivered the server sends
     * @param packetWindow how many ack-eliciting packets may be in flight to the member
     */
    EventStream(RoomLog log, long joinSequence, int eventWindow, int packetWindow) {
        this.log = log;
        this.eventWindow = eventWindow;
        this.packetWindow = packetWindow;
        this.delivered = joinSequence;
        this.nextSequence = joinSequence + 1;
    }

    /** The last room sequence the member reported delivered. */
    long delivered() {
        return delivered;
    }

    /** Pieces of lost packets waiting to be sent again. */
    int piecesToResend() {
        return retransmit.size();
    }

    /** The most ack-eliciting packets in flight to the member: one that has this many is not keeping up. */
    int maxPacketsInFlight() {
        return packetWindow + PACKETS_BEYOND_WINDOW;
    }

    /** {@code true} if more pieces wait to be sent again than a member that keeps up can cause. */
    boolean tooManyPiecesToResend() {
        return retransmit.size() > MAX_PIECES_TO_RESEND;
    }

    /** {@code true} if the next event the member needs has left the room log: it can never catch up. */
    boolean fellBehind() {
        return delivered + 1 < log.firstSequence();
    }

    /** {@code true} if there is something to send within the windows. */
    boolean hasMoreToSend(int packetsInFlight) {
        return !retransmit.isEmpty() || mayStartNext(packetsInFlight);
    }

    /** The member reports every event up to {@code sequence} delivered. */
    void delivered(long sequence) {
        if (sequence <= delivered || sequence > log.lastSequence()) {
            return;
        }
        delivered = sequence;
        if (nextSequence <= sequence) {
            nextSequence = sequence + 1;
            nextOffset = 0;
        }
        retransmit.drop(item -> item <= sequence);
    }

    /** The packet that carried {@code pieces} was lost: those the member still needs go again. */
    void lost(List<ResendQueue.Piece> pieces) {
        retransmit.lost(pieces, sequence -> sequence > delivered);
    }

    /**
     * Writes lost pieces, then new events, as far as the packet and the windows allow, adding
     * what it wrote to {@code pieces}. A piece whose event has left the log is skipped: the engine
     * removes a member that {@link #fellBehind} before it asks for its packets.
     */
    void write(ByteBuffer out, int limit, int packetsInFlight, List<ResendQueue.Piece> pieces) {
        boolean resent = retransmit.writeInto((sequence, offset, length) -> {
            byte[] event = log.get(sequence);
            return event == null ? ResendQueue.GONE : writeSlice(out, limit, sequence, event, offset, length, pieces);
        });
        if (!resent) {
            return;
        }
        while (mayStartNext(packetsInFlight)) {
            byte[] event = log.get(nextSequence);
            if (event == null) {
                return;
            }
            int length = event.length - nextOffset;
            int written = writeSlice(out, limit, nextSequence, event, nextOffset, length, pieces);
            if (written == SliceRule.WAIT) {
                return;
            }
            if (written < length) {
                nextOffset += written;
                return;
            }
            nextSequence++;
            nextOffset = 0;
        }
    }

    private boolean mayStartNext(int packetsInFlight) {
        return nextSequence <= log.lastSequence() && nextSequence <= delivered + eventWindow
                && windowOpen(packetsInFlight);
    }

    /** {@code true} if another ack-eliciting packet with new content may go to the member. */
    boolean windowOpen(int packetsInFlight) {
        return packetsInFlight < packetWindow;
    }

    /** Bytes {@code offset..offset+length} of an encoded event: the EVENT frame itself if whole, else a FRAGMENT. */
    private static int writeSlice(ByteBuffer out, int limit, long sequence, byte[] event, int offset, int length,
                                  List<ResendQueue.Piece> pieces) {
        int data = SliceRule.bytesToWrite(limit - out.position(), 0, Frame.Fragment.OVERHEAD_BYTES, event.length,
                offset, length);
        if (data == SliceRule.WAIT) {
            return data;
        }
        if (data == event.length) {
            out.put(event);
        } else {
            new Frame.Fragment(sequence, event.length, offset, Arrays.copyOfRange(event, offset, offset + data))
                    .encode(out);
        }
        pieces.add(new ResendQueue.Piece(sequence, offset, data));
        return data;
    }
}
