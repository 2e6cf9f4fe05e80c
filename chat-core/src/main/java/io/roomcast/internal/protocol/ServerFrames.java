package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;

/**
 * What the server's packets to a {@link ClientEngine} carry, besides ACKs: the room's events and
 * the private stream (to their {@link EventReorderBuffer}s, then {@link EventDelivery}), refusals,
 * path challenges, and the close handshake, which the engine handles ({@link Closing}).
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class ServerFrames implements Connection.Frames {
    /** The engine's part: whether content is read at all, and the close handshake. */
    interface Closing {
        /** {@code false} before the streams exist or on a connection the client only closes: only the close matters. */
        boolean readsContent();

        /** The server sent CLOSE for {@code reason}. */
        void closedByServer(CloseReason reason);

        /** The server acknowledged the client's CLOSE. */
        void closeAcknowledged();

        /** {@code true} once the connection's frames no longer matter. */
        boolean ended();
    }

    private final ClientSession session;
    private final EventDelivery delivery;
    private final Closing closing;

    ServerFrames(ClientSession session, EventDelivery delivery, Closing closing) {
        this.session = session;
        this.delivery = delivery;
        this.closing = closing;
    }

    @Override
    public boolean take(Frame frame, long now) {
        if (!closing.readsContent() && !(frame instanceof Frame.Close || frame instanceof Frame.CloseAck)) {
            return true; // closed while the PROOF was out: nothing but the close matters now
        }
        if (frame instanceof EventFrame event) {
            return session.events.take(event, delivery.roomOrder);
        } else if (frame instanceof Frame.Fragment fragment) {
            return session.events.take(fragment, now, delivery.roomOrder);
        } else if (frame instanceof Frame.PrivateEvent entry) {
            return session.privateEvents.take(entry.event(), delivery.privateOrder);
        } else if (frame instanceof Frame.PrivateFragment fragment) {
            return session.privateEvents.take(fragment.fragment(), now, delivery.privateOrder);
        } else if (frame instanceof Frame.Error error) {
            delivery.refused(error);
        } else if (frame instanceof Frame.PathChallenge challenge) {
            session.outbox.pathChallenged(challenge.data()); // our address changed; prove we receive here
        } else if (frame instanceof Frame.Close close) {
            closing.closedByServer(close.reason());
        } else if (frame instanceof Frame.CloseAck) {
            closing.closeAcknowledged();
        }
        return true;
    }

    @Override
    public boolean ended() {
        return closing.ended();
    }
}
