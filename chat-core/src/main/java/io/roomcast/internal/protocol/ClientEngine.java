package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the protocol, sans I/O: the {@link ClientHandshake}, then one
 * {@link Connection} to the server whose packets carry the {@link ClientOutbox} (the
 * {@link SendWindow}'s messages and the client's DELIVERED reports), while the room's events and
 * the client's private stream each pass through an {@link EventReorderBuffer}, and
 * {@link EventDelivery} hands them to the sink in order.
 *
 * <p>Lifecycle: {@code NEW} → {@code HANDSHAKE} → {@code JOINED} (⇄ {@code RECONNECTING}) →
 * {@code CLOSING} → {@code FINISHED}. With a reconnect time, a client that stops hearing from the
 * server does not finish: it resumes its session ({@link Reconnection}, {@link ResumeTicket}),
 * keeping its send window (unconfirmed messages go again with their ids; new ones queue) and its
 * place in the room stream. Once joined, room events are delivered in sequence order with no gap and no
 * duplicate, messages are re-sent until the server confirms them, and the connection is kept
 * alive with PINGs.
 *
 * <p>Not thread-safe: every method runs on the one thread that drives the engine.
 */
public final class ClientEngine implements DatagramEngine {
    private enum State { NEW, HANDSHAKE, JOINED, RECONNECTING, CLOSING, FINISHED }

    private static final Logger log = LoggerFactory.getLogger(ClientEngine.class);

    private final ClientConfig config;
    private final ClientEventSink sink;
    private final Random random;
    private final ClientHandshake.Outcome handshakeOutcome = new HandshakeOutcome();
    private final Connection.Frames frames = new ServerFrames();
    private final EventDelivery delivery;
    private State state = State.NEW;
    private final MalformedDatagrams malformed = new MalformedDatagrams(log);
    /** The time of the call being handled: callbacks from parts happen within one. */
    private long nowNanos;

    private ClientHandshake handshake;
    private Connection<ClientOutbox.Sent> connection;
    private EventReorderBuffer events;
    private EventReorderBuffer privateEvents;
    private SendWindow window;
    private ClientOutbox outbox;
    /** Set by close() while messages wait for the server: CLOSE goes out once they are confirmed or this passes. */
    private long leaveDeadlineNanos = Long.MAX_VALUE;
    /** A CLOSE_ACK for the server's CLOSE, sent once; then the engine finishes. */
    private byte[] closeAck;
    private CloseReason closedBy;
    private final ResumeCredential credential = new ResumeCredential();
    /** While reconnecting: the attempts' schedule. */
    private Reconnection reconnection;
    /** The server admitted a new member instead of resuming: its connection is only closed, never read. */
    private boolean abandoned;

    /**
     * A client engine; call {@link #start(long)} to begin the handshake.
     *
     * @param random randomness for SRP secrets and the nonce (a {@link java.security.SecureRandom}
     *               in production, seeded in the simulator)
     */
    public ClientEngine(ClientConfig config, ClientEventSink sink, Random random) {
        this.config = config;
        this.sink = sink;
        this.random = random;
        this.delivery = new EventDelivery(sink, Username.key(config.username()), () -> nowNanos, this::closeIfDrained);
    }

    /** Sends HELLO and starts the connect timeout. */
    public void start(long nowNanos) {
        start(nowNanos, null);
    }

    /**
     * Sends HELLO (resuming {@code resume}'s session if not null) and starts the connect timeout.
     * The caller keeps and wipes the ticket's key.
     */
    void start(long nowNanos, ResumeTicket resume) {
        if (state != State.NEW) {
            throw new IllegalStateException("already started");
        }
        handshake = new ClientHandshake(config, random, nowNanos, resume);
        state = State.HANDSHAKE;
    }

    /**
     * What resuming this session takes (a copy of the key: the caller wipes it), or {@code null}
     * before the WELCOME or once the keys are wiped.
     */
    ResumeTicket resumeTicket() {
        return credential.copy(deliveredSequence());
    }

