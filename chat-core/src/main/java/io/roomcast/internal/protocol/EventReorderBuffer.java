package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.WireReader;
import java.nio.ByteBuffer;
import java.util.TreeMap;

/**
 * The client's view of the room's order: events arrive whole or in FRAGMENTs, in any order and
 * possibly twice, and leave here in room sequence order, each once, with no gap. Each event is
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
    private final Runnable malformed;
    /** The last sequence handed to the application: what DELIVERED reports. */
    private long delivered;
    /** The last sequence up to which every event is here; at least {@code delivered}. */
    private long released;

    /**
     * @param joinSequence  the client's own join: the first event delivered is the one after it
     * @param maxEventBytes the largest encoded event the room can send
     * @param malformed     told when a reassembled event turns out not to be valid
     */
    EventReorderBuffer(long joinSequence, int maxEventBytes, Runnable malformed) {
        this.delivered = joinSequence;
        this.released = joinSequence;
        this.maxEventBytes = maxEventBytes;
        this.malformed = malformed;
    }

    /** The last room sequence delivered. */
    long delivered() {
        return delivered;
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
        if (sequence <= released) {
            return true;
        }
        if (sequence > delivered + ProtocolLimits.MAX_HELD_BACK_EVENTS) {
            return false;
        }
        if (sequence > released + 1) {
            heldBack.putIfAbsent(sequence, event); // waits for a gap to fill
            return true;
        }
        release(event, to);
        EventFrame next;
        while (!heldBack.isEmpty() && (next = heldBack.get(released + 1)) != null) {
            release(next, to);
        }
        return true;
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
        if (sequence <= released || heldBack.containsKey(sequence)) {
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
                return take(event, to);
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
}
