package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.Frame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What the client has to tell the server, besides ACKs: its messages (the {@link SendWindow}),
 * how far it has delivered the room's events and its private stream (DELIVERED and
 * PRIVATE_DELIVERED, soon after each delivery, and again if the packet that carried it is lost),
 * and the answer to a PATH_CHALLENGE. The client's
 * {@link Connection} fills its packets from here.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class ClientOutbox implements Connection.Content<ClientOutbox.Sent> {
    /** What an ack-eliciting packet to the server carried. */
    record Sent(List<ResendQueue.Piece> pieces, boolean delivered, boolean privateDelivered) {
    }

    private final SendWindow window;
    private final EventReorderBuffer events;
    private final EventReorderBuffer privateEvents;
    private long privateDeliveredDueAtNanos = Long.MAX_VALUE;
    private final BooleanSupplier open;
    private Connection<Sent> connection;
    private long deliveredDueAtNanos;
    private long pathResponse;
    private boolean pathResponseDue;

    /**
     * An outbox for a client that has just joined: the first packet tells the server the
     * welcome arrived.
     *
     * @param open {@code false} once nothing but ACK and CLOSE may go out (closing, or closed by the server)
     */
    ClientOutbox(SendWindow window, EventReorderBuffer events, EventReorderBuffer privateEvents, BooleanSupplier open,
                 long nowNanos) {
        this.window = window;
        this.events = events;
        this.privateEvents = privateEvents;
        this.open = open;
        this.deliveredDueAtNanos = nowNanos;
    }

    /** The connection whose packets carry this outbox; set once, right after both are made. */
    void attach(Connection<Sent> carrier) {
        this.connection = carrier;
    }

    /** An event was delivered at {@code nowNanos}: report it within the ACK delay. */
    void eventDelivered(long nowNanos) {
        deliveredDueAtNanos = Math.min(deliveredDueAtNanos, nowNanos + ReceivedPackets.MAX_ACK_DELAY_NANOS);
    }

    /** An entry of the private stream was delivered at {@code nowNanos}: report it within the ACK delay. */
    void privateEventDelivered(long nowNanos) {
        privateDeliveredDueAtNanos = Math.min(privateDeliveredDueAtNanos,
                nowNanos + ReceivedPackets.MAX_ACK_DELAY_NANOS);
    }

    /** The server challenged this client's new address: answer on it. */
    void pathChallenged(long data) {
        pathResponse = data;
        pathResponseDue = true;
    }

    /** When a DELIVERED report is due, or {@link Long#MAX_VALUE}. */
    long deadlineNanos() {
        return Math.min(deliveredDueAtNanos, privateDeliveredDueAtNanos);
    }

    @Override
    public boolean hasFramesToSend(long nowNanos) {
        return open.getAsBoolean() && (pathResponseDue || deadlineNanos() <= nowNanos
                || window.hasSomethingToSend(connection.packetsInFlight()));
    }

    @Override
    public Sent write(ByteBuffer out, int limit, boolean carrying, long nowNanos) {
        if (!open.getAsBoolean() || !(carrying || hasFramesToSend(nowNanos))) {
            return null;
        }
        if (pathResponseDue) {
            new Frame.PathResponse(pathResponse).encode(out);
            pathResponseDue = false;
        }
        boolean sentDelivered = deliveredDueAtNanos != Long.MAX_VALUE;
        if (sentDelivered) {
            new Frame.Delivered(events.delivered()).encode(out);
            deliveredDueAtNanos = Long.MAX_VALUE;
        }
        boolean sentPrivateDelivered = privateDeliveredDueAtNanos != Long.MAX_VALUE;
        if (sentPrivateDelivered) {
            new Frame.PrivateDelivered(privateEvents.delivered()).encode(out);
            privateDeliveredDueAtNanos = Long.MAX_VALUE;
        }
        List<ResendQueue.Piece> pieces = new ArrayList<>();
        window.write(out, limit, connection.packetsInFlight(), pieces);
        return sentDelivered || sentPrivateDelivered || !pieces.isEmpty()
                ? new Sent(pieces, sentDelivered, sentPrivateDelivered) : null;
    }

    @Override
    public void lost(Sent sent, long nowNanos) {
        window.lost(sent.pieces());
        if (sent.delivered()) {
            deliveredDueAtNanos = Math.min(deliveredDueAtNanos, nowNanos); // at once
        }
        if (sent.privateDelivered()) {
            privateDeliveredDueAtNanos = Math.min(privateDeliveredDueAtNanos, nowNanos);
        }
    }
}