    /**
     * Queues a message for the room.
     *
     * @return its message id, which {@link ClientEventSink#sendAccepted} and
     *         {@link ClientEventSink#sendRefused} will name
     * @throws IllegalStateException if the client is not joined
     */
    public long send(String text) {
        if (!acceptsSends()) {
            throw new IllegalStateException("not in the room");
        }
        return window.add(text);
    }

    /** The sink has room again after {@link ClientEventSink#hasRoom()} said no: held-back events go to it now. */
    public void resumeDelivery(long nowNanos) {
        this.nowNanos = nowNanos;
        if (events != null && (state == State.JOINED || state == State.CLOSING || state == State.RECONNECTING)) {
            events.deliverHeld(delivery.roomOrder);
            privateEvents.deliverHeld(delivery.privateOrder);
        }
    }

    /**
     * Queues a private message for {@code recipient}.
     *
     * @return its message id, which {@link ClientEventSink#privateSent} and
     *         {@link ClientEventSink#sendRefused} will name
     * @throws IllegalStateException if the client is not joined
     */
    public long sendPrivate(String recipient, String text) {
        if (!acceptsSends()) {
            throw new IllegalStateException("not in the room");
        }
        return window.add(recipient, text);
    }

    /**
     * {@code true} while joined, or reconnecting with room in the send window (then messages queue:
     * at most {@link ProtocolLimits#SEND_WINDOW} unconfirmed).
     */
    public boolean acceptsSends() {
        return isJoined() || state == State.RECONNECTING && leaveDeadlineNanos == Long.MAX_VALUE
                && window.size() < ProtocolLimits.SEND_WINDOW;
    }

    /** {@code true} while reconnecting. */
    public boolean isReconnecting() {
        return state == State.RECONNECTING;
    }

    /** {@code true} while joined and not closing. */
    public boolean isJoined() {
        return state == State.JOINED && leaveDeadlineNanos == Long.MAX_VALUE;
    }

    /** The usernames in the room, this client's included, in the order they joined. */
    public List<String> members() {
        return delivery.members();
    }

    /**
     * Leaves: while joined, first lets messages already sent reach the server (for at most
     * {@link Timing#LEAVE_DRAIN_NANOS}), then sends CLOSE until the server acknowledges it or
     * the close timeout passes; while joining, gives up the attempt.
     */
    public void close(long nowNanos) {
        this.nowNanos = nowNanos;
        switch (state) {
            case NEW -> failConnect(ClientEventSink.ConnectFailure.CLOSED, "the client was closed");
            case HANDSHAKE -> {
                if (handshake.proofSent()) {
                    // the server may already have admitted us: tell it, once, so no ghost member lingers
                    connection = handshake.connection(config.idleTimeoutNanos(), nowNanos, Connection.noContent());
                    connection.startClosing(CloseReason.LEFT, nowNanos, 0);
                    state = State.CLOSING;
                    sink.connectFailed(ClientEventSink.ConnectFailure.CLOSED, "the client was closed");
                } else {
                    failConnect(ClientEventSink.ConnectFailure.CLOSED, "the client was closed");
                }
            }
            case RECONNECTING -> finish(CloseReason.LEFT);
            case JOINED -> {
                if (window.isEmpty()) {
                    startClosing();
                } else if (leaveDeadlineNanos == Long.MAX_VALUE) {
                    // like a TCP close: what was sent before close() still goes out, for a bounded time
                    leaveDeadlineNanos = nowNanos + Timing.LEAVE_DRAIN_NANOS;
                }
            }
            default -> {
            }
        }
    }

    private void closeIfDrained() {
        if (state == State.JOINED && leaveDeadlineNanos != Long.MAX_VALUE && window.isEmpty()) {
            startClosing();
        }
    }

    private void startClosing() {
        state = State.CLOSING;
        closedBy = CloseReason.LEFT;
        connection.startClosing(CloseReason.LEFT, nowNanos, Timing.CLOSE_TIMEOUT_NANOS);
    }

