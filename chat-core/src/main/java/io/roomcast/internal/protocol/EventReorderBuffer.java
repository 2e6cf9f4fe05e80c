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
 * events arrive whole or in FRAGMENTs, in any order and possibly twice, and leave here in sequence
 * order, each once, with no gap. Later events wait for a gap to fill, within
 * {@link ProtocolLimits#MAX_HELD_BACK_EVENTS} of the last one delivered and
 * {@link ProtocolLimits#MAX_FRAGMENT_BYTES} of fragments; what is beyond is not taken, so the
 * packet is not acknowledged and the server sends it again later.
 *
 * <p>The room stream may begin with history: the number of messages the WELCOME announced, each
 * an event before the client's join. They are collected (in any order, each once) and handed over
 * together, oldest first, before any event after the join; until then {@link #delivered()} stays
 * below the join, so the server keeps re-sending what is lost of them.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class EventReorderBuffer {
    private final TreeMap<Long, EventFrame> heldBack = new TreeMap<>();
    private final TreeMap<Long, Reassembly> fragments = new TreeMap<>();
    private final int maxEventBytes;
    private final boolean privateStream;
    private final Runnable malformed;
    private final long joinSequence;
    private final int historyCount;
    /** History collected so far, or {@code null} once handed over (or when there is none). */
    private TreeMap<Long, EventFrame> history;
    private Consumer<List<EventFrame>> historyTaker;
    private long delivered;
    private long fragmentBytes;

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
     * @param history      given the history, oldest first, once it is all here (at once if there is none)
     */
    EventReorderBuffer(long joinSequence, int historyCount, Consumer<List<EventFrame>> history,
                       int maxEventBytes, Runnable malformed) {
        this(joinSequence, historyCount, history, maxEventBytes, false, malformed);
    }

    /** A buffer for the client's private stream, whose sequence numbers start at 1. */
    static EventReorderBuffer privateStream(int maxEventBytes, Runnable malformed) {
        return new EventReorderBuffer(0, 0, null, maxEventBytes, true, malformed);
    }

    private EventReorderBuffer(long joinSequence, int historyCount, Consumer<List<EventFrame>> history,
                               int maxEventBytes, boolean privateStream, Runnable malformed) {
        this.delivered = joinSequence;
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
    void start(Consumer<EventFrame> deliver) {
        releaseHistoryIfComplete(deliver);
    }

    /**
     * The last sequence delivered: what the client reports. Below the join while history is still
     * being collected, so the server knows to re-send what of it is lost.
     */
    long delivered() {
        return history != null ? joinSequence - 1 : delivered;
    }

    /** {@code true} while history is still being collected. */
    boolean collectingHistory() {
        return history != null;
    }

    /** Events held back waiting for a gap to fill. */
    int heldBackCount() {
        return heldBack.size();
    }

    /** Bytes of incomplete fragmented events held. */
    long fragmentBytes() {
        return fragmentBytes;
    }

    /**
     * Takes a whole event; it and any held-back events it unblocks go to {@code deliver}, in order.
     *
     * @return {@code false} if the event is too far ahead to hold
     */
    boolean take(EventFrame event, Consumer<EventFrame> deliver) {
        long sequence = event.sequence();
        if (history != null && sequence < joinSequence) {
            // history: only messages, each once, no more than announced
            if (event.kind() == EventKind.MESSAGE && (history.size() < historyCount || history.containsKey(sequence))) {
                history.putIfAbsent(sequence, event);
                releaseHistoryIfComplete(deliver);
            }
            return true;
        }
        if (sequence <= delivered) {
            return true;
        }
        if (sequence > delivered + ProtocolLimits.MAX_HELD_BACK_EVENTS) {
            return false;
        }
        if (sequence > delivered + 1 || history != null) {
            heldBack.putIfAbsent(sequence, event);
            return true;
        }
        deliver(event, deliver);
        releaseHeldBack(deliver);
        return true;
    }

    private void releaseHeldBack(Consumer<EventFrame> deliver) {
        while (!heldBack.isEmpty() && heldBack.firstKey() <= delivered + 1) {
            EventFrame next = heldBack.pollFirstEntry().getValue();
            if (next.sequence() == delivered + 1) {
                deliver(next, deliver);
            }
        }
    }

    private void releaseHistoryIfComplete(Consumer<EventFrame> deliver) {
        if (history == null || history.size() < historyCount) {
            return;
        }
        List<EventFrame> messages = new ArrayList<>(history.values());
        history = null;
        // what arrived of the history's fragments is no longer wanted
        fragments.headMap(joinSequence).values().forEach(partial -> fragmentBytes -= partial.totalLength());
        fragments.headMap(joinSequence).clear();
        historyTaker.accept(messages);
        historyTaker = null;
        releaseHeldBack(deliver);
    }

    /**
     * Takes a piece of a fragmented event; once complete, the event is {@link #take taken}.
     *
     * @return {@code false} if the piece is beyond what this client holds
     */
    boolean take(Frame.Fragment fragment, long nowNanos, Consumer<EventFrame> deliver) {
        long sequence = fragment.sequence();
        boolean ofHistory = history != null && sequence < joinSequence;
        if (ofHistory ? history.containsKey(sequence) || history.size() >= historyCount
                : sequence <= delivered || heldBack.containsKey(sequence)) {
            return true;
        }
        if (sequence > delivered + ProtocolLimits.MAX_HELD_BACK_EVENTS || fragment.totalLength() > maxEventBytes) {
            return false;
        }
        Reassembly reassembly = fragments.get(sequence);
        if (reassembly == null) {
            if (fragmentBytes + fragment.totalLength() > ProtocolLimits.MAX_FRAGMENT_BYTES && !fragments.isEmpty()) {
                return false;
            }
            reassembly = new Reassembly(fragment.totalLength(), nowNanos);
            fragments.put(sequence, reassembly);
            fragmentBytes += fragment.totalLength();
        }
        if (!reassembly.add(fragment.totalLength(), fragment.offset(), fragment.data(), nowNanos)
                || !reassembly.isComplete()) {
            return true;
        }
        fragments.remove(sequence);
        fragmentBytes -= reassembly.totalLength();
        try {
            WireReader in = new WireReader(ByteBuffer.wrap(reassembly.bytes()));
            Frame whole = Frame.decode(in);
            in.expectEnd();
            EventFrame event = privateStream
                    ? whole instanceof Frame.PrivateEvent entry ? entry.event() : null
                    : whole instanceof EventFrame roomEvent ? roomEvent : null;
            if (event != null && event.sequence() == sequence) {
                return take(event, deliver);
            }
        } catch (MalformedPacketException e) {
            malformed.run();
        }
        return true;
    }

    /** When the least recently progressing fragmented event counts as abandoned, given the idle timeout. */
    long staleAtNanos(long idleTimeoutNanos) {
        return Reassembly.abandonedAtNanos(fragments.values(), idleTimeoutNanos);
    }

    private void deliver(EventFrame event, Consumer<EventFrame> deliver) {
        delivered = event.sequence();
        deliver.accept(event);
    }
}
