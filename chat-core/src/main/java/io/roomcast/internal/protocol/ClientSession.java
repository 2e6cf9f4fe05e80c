package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClientEngine}'s session in the room, across the connections that carry it: what outlives
 * an outage — the {@link SendWindow} (unconfirmed messages go again with their ids), the room
 * stream's {@link EventReorderBuffer} (it continues where it was) and the {@link ResumeCredential}
 * — and the parts of the current connection, made anew at every WELCOME: the {@link Connection},
 * its {@link ClientOutbox} and the private stream.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    final ResumeCredential credential = new ResumeCredential();
    private final EventDelivery delivery;
    private final Runnable undecodable;
    /** Whether the outbox may add messages and reports to packets now. */
    private final BooleanSupplier sending;

    /** Set at the first WELCOME; kept across an outage (replaced by a {@link #restart}). */
    SendWindow window;
    /** The room's name, from the WELCOME that started the session (or {@link #restart}ed it). */
    String roomName;
    /** Set at the first WELCOME; kept across an outage unless the resume brings history instead. */
    EventReorderBuffer events;
    /** The current connection's parts: made anew at every WELCOME. */
    EventReorderBuffer privateEvents;
    ClientOutbox outbox;
    Connection<ClientOutbox.Sent> connection;

    /**
     * @param undecodable told when a reassembled event does not decode
     * @param sending     whether the outbox may add messages and reports to packets now
     */
    ClientSession(EventDelivery delivery, Runnable undecodable, BooleanSupplier sending) {
        this.delivery = delivery;
        this.undecodable = undecodable;
        this.sending = sending;
    }

    /** The first WELCOME: a send window, both streams and a connection; the room's stream is not started yet. */
    void join(long now, ClientHandshake handshake, ClientHandshake.Welcome welcome) {
        window = new SendWindow(welcome.maxMessageBytes());
        roomName = welcome.roomName();
        open(now, handshake, welcome, true);
        delivery.joined(welcome.members(), window, outbox, privateEvents);
    }

    /**
     * A resuming WELCOME: unconfirmed messages go again with their ids, except those the room had
     * processed (with nothing missed the replayed log confirms the room's; otherwise they, and
     * private ones, are confirmed now, except those the WELCOME names refused: their ERROR
     * follows); a new connection and private stream, and a new room stream
     * (to be started) unless nothing was missed.
     *
     * @return whether nothing was missed
     */
    boolean resume(long now, ClientHandshake handshake, ClientHandshake.Welcome welcome) {
        boolean nothingMissed = welcome.nothingMissed();
        if (nothingMissed) {
            events.dropIncomplete(); // the replay sends them again, whole: their pieces came before the outage
        }
        delivery.resumedSends(welcome.lastProcessedId(), welcome.refusedIds(), nothingMissed);
        open(now, handshake, welcome, !nothingMissed);
        delivery.resumed(nothingMissed ? null : welcome.members(), welcome.resumedAt(), outbox, privateEvents);
        return nothingMissed;
    }

    /**
     * A WELCOME after an outage: the session carries on through the new connection
     * ({@link #resume}: the sink hears {@code reconnected} once the replay reaches the client's own
     * JOINED, or after the history); or another server, which did not know the session, took the
     * client as a new member ({@link #restart}: it stays in that room, with a gap); or the server
     * that held the session admitted a new member instead ({@link #abandon}: it leaves at once).
     *
     * @param carriesOn told, before anything is delivered, that the client is in a room again
     * @return {@code false} in the last case: the client ends
     */
    boolean welcomedBack(long now, ClientHandshake handshake, ClientHandshake.Welcome welcome, ServerRotation servers,
                         ClientClosing closing, Runnable carriesOn) {
        if (!welcome.resumed() && !servers.atSessionServer()) {
            restart(now, handshake, welcome, "the server " + servers.current() + " that took the client"
                    + " back did not know its session: the message may or may not have reached the room");
            servers.sessionHere();
            carriesOn.run();
            log.debug("admitted afresh by {}, which did not know the session", servers.current());
            events.start(delivery.roomOrder); // the sink hears reconnected(false) after the history
            return true;
        }
        if (!welcome.resumed()) {
            closing.abandoned(); // reported by the caller; nothing after it
            abandon(now, handshake, welcome);
            return false;
        }
        boolean nothingMissed = resume(now, handshake, welcome);
        servers.sessionHere();
        carriesOn.run();
        log.debug("resumed ({})", nothingMissed ? "nothing missed" : "history instead of what was missed");
        if (!nothingMissed) {
            events.start(delivery.roomOrder);
        }
        return true;
    }

    /**
     * A WELCOME, from another server than the session's, that admitted a new member instead of
     * resuming this session (that server did not know it): the client carries on as that member,
     * with a gap. Every unconfirmed message is lost ({@code detail} says why: whether the room had it
     * is unknown), a new send window (the new member's ids start again at 1), new streams and a new
     * connection; the room stream is to be started (history, then the gap is reported).
     */
    void restart(long now, ClientHandshake handshake, ClientHandshake.Welcome welcome, String detail) {
        window = new SendWindow(welcome.maxMessageBytes());
        roomName = welcome.roomName();
        open(now, handshake, welcome, true);
        delivery.restarted(detail, welcome.members(), window, outbox, privateEvents); // it settles the old window's
    }

    /**
     * {@code close()} during a handshake whose PROOF went out (joining, or resuming while
     * reconnecting): the server may already have admitted the client, so a connection opens only
     * to tell it, once (one CLOSE, its content never read). The credential is wiped.
     */
    void leaveUnjoined(long now, ClientHandshake handshake, long idleTimeoutNanos) {
        credential.wipe();
        connection = handshake.connection(idleTimeoutNanos, now, Connection.noContent());
        connection.startClosing(CloseReason.LEFT, now, 0);
    }

    /** The application has room again: events held back in either stream go to it now (none before the WELCOME). */
    void deliverHeld() {
        if (events != null) {
            events.deliverHeld(delivery.roomOrder);
            privateEvents.deliverHeld(delivery.privateOrder);
        }
    }

    /**
     * A WELCOME that admitted a new member instead of resuming this session (the server no longer
     * held it, and the name was free): the credential is wiped, and the new member leaves at once,
     * its connection only closed (one CLOSE, as {@code close()} while joining does; its content
     * never read).
     */
    void abandon(long now, ClientHandshake handshake, ClientHandshake.Welcome welcome) {
        log.debug("the server no longer held the session: it admitted a new member instead");
        credential.wipe();
        connection = handshake.connection(welcome.idleTimeoutNanos(), now, Connection.noContent());
        connection.startClosing(CloseReason.LEFT, now, 0);
    }

    /**
     * The handshake's WELCOME opens a connection: a new private stream (and room stream, if
     * {@code newRoomStream}) and outbox over the send window; the credential is the WELCOME's.
     */
    private void open(long now, ClientHandshake handshake, ClientHandshake.Welcome welcome, boolean newRoomStream) {
        int maxEventBytes = welcome.maxMessageBytes() + EventFrame.MAX_OVERHEAD_BYTES;
        if (newRoomStream) {
            events = new EventReorderBuffer(welcome.joinSequence(), welcome.historyCount(), delivery::history,
                    maxEventBytes, undecodable);
        }
        privateEvents = EventReorderBuffer.privateStream(maxEventBytes, undecodable);
        credential.welcomed(welcome.resumeId(), handshake.keys());
        outbox = new ClientOutbox(window, events, privateEvents, sending, now);
        connection = handshake.connection(welcome.idleTimeoutNanos(), now, outbox);
        outbox.attach(connection);
    }

    /**
     * {@code true} if the server is lost at {@code now}: silent for the idle timeout, or an event
     * left incomplete past {@link #staleAtNanos()} (a live server re-sends until acknowledged, so an
     * event this stale will never complete).
     */
    boolean serverLost(long now) {
        if (connection.idleExpired(now)) {
            log.debug("the server fell silent for {} ms", TimeUnit.NANOSECONDS.toMillis(connection.idleTimeoutNanos()));
            return true;
        }
        if (now >= staleAtNanos()) {
            log.debug("an event stayed incomplete for twice the idle timeout");
            return true;
        }
        return false;
    }

    /** The next deadline while joined: the connection's timers, the outbox's, an incomplete event's. */
    long nextDeadlineNanos() {
        long next = Math.min(connection.nextDeadlineNanos(false), outbox.deadlineNanos());
        return Math.min(next, staleAtNanos());
    }

    /** When an incomplete event in either stream counts as abandoned. */
    long staleAtNanos() {
        long idle = connection.idleTimeoutNanos();
        return Math.min(events.staleAtNanos(idle), privateEvents.staleAtNanos(idle));
    }

    /**
     * What resuming this session takes (a copy of the key: the caller wipes it), or {@code null}
     * before the WELCOME or once the keys are wiped: for tests.
     */
    ResumeTicket resumeTicket() {
        return credential.copy(deliveredSequence());
    }

    /** The last room sequence number delivered (0 before the WELCOME). */
    long deliveredSequence() {
        return events == null ? 0 : events.delivered();
    }

    /** Events held back waiting for a gap to fill, for tests that check memory bounds. */
    int heldBackCount() {
        return events == null ? 0 : events.heldBackCount();
    }

    /** Bytes of incomplete fragmented events held, for tests that check memory bounds. */
    long fragmentBytes() {
        return events == null ? 0 : events.fragmentBytes();
    }

    /** Messages not yet confirmed, for tests. */
    int unconfirmedCount() {
        return window == null ? 0 : window.size();
    }
}