    @Override
    public boolean isFinished() {
        return state == State.FINISHED;
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

    /** The session keys (the connection's, and the welcome key) once the PROOF is due, else null: for tests. */
    SessionKeys keys() {
        return handshake == null ? null : handshake.keys();
    }

    /** Handshake answers dropped because they did not echo this client's HELLO nonce, for tests. */
    long strayHandshakeAnswers() {
        return handshake == null ? 0 : handshake.strayAnswers();
    }

    /** The last room sequence number delivered, for tests. */
    long deliveredSequence() {
        return events == null ? 0 : events.delivered();
    }

    /** The connection to the server once joined (null before), for tests that speak through it as a hostile member would. */
    Connection<ClientOutbox.Sent> connection() {
        return connection;
    }

    // ---------------------------------------------------------------- input

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        if (!source.equals(config.server())) {
            return;
        }
        this.nowNanos = nowNanos;
        try {
            if (HandshakePacket.isLongHeader(datagram)) {
                HandshakePacket packet = HandshakePacket.decode(datagram);
                boolean handshaking = state == State.HANDSHAKE || state == State.RECONNECTING && reconnection.attempting();
                if (handshaking && handshake.handle(nowNanos, packet, handshakeOutcome)) {
                    malformed.dropped(source, "a WELCOME part did not open");
                }
            } else if (state == State.JOINED || state == State.CLOSING) {
                ShortHeader header = ProtectedPackets.peekHeader(datagram);
                if (header.connectionId() == connection.id()) {
                    connection.receive(nowNanos, datagram, header, frames);
                }
            }
        } catch (MalformedPacketException e) {
            malformed.dropped(source, e.getMessage());
        }
    }

    @Override
    public void handleUnreachable(long nowNanos) {
        if (state == State.HANDSHAKE && !handshake.proofSent()) {
            failConnect(ClientEventSink.ConnectFailure.UNREACHABLE,
                    "nothing is listening at " + config.server() + " (port unreachable)");
        }
    }

    private void joined(long now, ClientHandshake.Welcome welcome) {
        if (state == State.RECONNECTING) {
            resumed(now, welcome);
            return;
        }
        window = new SendWindow(welcome.maxMessageBytes());
        connect(now, welcome, true);
        delivery.joined(welcome.members(), window, outbox, privateEvents);
        sink.joined(welcome.roomName(), members(), welcome.maxMessageBytes(), welcome.joinSequence());
        events.start(delivery.roomOrder); // a room with no history to send: it is handed over now, empty
    }

    /**
     * The handshake's WELCOME opens a connection: a new private stream (and room stream, if
     * {@code newRoomStream}) and outbox over the send window; the credential is the WELCOME's.
     */
    private void connect(long now, ClientHandshake.Welcome welcome, boolean newRoomStream) {
        Runnable undecodable = () -> malformed.dropped(config.server(), "a reassembled event did not decode");
        int maxEventBytes = welcome.maxMessageBytes() + EventFrame.MAX_OVERHEAD_BYTES;
        if (newRoomStream) {
            events = new EventReorderBuffer(welcome.joinSequence(), welcome.historyCount(), delivery::history,
                    maxEventBytes, undecodable);
        }
        privateEvents = EventReorderBuffer.privateStream(maxEventBytes, undecodable);
        credential.welcomed(welcome.resumeId(), handshake.keys());
        outbox = new ClientOutbox(window, events, privateEvents, () -> state == State.JOINED && closeAck == null,
                now);
        connection = handshake.connection(welcome.idleTimeoutNanos(), now, outbox);
        outbox.attach(connection);
        state = State.JOINED;
    }

    // ---------------------------------------------------------------- timers

