package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SrpClientSession;
import io.roomcast.internal.crypto.SrpException;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireFormat;
import io.roomcast.internal.wire.ShortPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the protocol, sans I/O.
 *
 * <p>Lifecycle: {@code HELLO_SENT} → {@code PROOF_SENT} → {@code JOINED} → {@code CLOSING} →
 * {@code FINISHED}. Handshake packets are re-sent with exponential backoff until answered or
 * the connect timeout passes. Once joined, room events are delivered in sequence order with
 * no gap and no duplicate (later events wait for a gap to fill), messages are re-sent until
 * the server confirms them, and the connection is kept alive with PINGs.
 *
 * <p>Not thread-safe: every method runs on the one thread that drives the engine.
 */
public final class ClientEngine implements DatagramEngine {
    private static final Logger log = LoggerFactory.getLogger(ClientEngine.class);

    private enum State { NEW, HELLO_SENT, PROOF_SENT, JOINED, CLOSING, FINISHED }

    private final ClientConfig config;
    private final ClientEventSink sink;
    private final Random random;
    private final String usernameKey;

    private State state = State.NEW;
    private long malformed;

    // handshake
    private final byte[] clientNonce = new byte[WireFormat.NONCE_BYTES];
    private SrpClientSession srp;
    private byte[] hello;
    private byte[] proof;
    private long connectionId;
    private boolean handshakeDue;
    private long handshakeRto = Timing.INITIAL_RTO_NANOS;
    private long handshakeResendAtNanos = Long.MAX_VALUE;
    private long connectDeadlineNanos = Long.MAX_VALUE;
    private HandshakePacket.Welcome[] welcomeParts;
    private int welcomePartsReceived;
    private byte[] verifiedServerProof;

    // joined
    private String roomName;
    private int maxMessageBytes;
    private long idleTimeoutNanos;
    private final Map<String, String> members = new LinkedHashMap<>();
    private long delivered;
    private final TreeMap<Long, EventFrame> heldBack = new TreeMap<>();
    private boolean ackDue;
    private long nextPacketNumber = 1;
    private long lastReceivedNanos;
    private long lastSentNanos;
    private boolean pingDue;

    // sending
    private long nextMessageId = 1;
    private final ArrayDeque<Frame.Send> unconfirmed = new ArrayDeque<>();
    private int transmitted;
    private long sendRto = Timing.INITIAL_RTO_NANOS;
    private long sendRetransmitAtNanos = Long.MAX_VALUE;

