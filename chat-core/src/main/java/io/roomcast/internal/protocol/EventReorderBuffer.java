package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.EventKind;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.WireReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The client's view of one of its streams' order — the room's, or its own private stream's:
 * events arrive whole or in FRAGMENTs, in any order and possibly twice, and leave here in
 * sequence order, each once, with no gap. Each event is
 * first <em>released</em>, as soon as every event before it is here (which is when the client's
 * own message counts as confirmed), and then <em>delivered</em> to the application, at once if it
 * has room, or later, when {@link #deliverHeld} finds it has: an application that cannot keep up
 * holds the room's events back here, as a slow link would. Events wait for a gap to fill or for
 * the application within {@link ProtocolLimits#MAX_HELD_BACK_EVENTS} of the last one delivered,
 * and {@link ProtocolLimits#MAX_FRAGMENT_BYTES} of incomplete fragmented events (every buffer
 * counted, memory allocated as FRAGMENTs arrive, see {@link Reassembly}); what is beyond is not
 * taken, so the packet is not acknowledged and the server sends it again later. The event next to
 * deliver is always taken, even past that budget: every later one waits for it.
 *
 * <p>The room stream may begin with history: the number of messages the WELCOME announced, each
 * an event before the client's join. They are collected (in any order, each once) and handed over
 * together, oldest first, before any event after the join is released; until then
 * {@link #delivered()} stays below the join, so the server keeps re-sending what is lost of them.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class EventReorderBuffer {
    /** Where events go, in room order. */
    interface Receiver {
        /** Whether the application can take another event now. */
        boolean hasRoom();

        /** The next event in room order goes to the application. */
        void delivered(EventFrame event);

        /** Every event up to this one is here; called after {@link #delivered} when both happen at once. */
        void released(EventFrame event);
    }

    /** Events after {@code delivered}: released ones waiting for the application, and later ones waiting for a gap. */
    private final TreeMap<Long, EventFrame> heldBack = new TreeMap<>();
    private final Reassemblies fragments = new Reassemblies(ProtocolLimits.MAX_FRAGMENT_BYTES, ByteBudget.unlimited());
    private final int maxEventBytes;
    private final boolean privateStream;
    private final Runnable malformed;
    private final long joinSequence;
    private final int historyCount;
    /** History collected so far, or {@code null} once handed over (or when there is none). */
    private TreeMap<Long, EventFrame> history;
    private Consumer<List<EventFrame>> historyTaker;
    /** The last sequence handed to the application: what DELIVERED reports. */
    private long delivered;
    /** The last sequence up to which every event is here; at least {@code delivered}. */
    private long released;

    /**
     * A buffer for the room stream without history.
     *
     * @param joinSequence  the client's own join: the first event delivered is the one after it
     * @param maxEventBytes the largest encoded event the room can send
     * @param malformed     told when a reassembled event turns out not to be valid
     */
    EventReorderBuffer(long joinSequence, int maxEventBytes, Runnable malformed) {
        this(joinSequence, 0, null, maxEventBytes, false, malformed);
    }

    /**
     * A buffer for the room stream.
     *
     * @param historyCount how many history messages the WELCOME announced
     * @param history      given the history, oldest first, once it is all here ({@link #start} if there is none)
     */
    EventReorderBuffer(long joinSequence, int historyCount, Consumer<List<EventFrame>> history, int maxEventBytes,
                       Runnable malformed) {
        this(joinSequence, historyCount, history, maxEventBytes, false, malformed);
    }

    /** A buffer for the client's private stream, whose sequence numbers start at 1. */
    static EventReorderBuffer privateStream(int maxEventBytes, Runnable malformed) {
        return new EventReorderBuffer(0, 0, null, maxEventBytes, true, malformed);
    }

    private EventReorderBuffer(long joinSequence, int historyCount, Consumer<List<EventFrame>> history,
                               int maxEventBytes, boolean privateStream, Runnable malformed) {
        this.delivered = joinSequence;
        this.released = joinSequence;
        this.joinSequence = joinSequence;
        this.historyCount = historyCount;
        this.maxEventBytes = maxEventBytes;
        this.privateStream = privateStream;
        this.malformed = malformed;
        if (history != null) {
            this.history = new TreeMap<>();
            this.historyTaker = history;
        }
    }

    /**
     * Hands over the history if it is already complete (a WELCOME that announced none). Call once,
     * right after the join is reported.
     */
    void start(Receiver to) {
        releaseHistoryIfComplete(to);
    }

    /**
     * The last sequence delivered: what the client reports. Below the join while history is still
     * being collected, so the server knows to re-send what of it is lost.
     */
    long delivered() {
        return history != null ? joinSequence - 1 : delivered;
    }

    /** Events held back waiting for a gap to fill or for the application. */
    int heldBackCount() {
        return heldBack.size();
    }

    /** Bytes of incomplete fragmented events held, every buffer counted. */
    long fragmentBytes() {
        return fragments.bytesHeld();
    }

    /**
     * Takes a whole event; it and any held-back events it completes are released, and delivered
     * while {@code to} has room.
     *
     * @return {@code false} if the event is too far ahead to hold
     */
    boolean take(EventFrame event, Receiver to) {
        long sequence = event.sequence();
        if (history != null && sequence < joinSequence) {
            // history: only messages, each once, no more than announced
            if (event.kind() == EventKind.MESSAGE && (history.size() < historyCount || history.containsKey(sequence))) {
                history.putIfAbsent(sequence, event);
                releaseHistoryIfComplete(to);
            }
            return true;
        }
        if (sequence <= released) {
            return true;
        }
        if (sequence > delivered + ProtocolLimits.MAX_HELD_BACK_EVENTS) {
            return false;
        }
        if (sequence > released + 1 || history != null) {
            heldBack.putIfAbsent(sequence, event); // waits for a gap to fill, or for the history
            return true;
        }
        release(event, to);
        releaseWaiting(to);
        return true;
    }

    /** Releases the held-back events that are next in order. */
    private void releaseWaiting(Receiver to) {
        EventFrame next;
        while (!heldBack.isEmpty() && (next = heldBack.get(released + 1)) != null) {
            release(next, to);
        }
    }

    private void releaseHistoryIfComplete(Receiver to) {
        if (history == null || history.size() < historyCount) {
            return;
        }
        List<EventFrame> messages = new ArrayList<>(history.values());
        history = null;
        for (Long partial : new ArrayList<>(fragments.keysBelow(joinSequence))) {
            fragments.remove(partial); // what arrived of history's fragments is no longer wanted
        }
        historyTaker.accept(messages);
        historyTaker = null;
        releaseWaiting(to);
    }

    /** {@code event} is the next in room order: delivered now if nothing waits before it and there is room, else held. */
    private void release(EventFrame event, Receiver to) {
        deliverHeld(to);
        released = event.sequence();
        if (delivered + 1 == released && to.hasRoom()) {
            delivered = released;
            if (!heldBack.isEmpty()) {
                heldBack.remove(released);
            }
            to.delivered(event);
        } else {
            heldBack.put(released, event);
        }
        to.released(event);
    }

    /** Delivers released events, in order, while {@code to} has room. */
    void deliverHeld(Receiver to) {
        while (delivered < released && to.hasRoom()) {
            delivered++;
            to.delivered(heldBack.remove(delivered));
        }
    }

    /**
     * Takes a piece of a fragmented event; once complete, the event is {@link #take taken}.
     *
     * @return {@code false} if the piece is beyond what this client holds
     */
    boolean take(Frame.Fragment fragment, long nowNanos, Receiver to) {
        long sequence = fragment.sequence();
        boolean ofHistory = history != null && sequence < joinSequence;
        if (ofHistory ? history.containsKey(sequence) : sequence <= released || heldBack.containsKey(sequence)) {
            return true;
        }
        if (sequence > delivered + ProtocolLimits.MAX_HELD_BACK_EVENTS || fragment.totalLength() > maxEventBytes) {
            return false;
        }
        // the event everything else waits for may go past the budget: history's oldest missing piece, or the next
        boolean awaited = ofHistory ? fragments.keysBelow(sequence).isEmpty()
                : sequence == delivered + 1 && history == null;
        Reassemblies.Added added = fragments.add(sequence, fragment.totalLength(), fragment.offset(), fragment.data(),
                nowNanos, awaited);
        if (added == Reassemblies.Added.NO_ROOM) {
            return false;
        }
        byte[] encoded = fragments.takeComplete(sequence);
        if (encoded == null) {
            return true;
        }
        try {
            WireReader in = new WireReader(ByteBuffer.wrap(encoded));
            Frame whole = Frame.decode(in);
            in.expectEnd();
            EventFrame event = privateStream
                    ? whole instanceof Frame.PrivateEvent entry ? entry.event() : null
                    : whole instanceof EventFrame roomEvent ? roomEvent : null;
            if (event != null && event.sequence() == sequence) {
                return take(event, to);
            }
        } catch (MalformedPacketException e) {
            malformed.run();
        }
        return true;
    }

    /**
     * Lets go of every incomplete fragmented event: the connection that carried them is over, and
     * the one that resumes the stream sends each of them again, whole, from its first piece (its
     * replay starts right after {@link #delivered()}). Kept, they would count as stalled since
     * before the outage ({@link #staleAtNanos}).
     */
    void dropIncomplete() {
        fragments.clear();
    }

    /** When the least recently progressing fragmented event counts as abandoned, given the idle timeout. */
    long staleAtNanos(long idleTimeoutNanos) {
        return fragments.staleAtNanos(idleTimeoutNanos);
    }
}