    @Override
    public void handleTimeout(long nowNanos) {
        this.nowNanos = nowNanos;
        switch (state) {
            case HANDSHAKE -> handshake.onTimeout(nowNanos, handshakeOutcome);
            case JOINED -> {
                if (nowNanos >= leaveDeadlineNanos) {
                    startClosing();
                } else if (connection.idleExpired(nowNanos)) {
                    log.debug("the server fell silent for {} ms",
                            TimeUnit.NANOSECONDS.toMillis(connection.idleTimeoutNanos()));
                    lost(CloseReason.TIMED_OUT);
                } else if (nowNanos >= staleAtNanos()) {
                    // a live server re-sends until acknowledged, so an event this stale will never complete
                    log.debug("an event stayed incomplete for twice the idle timeout");
                    lost(CloseReason.TIMED_OUT);
                } else {
                    connection.onTimers(nowNanos);
                }
            }
            case RECONNECTING -> reconnectTimers(nowNanos);
            case CLOSING -> {
                if (connection.closeFinished(nowNanos)) {
                    finish(CloseReason.LEFT);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public long nextDeadlineNanos() {
        return switch (state) {
            case HANDSHAKE -> handshake.nextDeadlineNanos();
            case JOINED -> {
                long next = Math.min(connection.nextDeadlineNanos(false), outbox.deadlineNanos());
                next = Math.min(next, staleAtNanos());
                yield Math.min(next, leaveDeadlineNanos);
            }
            case RECONNECTING -> reconnection.attempting()
                    ? Math.min(handshake.nextDeadlineNanos(), reconnection.nextDeadlineNanos())
                    : reconnection.nextDeadlineNanos();
            case CLOSING -> connection.nextDeadlineNanos(false);
            default -> Long.MAX_VALUE;
        };
    }

    /** When an incomplete event in either stream counts as abandoned. */
    private long staleAtNanos() {
        long idle = connection.idleTimeoutNanos();
        return Math.min(events.staleAtNanos(idle), privateEvents.staleAtNanos(idle));
    }

    // ---------------------------------------------------------------- output

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        this.nowNanos = nowNanos;
        switch (state) {
            case HANDSHAKE, RECONNECTING -> {
                if (state == State.RECONNECTING && !reconnection.attempting()) {
                    return null;
                }
                byte[] packet = handshake.packetToSend();
                if (packet == null) {
                    return null;
                }
                out.put(packet);
                return config.server();
            }
            case JOINED, CLOSING -> {
                if (closeAck != null) {
                    out.put(closeAck);
                    finish(closedBy);
                    return config.server();
                }
                return connection.writePacket(nowNanos, out) ? config.server() : null;
            }
            default -> {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- reconnecting

    /** The server fell silent: reconnect if this client may (and can prove its session), else finish. */
    private void lost(CloseReason cause) {
        if (config.reconnectNanos() <= 0 || !credential.held() || leaveDeadlineNanos != Long.MAX_VALUE) {
            finish(cause);
            return;
        }
        handshake.keys().destroy(); // the old connection is over; the resume key lives on here
        state = State.RECONNECTING;
        reconnection = new Reconnection(nowNanos, config.reconnectNanos());
        log.debug("reconnecting for up to {} ms", TimeUnit.NANOSECONDS.toMillis(config.reconnectNanos()));
        delivery.reconnecting();
        sink.reconnecting(cause);
        reconnectTimers(nowNanos);
    }

    private void reconnectTimers(long now) {
        if (reconnection.over(now)) {
            log.debug("could not resume within the reconnect time");
            finish(CloseReason.TIMED_OUT);
        } else if (reconnection.attempting()) {
            handshake.onTimeout(now, handshakeOutcome);
        } else if (reconnection.attemptDue(now)) {
            long attemptNanos = reconnection.attemptStarted(now);
            handshake = new ClientHandshake(config.withConnectTimeout(attemptNanos), random, now,
                    credential.ticket(events.delivered()));
        }
    }

    /** A resume attempt failed: without an answer, the next follows; refused, the session is over. */
    private void attemptFailed(ClientEventSink.ConnectFailure failure, String detail) {
        discardAttemptKeys();
        switch (failure) {
            case TIMED_OUT, UNREACHABLE, REFUSED -> reconnection.attemptFailed(nowNanos, random);
            default -> {
                log.debug("the server refused the resume: {} ({})", failure, detail);
                finish(failure == ClientEventSink.ConnectFailure.BANNED ? CloseReason.BANNED : CloseReason.TIMED_OUT);
            }
        }
    }

    private void discardAttemptKeys() {
        if (handshake.keys() != null) {
            handshake.keys().destroy();
        }
    }

    /**
     * The server took the resume: a new connection carries on the session. Unconfirmed messages go
     * again with their ids, except those the room had processed: with nothing missed the replayed
     * log confirms the room's; otherwise (history instead) they, and private ones, are confirmed now.
     */
    private void resumed(long now, ClientHandshake.Welcome welcome) {
        if (!welcome.resumed()) {
            // the server no longer held the session and admitted a new member under the name: that
            // is not this session coming back, so the new member leaves at once (one CLOSE, as
            // close() while joining does), its events unread, and the client ends as it would have
            log.debug("the server no longer held the session: it admitted a new member instead");
            credential.wipe();
            abandoned = true;
            connection = handshake.connection(welcome.idleTimeoutNanos(), now, Connection.noContent());
            connection.startClosing(CloseReason.LEFT, now, 0);
            state = State.CLOSING;
            closedBy = null; // reported here; nothing after it
            sink.disconnected(CloseReason.TIMED_OUT);
            return;
        }
        boolean nothingMissed = welcome.nothingMissed();
        delivery.resumedSends(welcome.lastProcessedId(), nothingMissed);
        connect(now, welcome, !nothingMissed);
        delivery.resumed(nothingMissed ? null : welcome.members(), outbox, privateEvents);
        reconnection = null;
        log.debug("resumed ({})", nothingMissed ? "nothing missed" : "history instead of what was missed");
        // the sink hears reconnected once the replay reaches the client's own JOINED, or after the history
        if (!nothingMissed) {
            events.start(delivery.roomOrder);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void failConnect(ClientEventSink.ConnectFailure failure, String detail) {
        state = State.FINISHED;
        discardKeys();
        sink.connectFailed(failure, detail);
    }

    private void finish(CloseReason reason) {
        if (state == State.FINISHED) {
            return;
        }
        boolean wasJoined = state == State.JOINED || state == State.RECONNECTING
                || state == State.CLOSING && closedBy != null;
        state = State.FINISHED;
        discardKeys();
        closeAck = null;
        if (wasJoined) {
            sink.disconnected(reason);
        }
    }

    /** Over: the handshake's keys, which the connection uses too, are wiped (nothing is sealed once FINISHED). */
    private void discardKeys() {
        if (handshake != null && handshake.keys() != null) {
            handshake.keys().destroy();
        }
        credential.wipe();
    }

    /** Where the handshake's outcome goes. */
    private final class HandshakeOutcome implements ClientHandshake.Outcome {
        @Override
        public void joined(long now, ClientHandshake.Welcome welcome) {
            ClientEngine.this.joined(now, welcome);
        }

        @Override
        public void failed(ClientEventSink.ConnectFailure failure, String detail) {
            if (state == State.RECONNECTING) {
                attemptFailed(failure, detail);
            } else {
                failConnect(failure, detail);
            }
        }
    }

    /** What the server's packets carry, besides ACKs. */
    private final class ServerFrames implements Connection.Frames {
        @Override
        public boolean take(Frame frame, long now) {
            if ((events == null || abandoned) && !(frame instanceof Frame.Close || frame instanceof Frame.CloseAck)) {
                return true; // closed while the PROOF was out: nothing but the close matters now
            }
            if (frame instanceof EventFrame event) {
                return events.take(event, delivery.roomOrder);
            } else if (frame instanceof Frame.Fragment fragment) {
                return events.take(fragment, now, delivery.roomOrder);
            } else if (frame instanceof Frame.PrivateEvent entry) {
                return privateEvents.take(entry.event(), delivery.privateOrder);
            } else if (frame instanceof Frame.PrivateFragment fragment) {
                return privateEvents.take(fragment.fragment(), now, delivery.privateOrder);
            } else if (frame instanceof Frame.Error error) {
                delivery.refused(error);
            } else if (frame instanceof Frame.PathChallenge challenge) {
                outbox.pathChallenged(challenge.data()); // our address changed; prove we receive here
            } else if (frame instanceof Frame.Close close) {
                closeAck = connection.packetOf(Frame.CloseAck.INSTANCE);
                closedBy = abandoned ? null : close.reason(); // an abandoned client has reported its end
            } else if (frame instanceof Frame.CloseAck && state == State.CLOSING) {
                finish(CloseReason.LEFT);
            }
            return true;
        }

        @Override
        public boolean ended() {
            return state == State.FINISHED || closeAck != null;
        }
    }
}
