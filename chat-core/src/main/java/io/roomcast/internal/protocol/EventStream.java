package io.roomcast.internal.protocol;

import io.roomcast.internal.room.EventSource;
import io.roomcast.internal.room.RoomHistory;
import io.roomcast.internal.wire.Frame;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * One member's stream of events, read from an {@link EventSource}: the shared room log (its room
 * stream) or the member's own private log (its private stream). It keeps the cursor of events
 * never sent ({@code nextSequence}/{@code nextOffset}), the pieces of lost packets waiting to go
 * again (they go first), and how far the member reported it has delivered, which bounds how far
 * ahead the server sends and what the log must still hold for it. An event too large for the
 * packet being filled goes as FRAGMENTs (PRIVATE_FRAGMENTs in the private stream), by
 * {@link SliceRule}.
 *
 * <p>A room stream may start with history: the room's last messages before the member's join,
 * sent before any later event under their own (lower) sequence numbers, from a snapshot taken at
 * the join, and re-sent when lost until the member reports a sequence at or past its join, which
 * it does only once it holds the whole history.
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

    private final EventSource log;
    private final int eventWindow;
    private final int packetWindow;
    private final boolean privateStream;
    private final long joinSequence;
    private final ResendQueue retransmit = new ResendQueue();
    /** The history still owed, or {@code null} once the member holds it all (or there was none). */
    private RoomHistory.Snapshot history;
    /** The next history message never sent. */
    private int nextHistory;
    private long delivered;
    private long nextSequence;
    private int nextOffset;
    /** The first sequence never to be sent: the member's own leave, once the host removed it. */
    private long endSequence = Long.MAX_VALUE;

    /**
     * A member's room stream: its history, then every event after its own join.
     *
     * @param history      the room's last messages before the join, owed to the member first
     * @param eventWindow  how far beyond the last event the member delivered the server sends
     * @param packetWindow how many ack-eliciting packets may be in flight to the member
     */
    EventStream(EventSource log, long joinSequence, RoomHistory.Snapshot history, int eventWindow, int packetWindow) {
        this(log, joinSequence, history, eventWindow, packetWindow, false);
    }

    /** A member's room stream without history. */
    EventStream(EventSource log, long joinSequence, int eventWindow, int packetWindow) {
        this(log, joinSequence, RoomHistory.Snapshot.EMPTY, eventWindow, packetWindow, false);
    }

    /** A member's private stream over its own private log, from its first entry. */
    static EventStream privateStream(EventSource log, int eventWindow, int packetWindow) {
        return new EventStream(log, 0, RoomHistory.Snapshot.EMPTY, eventWindow, packetWindow, true);
    }

    private EventStream(EventSource log, long joinSequence, RoomHistory.Snapshot history, int eventWindow,
                        int packetWindow, boolean privateStream) {
        this.log = log;
        this.eventWindow = eventWindow;
        this.packetWindow = packetWindow;
        this.privateStream = privateStream;
        this.joinSequence = joinSequence;
        this.history = history.count() == 0 ? null : history;
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

    /** {@code true} while history is owed: not all of it sent, or not all of it confirmed. */
    boolean historyPending() {
        return history != null;
    }

    /** {@code true} if there is something to send within the windows. */
    boolean hasMoreToSend(int packetsInFlight) {
        return !retransmit.isEmpty() || mayStartHistory(packetsInFlight) || mayStartNext(packetsInFlight);
    }

    /** The member reports every event up to {@code sequence} delivered. */
    void delivered(long sequence) {
        if (history != null && sequence >= joinSequence && sequence <= log.lastSequence()) {
            // the client reports its join only once it holds the whole history (a client that
            // reports it earlier gives up the rest; the cursor then belongs to the live events)
            if (nextHistory < history.count()) {
                nextOffset = 0;
            }
            history = null;
            retransmit.drop(item -> item < joinSequence);
        }
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
        retransmit.lost(pieces, sequence -> sequence > delivered || history != null && sequence < joinSequence);
    }

    /**
     * Writes lost pieces, then new events, as far as the packet and the windows allow, adding
     * what it wrote to {@code pieces}. A piece whose event has left the log is skipped: the engine
     * removes a member that {@link #fellBehind} before it asks for its packets.
     */
    void write(ByteBuffer out, int limit, int packetsInFlight, List<ResendQueue.Piece> pieces) {
        boolean resent = retransmit.writeInto((sequence, offset, length) -> {
            byte[] event = sequence < joinSequence ? historyEvent(sequence) : log.get(sequence);
            return event == null ? ResendQueue.GONE : writeSlice(out, limit, sequence, event, offset, length, pieces);
        });
        if (!resent) {
            return;
        }
        while (mayStartHistory(packetsInFlight)) {
            long sequence = history.sequences()[nextHistory];
            byte[] event = history.events()[nextHistory];
            int length = event.length - nextOffset;
            int written = writeSlice(out, limit, sequence, event, nextOffset, length, pieces);
            if (written == SliceRule.WAIT) {
                return;
            }
            if (written < length) {
                nextOffset += written;
                return;
            }
            nextHistory++;
            nextOffset = 0;
        }
        if (history != null && nextHistory < history.count()) {
            return; // the window closed mid-history: nothing later may overtake it
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

    private boolean mayStartHistory(int packetsInFlight) {
        return history != null && nextHistory < history.count() && windowOpen(packetsInFlight);
    }

    /** A history message by its sequence number, or {@code null} once history is settled. */
    private byte[] historyEvent(long sequence) {
        if (history == null) {
            return null;
        }
        int index = java.util.Arrays.binarySearch(history.sequences(), sequence);
        return index < 0 ? null : history.events()[index];
    }

    private boolean mayStartNext(int packetsInFlight) {
        return nextSequence <= log.lastSequence() && nextSequence < endSequence
                && nextSequence <= delivered + eventWindow && windowOpen(packetsInFlight);
    }

    /**
     * The stream ends before {@code sequence}: the member was removed by the event with that
     * sequence, so it gets what the room logged before, and nothing after.
     */
    void endBefore(long sequence) {
        endSequence = sequence;
    }

    /** {@code true} if the stream has ended and the member has delivered all of it. */
    boolean drained() {
        return delivered >= endSequence - 1;
    }

    /** {@code true} if another ack-eliciting packet with new content may go to the member. */
    boolean windowOpen(int packetsInFlight) {
        return packetsInFlight < packetWindow;
    }

    /**
     * Bytes {@code offset..offset+length} of an encoded event: the EVENT (or PRIVATE_EVENT) frame
     * itself if whole, else a FRAGMENT (or PRIVATE_FRAGMENT).
     */
    private int writeSlice(ByteBuffer out, int limit, long sequence, byte[] event, int offset, int length,
                                  List<ResendQueue.Piece> pieces) {
        int data = SliceRule.bytesToWrite(limit - out.position(), 0, Frame.Fragment.OVERHEAD_BYTES, event.length,
                offset, length);
        if (data == SliceRule.WAIT) {
            return data;
        }
        if (data == event.length) {
            out.put(event);
        } else {
            Frame.Fragment fragment = new Frame.Fragment(sequence, event.length, offset,
                    Arrays.copyOfRange(event, offset, offset + data));
            if (privateStream) {
                new Frame.PrivateFragment(fragment).encode(out);
            } else {
                fragment.encode(out);
            }
        }
        pieces.add(new ResendQueue.Piece(sequence, offset, data));
        return data;
    }
}
