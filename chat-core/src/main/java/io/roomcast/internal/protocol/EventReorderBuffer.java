package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.WireReader;
import java.nio.ByteBuffer;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The client's view of the room's order: events arrive whole or in FRAGMENTs, in any order and
 * possibly twice, and leave here in room sequence order, each once, with no gap. Later events
 * wait for a gap to fill, within {@link ProtocolLimits#MAX_HELD_BACK_EVENTS} of the last one
 * delivered and {@link ProtocolLimits#MAX_FRAGMENT_BYTES} of incomplete fragmented events (every
 * buffer counted, memory allocated as FRAGMENTs arrive, see {@link Reassembly}); what is beyond
 * is not taken, so the packet is not acknowledged and the server sends it again later. The event
 * next to deliver is always taken, even past that budget: every later one waits for it.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class EventReorderBuffer {
    private final TreeMap<Long, EventFrame> heldBack = new TreeMap<>();
    private final Reassemblies fragments = new Reassemblies(ProtocolLimits.MAX_FRAGMENT_BYTES, ByteBudget.unlimited());
    private final int maxEventBytes;
    private final Runnable malformed;
    private long delivered;

    /**
     * @param joinSequence  the client's own join: the first event delivered is the one after it
     * @param maxEventBytes the largest encoded event the room can send
     * @param malformed     told when a reassembled event turns out not to be valid
     */
    EventReorderBuffer(long joinSequence, int maxEventBytes, Runnable malformed) {
        this.delivered = joinSequence;
        this.maxEventBytes = maxEventBytes;
        this.malformed = malformed;
    }

    /** The last room sequence delivered. */
    long delivered() {
        return delivered;
    }

    /** Events held back waiting for a gap to fill. */
    int heldBackCount() {
        return heldBack.size();
    }

    /** Bytes of incomplete fragmented events held, every buffer counted. */
    long fragmentBytes() {
        return fragments.bytesHeld();
    }

    /**
     * Takes a whole event; it and any held-back events it unblocks go to {@code deliver}, in order.
     *
     * @return {@code false} if the event is too far ahead to hold
     */
    boolean take(EventFrame event, Consumer<EventFrame> deliver) {
        long sequence = event.sequence();
        if (sequence <= delivered) {
            return true;
        }
        if (sequence > delivered + ProtocolLimits.MAX_HELD_BACK_EVENTS) {
            return false;
        }
        if (sequence > delivered + 1) {
            heldBack.putIfAbsent(sequence, event);
            return true;
        }
        deliver(event, deliver);
        while (!heldBack.isEmpty() && heldBack.firstKey() <= delivered + 1) {
            EventFrame next = heldBack.pollFirstEntry().getValue();
            if (next.sequence() == delivered + 1) {
                deliver(next, deliver);
            }
        }
        return true;
    }

    /**
     * Takes a piece of a fragmented event; once complete, the event is {@link #take taken}.
     *
     * @return {@code false} if the piece is beyond what this client holds
     */
    boolean take(Frame.Fragment fragment, long nowNanos, Consumer<EventFrame> deliver) {
        long sequence = fragment.sequence();
        if (sequence <= delivered || heldBack.containsKey(sequence)) {
            return true;
        }
        if (sequence > delivered + ProtocolLimits.MAX_HELD_BACK_EVENTS || fragment.totalLength() > maxEventBytes) {
            return false;
        }
        Reassemblies.Added added = fragments.add(sequence, fragment.totalLength(), fragment.offset(), fragment.data(),
                nowNanos, sequence == delivered + 1);
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
            if (whole instanceof EventFrame event && event.sequence() == sequence) {
                return take(event, deliver);
            }
        } catch (MalformedPacketException e) {
            malformed.run();
        }
        return true;
    }

    /** When the least recently progressing fragmented event counts as abandoned, given the idle timeout. */
    long staleAtNanos(long idleTimeoutNanos) {
        return fragments.staleAtNanos(idleTimeoutNanos);
    }

    private void deliver(EventFrame event, Consumer<EventFrame> deliver) {
        delivered = event.sequence();
        deliver.accept(event);
    }
}
