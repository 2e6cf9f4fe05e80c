package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
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
 * server does not finish: it resumes its {@link ClientSession} ({@link Reconnection}, {@link ResumeTicket}),
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
    /** Where handshakes do their SRP work; each continuation first sets {@link #nowNanos}. */
    private final Offload offload;
    private final ClientHandshake.Outcome handshakeOutcome = new HandshakeOutcome();
    private final Connection.Frames frames;
    private final EventDelivery delivery;
    private State state = State.NEW;
    private final MalformedDatagrams malformed = new MalformedDatagrams(log);
    /** The time of the call being handled: callbacks from parts happen within one. */
    private long nowNanos;

    private ClientHandshake handshake;
    private final ClientSession session;
    /** The close handshake with the server, and what the end reports (set once, after the session it reads). */
    private ClientClosing closing;
    /** While reconnecting: the attempts' schedule. */
    private Reconnection reconnection;
    /** The addresses of the room and the one in use. */
    private final ServerRotation servers;

    /**
     * A client engine that does its SRP work on its own thread ({@link Offload#INLINE}); call
     * {@link #start(long)} to begin the handshake.
     *
     * @param random randomness for SRP secrets and the nonce (a {@link java.security.SecureRandom}
     *               in production, seeded in the simulator)
     */
    public ClientEngine(ClientConfig config, ClientEventSink sink, Random random) {
        this(config, sink, random, Offload.INLINE);
    }

    /**
     * A client engine; call {@link #start(long)} to begin the handshake.
     *
     * @param random  randomness for SRP secrets and the nonce (a {@link java.security.SecureRandom}
     *                in production, seeded in the simulator); used on the offload's threads too
     * @param offload where the handshakes' SRP work ({@code g^a} for the HELLO, then the
     *                CHALLENGE's {@code respond} and key derivation) runs; its continuations must
     *                come back on the engine's thread
     */
    public ClientEngine(ClientConfig config, ClientEventSink sink, Random random, Offload offload) {
        this.config = config;
        this.sink = sink;
        this.random = random;
        this.offload = offload.withClock(now -> nowNanos = now);
        this.servers = new ServerRotation(config.servers());
        this.delivery = new EventDelivery(sink, Username.key(config.username()), () -> nowNanos, this::closeIfDrained);
        this.session = new ClientSession(delivery,
                () -> malformed.dropped(servers.current(), "a reassembled event did not decode"),
                () -> state == State.JOINED && !closing.ackOwed());
        this.closing = new ClientClosing(session, () -> state == State.FINISHED, () -> {
            if (state == State.CLOSING) {
                finish(CloseReason.LEFT);
            }
        });
        this.frames = new ServerFrames(session, delivery, closing);
    }

    /** Sends HELLO and starts the connect timeout. */
    public void start(long nowNanos) {
        start(nowNanos, null);
    }

    /**
     * Sends HELLO (resuming {@code resume}'s session if not null) to the first address and starts
     * the connect timeout. The caller keeps and wipes the ticket's key.
     */
    void start(long nowNanos, ResumeTicket resume) {
        if (state != State.NEW) {
            throw new IllegalStateException("already started");
        }
        this.nowNanos = nowNanos;
        servers.joinStarts(nowNanos, config.connectTimeoutNanos());
        handshake = joinAttempt(resume);
        state = State.HANDSHAKE;
    }

    /** The room's name as the last WELCOME gave it (another room's after a {@link ClientSession#restart}); null before. */
    public String roomName() {
        return session.roomName;
    }

    /** The room's limit on a message, in bytes of UTF-8, as the last WELCOME gave it; 0 before. */
    public int maxMessageBytes() {
        return session.window == null ? 0 : session.window.maxMessageBytes();
    }

    /**
     * The address in use: the one being joined through, the one whose WELCOME the session came
     * from, or, while reconnecting, the one the running or last attempt went to.
     */
    public InetSocketAddress server() {
        return servers.current();
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
        return session.window.add(text);
    }

    /** The sink has room again after {@link ClientEventSink#hasRoom()} said no: held-back events go to it now. */
    public void resumeDelivery(long nowNanos) {
        this.nowNanos = nowNanos;
        if (state == State.JOINED || state == State.CLOSING || state == State.RECONNECTING) {
            session.deliverHeld();
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
        return session.window.add(recipient, text);
    }

    /**
     * {@code true} while joined, or reconnecting with room in the send window (then messages queue:
     * at most {@link ProtocolLimits#SEND_WINDOW} unconfirmed).
     */
    public boolean acceptsSends() {
        return isJoined() || state == State.RECONNECTING && !closing.draining()
                && session.window.size() < ProtocolLimits.SEND_WINDOW;
    }

    /** {@code true} while reconnecting. */
    public boolean isReconnecting() {
        return state == State.RECONNECTING;
    }

    /** {@code true} while joined and not closing. */
    public boolean isJoined() {
        return state == State.JOINED && !closing.draining();
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
                    session.leaveUnjoined(nowNanos, handshake, config.idleTimeoutNanos());
                    state = State.CLOSING;
                    sink.connectFailed(ClientEventSink.ConnectFailure.CLOSED, "the client was closed");
                } else {
                    failConnect(ClientEventSink.ConnectFailure.CLOSED, "the client was closed");
                }
            }
            case RECONNECTING -> {
                if (reconnection.attempting() && handshake.proofSent()) {
                    closing.abandoned(); // the server may have admitted the resume: told once, as while joining
                    session.leaveUnjoined(nowNanos, handshake, config.idleTimeoutNanos());
                    state = State.CLOSING;
                    sink.disconnected(CloseReason.LEFT);
                } else {
                    finish(CloseReason.LEFT);
                }
            }
            case JOINED -> {
                if (session.window.isEmpty()) {
                    startClosing();
                } else {
                    closing.drainBeforeLeaving(nowNanos);
                }
            }
            default -> {
            }
        }
    }

    private void closeIfDrained() {
        if (state == State.JOINED && closing.draining() && session.window.isEmpty()) {
            startClosing();
        }
    }

    private void startClosing() {
        state = State.CLOSING;
        closing.leaving();
        session.connection.startClosing(CloseReason.LEFT, nowNanos, Timing.CLOSE_TIMEOUT_NANOS);
    }

    @Override
    public boolean isFinished() {
        return state == State.FINISHED;
    }

    /** The session's parts (its stream, window, connection and resume ticket), for tests. */
    ClientSession session() {
        return session;
    }

    /** The current handshake (its keys, its stray answers), or null before {@link #start}: for tests. */
    ClientHandshake handshake() {
        return handshake;
    }

    // ---------------------------------------------------------------- input

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        if (!source.equals(servers.current())) {
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
                if (header.connectionId() == session.connection.id()) {
                    session.connection.receive(nowNanos, datagram, header, frames);
                }
            }
        } catch (MalformedPacketException e) {
            malformed.dropped(source, e.getMessage());
        }
    }

    @Override
    public void handleUnreachable(long nowNanos) {
        this.nowNanos = nowNanos;
        boolean handshaking = state == State.HANDSHAKE || state == State.RECONNECTING && reconnection.attempting();
        if (handshaking && !handshake.proofSent()) {
            handshakeOutcome.failed(ClientEventSink.ConnectFailure.UNREACHABLE,
                    "nothing is listening at " + servers.current() + " (port unreachable)");
        }
    }

    // ---------------------------------------------------------------- timers

    @Override
    public void handleTimeout(long nowNanos) {
        this.nowNanos = nowNanos;
        switch (state) {
            case HANDSHAKE -> handshake.onTimeout(nowNanos, handshakeOutcome);
            case JOINED -> {
                if (nowNanos >= closing.leaveDeadlineNanos()) {
                    startClosing();
                } else if (session.serverLost(nowNanos)) {
                    lost(CloseReason.TIMED_OUT);
                } else {
                    session.connection.onTimers(nowNanos);
                }
            }
            case RECONNECTING -> reconnectTimers(nowNanos);
            case CLOSING -> {
                if (session.connection.closeFinished(nowNanos)) {
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
            case JOINED -> Math.min(session.nextDeadlineNanos(), closing.leaveDeadlineNanos());
            case RECONNECTING -> reconnection.nextDeadlineNanos(handshake);
            case CLOSING -> session.connection.nextDeadlineNanos(false);
            default -> Long.MAX_VALUE;
        };
    }

    // ---------------------------------------------------------------- output

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        this.nowNanos = nowNanos;
        switch (state) {
            case HANDSHAKE, RECONNECTING -> {
                byte[] packet = state == State.HANDSHAKE ? handshake.packetToSend() : reconnection.packetToSend(handshake);
                if (packet == null) {
                    return null;
                }
                out.put(packet);
                return servers.current();
            }
            case JOINED, CLOSING -> {
                if (closing.ackOwed()) {
                    out.put(closing.takeAck());
                    finish(closing.closedBy());
                    return servers.current();
                }
                return session.connection.writePacket(nowNanos, out) ? servers.current() : null;
            }
            default -> {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- reconnecting

    /** The server fell silent: reconnect if this client may (and can prove its session), else finish. */
    private void lost(CloseReason cause) {
        reconnection = Reconnection.start(nowNanos, config, random, offload, session.credential, closing.draining(),
                servers);
        if (reconnection == null) {
            finish(cause);
            return;
        }
        handshake.keys().destroy(); // the old connection is over; the resume key lives on here
        state = State.RECONNECTING;
        delivery.reconnecting();
        sink.reconnecting(cause);
        reconnectTimers(nowNanos);
    }

    private void reconnectTimers(long now) {
        ClientHandshake attempt = reconnection.onTimers(now, handshake, handshakeOutcome, session);
        if (attempt == null) {
            finish(CloseReason.TIMED_OUT);
        } else {
            handshake = attempt;
        }
    }

    /** The server took the resume: a new connection carries on the session ({@link ClientSession#welcomedBack}). */
    private void resumed(long now, ClientHandshake.Welcome welcome) {
        if (!session.welcomedBack(now, handshake, welcome, servers, closing, () -> {
            state = State.JOINED;
            reconnection = null;
        })) {
            state = State.CLOSING; // not this session coming back: the client ends as it would have
            sink.disconnected(CloseReason.TIMED_OUT);
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
                || state == State.CLOSING && closing.closedBy() != null;
        state = State.FINISHED;
        discardKeys();
        if (wasJoined) {
            sink.disconnected(reason);
        }
    }

    /** Over: the handshake's keys, which the connection uses too, are wiped (nothing is sealed once FINISHED). */
    private void discardKeys() {
        if (handshake != null) {
            handshake.discard(); // SRP work still out for it comes back to nothing
        }
        session.credential.wipe();
    }

    /** A handshake to the current address, for its share of the connect timeout. */
    private ClientHandshake joinAttempt(ResumeTicket resume) {
        return new ClientHandshake(config.at(servers.current(), servers.joinShareNanos(nowNanos)), random, nowNanos,
                resume, offload);
    }

    /** Where the handshake's outcome goes. */
    private final class HandshakeOutcome implements ClientHandshake.Outcome {
        @Override
        public void joined(long now, ClientHandshake.Welcome welcome) {
            if (state == State.RECONNECTING) {
                resumed(now, welcome);
                return;
            }
            session.join(now, handshake, welcome);
            servers.sessionHere();
            state = State.JOINED;
            sink.joined(welcome.roomName(), members(), welcome.maxMessageBytes(), welcome.joinSequence());
            session.events.start(delivery.roomOrder); // a room with no history to send: it is handed over now, empty
        }

        @Override
        public void failed(ClientEventSink.ConnectFailure failure, String detail) {
            if (state == State.RECONNECTING) {
                CloseReason end = reconnection.attemptFailed(nowNanos, handshake, failure, detail);
                if (end != null) {
                    finish(end);
                }
            } else {
                joinFailed(failure, detail);
            }
        }

        /** Joining through the current address failed: the next address is tried, or the join fails. */
        private void joinFailed(ClientEventSink.ConnectFailure failure, String detail) {
            if (!servers.joinFailed(failure, detail, handshake.stayedBusy())) {
                failConnect(servers.joinFailure(failure), servers.joinDetail(detail));
                return;
            }
            log.debug("could not join through the previous address ({}): trying {}", detail, servers.current());
            handshake.discard(); // SRP work still out for it comes back to nothing
            handshake = joinAttempt(null);
        }
    }
}