    // closing
    private boolean closeDue;
    private long closeResendAtNanos = Long.MAX_VALUE;
    private long closeDeadlineNanos = Long.MAX_VALUE;
    private boolean closeAckDue;
    private CloseReason closedBy;

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
        this.usernameKey = Username.key(config.username());
    }

    /** Sends HELLO and starts the connect timeout. */
    public void start(long nowNanos) {
        if (state != State.NEW) {
            throw new IllegalStateException("already started");
        }
        random.nextBytes(clientNonce);
        srp = new SrpClientSession(config.group(), random);
        hello = encode(new HandshakePacket.Hello(clientNonce, config.username(),
                TimeUnit.NANOSECONDS.toMillis(config.idleTimeoutNanos()), srp.publicValue()));
        state = State.HELLO_SENT;
        connectDeadlineNanos = nowNanos + config.connectTimeoutNanos();
        handshakeDue = true;
        handshakeResendAtNanos = nowNanos + handshakeRto;
    }

    /**
     * Queues a message for the room.
     *
     * @return its message id, which {@link ClientEventSink#sendAccepted} and
     *         {@link ClientEventSink#sendRefused} will name
     * @throws IllegalStateException if the client is not joined
     */
    public long send(String text) {
        if (state != State.JOINED) {
            throw new IllegalStateException("not in the room");
        }
        long id = nextMessageId++;
        unconfirmed.add(new Frame.Send(id, text));
        return id;
    }

    /** {@code true} while joined and not closing. */
    public boolean isJoined() {
        return state == State.JOINED;
    }

    /** The usernames in the room, this client's included, in the order they joined. */
    public List<String> members() {
        return new ArrayList<>(members.values());
    }

    /**
     * Leaves: while joined, sends CLOSE until the server acknowledges it or the close timeout
     * passes; while joining, gives up the attempt.
     */
    public void close(long nowNanos) {
        switch (state) {
            case NEW, HELLO_SENT -> failConnect(ClientEventSink.ConnectFailure.CLOSED, "the client was closed");
            case PROOF_SENT -> {
                // the server may already have admitted us: tell it, once, so no ghost member lingers
                closeAckDue = false;
                state = State.CLOSING;
                closeDue = true;
                closeDeadlineNanos = nowNanos;
                sink.connectFailed(ClientEventSink.ConnectFailure.CLOSED, "the client was closed");
            }
            case JOINED -> {
                state = State.CLOSING;
                closedBy = CloseReason.LEFT;
                closeDue = true;
                closeDeadlineNanos = nowNanos + Timing.CLOSE_TIMEOUT_NANOS;
                closeResendAtNanos = nowNanos + Timing.CLOSE_RETRY_NANOS;
            }
            default -> {
            }
        }
    }

    @Override
    public boolean isFinished() {
        return state == State.FINISHED;
    }

    /** Datagrams dropped as malformed. */
    public long malformedCount() {
        return malformed;
    }

    // ---------------------------------------------------------------- input

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        if (!source.equals(config.server())) {
            return;
        }
        try {
            if (HandshakePacket.isLongHeader(datagram)) {
                handleHandshake(nowNanos, HandshakePacket.decode(datagram));
            } else {
                handleShort(nowNanos, datagram);
            }
        } catch (MalformedPacketException e) {
            malformed++;
            if (log.isDebugEnabled() && malformed % 1000 == 1) {
                log.debug("dropped a malformed datagram ({} so far): {}", malformed, e.getMessage());
            }
        }
    }

    @Override
    public void handleUnreachable(long nowNanos) {
        if (state == State.HELLO_SENT) {
            failConnect(ClientEventSink.ConnectFailure.UNREACHABLE,
                    "nothing is listening at " + config.server() + " (port unreachable)");
        }
    }

    private void handleHandshake(long now, HandshakePacket packet) {
        if (packet instanceof HandshakePacket.Challenge challenge) {
            if (state != State.HELLO_SENT || !java.util.Arrays.equals(challenge.clientNonce(), clientNonce)) {
                return;
            }
            connectionId = challenge.connectionId();
            roomName = challenge.roomName();
            byte[] context = HandshakeContext.of(config.username(), clientNonce, challenge.serverNonce(), connectionId);
            byte[] m1;
            try {
                m1 = srp.respond(roomName, config.password(), challenge.salt(), challenge.serverPublic(), context);
            } catch (SrpException e) {
                failConnect(ClientEventSink.ConnectFailure.SERVER_NOT_AUTHENTIC,
                        "the server sent an invalid challenge: " + e.getMessage());
                return;
            }
            proof = encode(new HandshakePacket.Proof(connectionId, m1));
            state = State.PROOF_SENT;
            handshakeDue = true;
            handshakeRto = Timing.INITIAL_RTO_NANOS;
            handshakeResendAtNanos = now + handshakeRto;
        } else if (packet instanceof HandshakePacket.Welcome welcome) {
            if (state == State.PROOF_SENT && welcome.connectionId() == connectionId) {
                handleWelcome(now, welcome);
            }
        } else if (packet instanceof HandshakePacket.Reject reject) {
            boolean forUs = (state == State.HELLO_SENT && reject.connectionId() == 0)
                    || (state == State.PROOF_SENT && reject.connectionId() == connectionId);
            if (forUs) {
                failConnect(failureFor(reject), reject.detail());
            }
        } else if (packet instanceof HandshakePacket.VersionMismatch mismatch) {
            if (state == State.HELLO_SENT) {
                failConnect(ClientEventSink.ConnectFailure.REFUSED, "the server speaks protocol versions "
                        + mismatch.supportedVersions() + "; this client speaks " + WireFormat.VERSION);
            }
        }
    }

    private void handleWelcome(long now, HandshakePacket.Welcome welcome) {
        if (welcomeParts == null) {
            try {
                srp.verifyServer(welcome.serverProof());
            } catch (SrpException e) {
                failConnect(ClientEventSink.ConnectFailure.SERVER_NOT_AUTHENTIC,
                        "the server could not prove it knows the room password");
                return;
            }
            welcomeParts = new HandshakePacket.Welcome[welcome.partCount()];
            verifiedServerProof = welcome.serverProof();
        }
        if (welcome.partCount() != welcomeParts.length || welcomeParts[welcome.part()] != null
                || !MessageDigest.isEqual(welcome.serverProof(), verifiedServerProof)) {
            return;
        }
        welcomeParts[welcome.part()] = welcome;
        if (++welcomePartsReceived < welcomeParts.length) {
            return;
        }
        HandshakePacket.Welcome first = welcomeParts[0];
        for (HandshakePacket.Welcome part : welcomeParts) {
            for (String name : part.members()) {
                members.put(Username.key(name), name);
            }
        }
        maxMessageBytes = first.maxMessageBytes();
        idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(first.idleTimeoutMillis());
        delivered = first.joinSequence();
        state = State.JOINED;
        welcomeParts = null;
        handshakeDue = false;
        lastReceivedNanos = now;
        lastSentNanos = now;
        ackDue = true; // the first short packet tells the server the welcome arrived
        sink.joined(roomName, members(), maxMessageBytes);
    }

    private void handleShort(long now, ByteBuffer datagram) throws MalformedPacketException {
        if (state != State.JOINED && state != State.CLOSING) {
            return;
        }
        ShortPacket packet = ShortPacket.decode(datagram);
        if (packet.header().connectionId() != connectionId) {
            return;
        }
        lastReceivedNanos = now;
        for (Frame frame : packet.frames()) {
            if (state == State.FINISHED || closeAckDue) {
                return;
            }
            if (frame instanceof EventFrame event) {
                handleEvent(event);
            } else if (frame instanceof Frame.Error error) {
                handleError(now, error);
            } else if (frame instanceof Frame.Close close) {
                closeAckDue = true;
                closedBy = close.reason();
            } else if (frame instanceof Frame.CloseAck) {
                if (state == State.CLOSING) {
                    finish(CloseReason.LEFT);
                }
            }
        }
    }

    private void handleEvent(EventFrame event) {
        ackDue = true;
        long sequence = event.sequence();
        if (sequence <= delivered) {
            return;
        }
        if (sequence > delivered + 1) {
            if (heldBack.size() < ClientConfig.MAX_HELD_BACK_EVENTS) {
                heldBack.putIfAbsent(sequence, event);
            }
            return;
        }
        deliver(event);
        while (!heldBack.isEmpty() && heldBack.firstKey() <= delivered + 1) {
            EventFrame next = heldBack.pollFirstEntry().getValue();
            if (next.sequence() == delivered + 1) {
                deliver(next);
            }
        }
    }

    private void deliver(EventFrame event) {
        delivered = event.sequence();
        String key = Username.key(event.username());
        switch (event.kind()) {
            case MESSAGE -> {
                sink.message(event.sequence(), event.username(), event.text(), event.timestampMillis());
                if (key.equals(usernameKey)) {
                    confirm(event);
                }
            }
            case JOINED -> {
                members.put(key, event.username());
                sink.memberJoined(event.username());
            }
            case LEFT -> {
                members.remove(key);
                sink.memberLeft(event.username(), event.reason());
            }
        }
    }

    private void confirm(EventFrame event) {
        while (!unconfirmed.isEmpty() && unconfirmed.peek().messageId() <= event.messageId()) {
            Frame.Send send = unconfirmed.poll();
            transmitted = Math.max(0, transmitted - 1);
            if (send.messageId() == event.messageId()) {
                sink.sendAccepted(send.messageId(), event.sequence(), send.text(), event.timestampMillis());
            } else {
                // the server processed it (ids are processed in order) but its ERROR was lost
                sink.sendRefused(send.messageId(), ErrorCode.INVALID_MESSAGE, "the server refused the message");
            }
        }
        restartSendTimer(lastReceivedNanos);
    }

    private void handleError(long now, Frame.Error error) {
        for (Iterator<Frame.Send> it = unconfirmed.iterator(); it.hasNext(); ) {
            Frame.Send send = it.next();
            if (send.messageId() == error.messageId()) {
                it.remove();
                transmitted = Math.max(0, transmitted - 1);
                sink.sendRefused(send.messageId(), error.code(), error.detail());
                restartSendTimer(now);
                return;
            }
        }
    }

    private void restartSendTimer(long now) {
        sendRto = Timing.INITIAL_RTO_NANOS;
        sendRetransmitAtNanos = transmitted > 0 ? now + sendRto : Long.MAX_VALUE;
    }

    // ---------------------------------------------------------------- timers

    @Override
    public void handleTimeout(long nowNanos) {
        switch (state) {
            case HELLO_SENT, PROOF_SENT -> {
                if (nowNanos >= connectDeadlineNanos) {
                    failConnect(ClientEventSink.ConnectFailure.TIMED_OUT, "no answer from " + config.server()
                            + " within " + TimeUnit.NANOSECONDS.toMillis(config.connectTimeoutNanos()) + " ms");
                } else if (nowNanos >= handshakeResendAtNanos) {
                    handshakeDue = true;
                    handshakeRto = Timing.backoff(handshakeRto);
                    handshakeResendAtNanos = nowNanos + handshakeRto;
                }
            }
            case JOINED -> {
                if (nowNanos - lastReceivedNanos >= idleTimeoutNanos) {
                    log.debug("the server fell silent for {} ms", TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos));
                    finish(CloseReason.TIMED_OUT);
                    return;
                }
                if (nowNanos >= sendRetransmitAtNanos) {
                    transmitted = 0;
                    sendRto = Timing.backoff(sendRto);
                    sendRetransmitAtNanos = nowNanos + sendRto;
                }
                if (nowNanos - lastSentNanos >= idleTimeoutNanos / 3) {
                    pingDue = true;
                }
            }
            case CLOSING -> {
                if (nowNanos >= closeDeadlineNanos && !closeDue) {
                    finish(CloseReason.LEFT);
                } else if (nowNanos >= closeResendAtNanos) {
                    closeDue = true;
                    closeResendAtNanos = nowNanos + Timing.CLOSE_RETRY_NANOS;
                }
            }
            default -> {
            }
        }
    }

    @Override
    public long nextDeadlineNanos() {
        return switch (state) {
            case HELLO_SENT, PROOF_SENT -> Math.min(connectDeadlineNanos, handshakeResendAtNanos);
            case JOINED -> {
                long next = Math.min(lastReceivedNanos + idleTimeoutNanos, sendRetransmitAtNanos);
                yield pingDue ? next : Math.min(next, lastSentNanos + idleTimeoutNanos / 3);
            }
            case CLOSING -> closeDue ? closeDeadlineNanos : Math.min(closeDeadlineNanos, closeResendAtNanos);
            default -> Long.MAX_VALUE;
        };
    }

    // ---------------------------------------------------------------- output

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        switch (state) {
            case HELLO_SENT, PROOF_SENT -> {
                if (!handshakeDue) {
                    return null;
                }
                handshakeDue = false;
                out.put(state == State.HELLO_SENT ? hello : proof);
                return config.server();
            }
            case JOINED, CLOSING -> {
                return writePacket(nowNanos, out) ? config.server() : null;
            }
            default -> {
                return null;
            }
        }
    }

    private boolean writePacket(long now, ByteBuffer out) {
        int start = ShortHeader.begin(out, connectionId, nextPacketNumber);
        int limit = start + WireFormat.MAX_DATAGRAM_BYTES - WireFormat.PROTECTION_OVERHEAD_BYTES;
        int frames = 0;
        if (ackDue) {
            new Frame.Ack(delivered).encode(out);
            ackDue = false;
            frames++;
        }
        if (closeAckDue) {
            Frame.CloseAck.INSTANCE.encode(out);
            frames++;
        } else if (state == State.CLOSING) {
            if (closeDue) {
                new Frame.Close(CloseReason.LEFT).encode(out);
                closeDue = false;
                frames++;
            }
        } else {
            int index = 0;
            for (Frame.Send send : unconfirmed) {
                if (index >= ClientConfig.SEND_WINDOW) {
                    break;
                }
                if (index++ < transmitted) {
                    continue;
                }
                if (out.position() + send.encodedLength() > limit) {
                    break;
                }
                send.encode(out);
                transmitted++;
                frames++;
            }
            if (transmitted > 0 && sendRetransmitAtNanos == Long.MAX_VALUE) {
                sendRetransmitAtNanos = now + sendRto;
            }
            if (frames == 0 && pingDue) {
                Frame.Ping.INSTANCE.encode(out);
                frames++;
            }
        }
        if (frames == 0) {
            out.position(start);
            return false;
        }
        ShortHeader.finish(out, start);
        nextPacketNumber++;
        lastSentNanos = now;
        pingDue = false;
        if (closeAckDue) {
            finish(closedBy);
        }
        return true;
    }

    // ---------------------------------------------------------------- helpers

    private void failConnect(ClientEventSink.ConnectFailure failure, String detail) {
        state = State.FINISHED;
        sink.connectFailed(failure, detail);
    }

    private void finish(CloseReason reason) {
        if (state == State.FINISHED) {
            return;
        }
        boolean wasJoined = state == State.JOINED || state == State.CLOSING && closedBy != null;
        state = State.FINISHED;
        closeAckDue = false;
        if (wasJoined) {
            sink.disconnected(reason);
        }
    }

    private static ClientEventSink.ConnectFailure failureFor(HandshakePacket.Reject reject) {
        return switch (reject.reason()) {
            case BAD_PASSWORD -> ClientEventSink.ConnectFailure.BAD_PASSWORD;
            case USERNAME_TAKEN -> ClientEventSink.ConnectFailure.USERNAME_TAKEN;
            case INVALID_USERNAME -> ClientEventSink.ConnectFailure.INVALID_USERNAME;
            default -> ClientEventSink.ConnectFailure.REFUSED;
        };
    }

    private static byte[] encode(HandshakePacket packet) {
        ByteBuffer out = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM_BYTES);
        packet.encode(out);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }
}
