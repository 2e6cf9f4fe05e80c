package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.crypto.SrpClientSession;
import io.roomcast.internal.crypto.SrpException;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.AckFrame;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireFormat;
import io.roomcast.internal.wire.WireReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
    /** A slice smaller than this waits for the next packet. */
    private static final int MIN_SLICE_BYTES = 64;

    private enum State { NEW, HELLO_SENT, PROOF_SENT, JOINED, CLOSING, FINISHED }

    private final ClientConfig config;
    private final ClientEventSink sink;
    private final Random random;
    private final String usernameKey;

    private State state = State.NEW;
    private long malformed;
    private long unauthenticated;

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
    private SessionKeys keys;
    private HandshakePacket.WelcomeBody[] welcomeParts;
    private int welcomePartsReceived;
    private byte[] verifiedServerProof;

    // joined
    private String roomName;
    private int maxMessageBytes;
    private long idleTimeoutNanos;
    private final Map<String, String> members = new LinkedHashMap<>();
    private long nextPacketNumber = 1;
    private long lastReceivedNanos;
    private long lastSentNanos;
    private boolean pingDue;
    private boolean probeDue;
    private long pathResponseDue;
    private boolean hasPathResponseDue;

    // receiving: packets, then events in room order
    private final ReceivedPackets received = new ReceivedPackets();
    private long delivered;
    private final TreeMap<Long, EventFrame> heldBack = new TreeMap<>();
    private final TreeMap<Long, Reassembly> fragments = new TreeMap<>();
    private long fragmentBytes;
    private long deliveredDueAtNanos = Long.MAX_VALUE;

    // sending: messages, as slices, until the room shows them
    private final LossRecovery<Sent> recovery = new LossRecovery<>();
    private long nextMessageId = 1;
    private final TreeMap<Long, Outgoing> unconfirmed = new TreeMap<>();
    /** Messages go out in id order: every one below this id has been sent in full. */
    private long firstUnsentId;
    /** Bytes of unconfirmed messages that have started to go out (what the server may be holding). */
    private long startedBytes;
    private final ArrayDeque<SendPiece> retransmit = new ArrayDeque<>();

    /** A message not yet confirmed; {@code sentOffset} is how much of it has gone out once. */
    private static final class Outgoing {
        final long id;
        final byte[] utf8;
        final String text;
        int sentOffset;
        boolean started;

        Outgoing(long id, String text) {
            this.id = id;
            this.text = text;
            this.utf8 = text.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Bytes {@code offset..offset+length} of message {@code id}. */
    private record SendPiece(long id, int offset, int length) {
    }

    /** What an ack-eliciting packet carried. */
    private record Sent(List<SendPiece> pieces, boolean delivered) {
    }

    // closing
    private boolean closeDue;
    /** Set by close() while messages wait for the server: CLOSE goes out once they are confirmed or this passes. */
    private long leaveDeadlineNanos = Long.MAX_VALUE;
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
        hello = helloWithToken(new byte[0]);
        state = State.HELLO_SENT;
        connectDeadlineNanos = nowNanos + config.connectTimeoutNanos();
        handshakeDue = true;
        handshakeResendAtNanos = nowNanos + handshakeRto;
    }

    private byte[] helloWithToken(byte[] retryToken) {
        return new HandshakePacket.Hello(clientNonce, config.username(),
                TimeUnit.NANOSECONDS.toMillis(config.idleTimeoutNanos()), srp.publicValue(), retryToken).toBytes();
    }

    /**
     * Queues a message for the room.
     *
     * @return its message id, which {@link ClientEventSink#sendAccepted} and
     *         {@link ClientEventSink#sendRefused} will name
     * @throws IllegalStateException if the client is not joined
     */
    public long send(String text) {
        if (state != State.JOINED || leaveDeadlineNanos != Long.MAX_VALUE) {
            throw new IllegalStateException("not in the room");
        }
        long id = nextMessageId++;
        unconfirmed.put(id, new Outgoing(id, text));
        return id;
    }

    /** {@code true} while joined and not closing. */
    public boolean isJoined() {
        return state == State.JOINED && leaveDeadlineNanos == Long.MAX_VALUE;
    }

    /** The usernames in the room, this client's included, in the order they joined. */
    public List<String> members() {
        return new ArrayList<>(members.values());
    }

    /**
     * Leaves: while joined, first lets messages already sent reach the server (for at most
     * {@link Timing#LEAVE_DRAIN_NANOS}), then sends CLOSE until the server acknowledges it or
     * the close timeout passes; while joining, gives up the attempt.
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
                if (unconfirmed.isEmpty()) {
                    startClosing(nowNanos);
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
        if (state == State.JOINED && leaveDeadlineNanos != Long.MAX_VALUE && unconfirmed.isEmpty()) {
            startClosing(lastReceivedNanos); // called while handling a datagram, so that is now
        }
    }

    private void startClosing(long nowNanos) {
        state = State.CLOSING;
        closedBy = CloseReason.LEFT;
        closeDue = true;
        closeDeadlineNanos = nowNanos + Timing.CLOSE_TIMEOUT_NANOS;
        closeResendAtNanos = nowNanos + Timing.CLOSE_RETRY_NANOS;
    }

    @Override
    public boolean isFinished() {
        return state == State.FINISHED;
    }

    /** Events held back waiting for a gap to fill, for tests that check memory bounds. */
    int heldBackCount() {
        return heldBack.size();
    }

    /** Bytes of incomplete fragmented events held, for tests that check memory bounds. */
    long fragmentBytes() {
        return fragmentBytes;
    }

    /** Messages not yet confirmed, for tests. */
    int unconfirmedCount() {
        return unconfirmed.size();
    }

    /** The last room sequence number delivered, for tests. */
    long deliveredSequence() {
        return delivered;
    }

    /** Packets dropped because they did not open: forged, damaged or replayed. */
    public long unauthenticatedCount() {
        return unauthenticated;
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
            keys = SessionKeys.derive(srp.sessionKey(), clientNonce, challenge.serverNonce());
            proof = new HandshakePacket.Proof(connectionId, m1).toBytes();
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
        } else if (packet instanceof HandshakePacket.Retry retry) {
            if (state == State.HELLO_SENT && java.util.Arrays.equals(retry.clientNonce(), clientNonce)) {
                // the server is busy and wants proof that we receive here: echo its token at once
                hello = helloWithToken(retry.token());
                handshakeDue = true;
                handshakeRto = Timing.INITIAL_RTO_NANOS;
                handshakeResendAtNanos = now + handshakeRto;
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
            welcomeParts = new HandshakePacket.WelcomeBody[welcome.partCount()];
            verifiedServerProof = welcome.serverProof();
        }
        if (welcome.partCount() != welcomeParts.length || welcomeParts[welcome.part()] != null
                || !MessageDigest.isEqual(welcome.serverProof(), verifiedServerProof)) {
            return;
        }
        ByteBuffer opened = keys.welcome().open(welcome.part(), ByteBuffer.wrap(welcome.associatedData()),
                ByteBuffer.wrap(welcome.sealedBody()));
        if (opened == null) {
            malformed++;
            return;
        }
        try {
            welcomeParts[welcome.part()] = HandshakePacket.WelcomeBody.decode(opened);
        } catch (MalformedPacketException e) {
            malformed++;
            return;
        }
        if (++welcomePartsReceived < welcomeParts.length) {
            return;
        }
        HandshakePacket.WelcomeBody first = welcomeParts[0];
        for (HandshakePacket.WelcomeBody part : welcomeParts) {
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
        deliveredDueAtNanos = now; // the first short packet tells the server the welcome arrived
        sink.joined(roomName, members(), maxMessageBytes, delivered);
    }

    private void handleShort(long now, ByteBuffer datagram) throws MalformedPacketException {
        if (state != State.JOINED && state != State.CLOSING) {
            return;
        }
        ShortHeader header = ProtectedPackets.peekHeader(datagram);
        if (header.connectionId() != connectionId) {
            return;
        }
        List<Frame> frames = ProtectedPackets.open(keys.serverToClient(), datagram, header);
        if (frames == null) {
            unauthenticated++;
            return;
        }
        long pn = header.packetNumber();
        if (received.isDuplicate(pn)) {
            received.duplicateReceived(now);
            return;
        }
        lastReceivedNanos = now;
        boolean processed = true;
        boolean ackEliciting = false;
        for (Frame frame : frames) {
            if (state == State.FINISHED || closeAckDue) {
                return;
            }
            ackEliciting |= frame.ackEliciting();
            if (frame instanceof AckFrame ack) {
                recovery.onAck(ack, now, sent -> { }, this::requeue);
            } else if (frame instanceof EventFrame event) {
                processed &= handleEvent(event);
            } else if (frame instanceof Frame.Fragment fragment) {
                processed &= handleFragment(now, fragment);
            } else if (frame instanceof Frame.Error error) {
                handleError(error);
            } else if (frame instanceof Frame.PathChallenge challenge) {
                pathResponseDue = challenge.data(); // our address changed; prove we receive here
                hasPathResponseDue = true;
            } else if (frame instanceof Frame.Close close) {
                closeAckDue = true;
                closedBy = close.reason();
            } else if (frame instanceof Frame.CloseAck) {
                if (state == State.CLOSING) {
                    finish(CloseReason.LEFT);
                }
            }
        }
        if (processed) {
            // an event beyond what this client holds is not acknowledged, so the server sends it again
            received.record(pn, ackEliciting, now);
        }
    }

    /** {@code false} if the event is too far ahead to hold. */
    private boolean handleEvent(EventFrame event) {
        long sequence = event.sequence();
        if (sequence <= delivered) {
            return true;
        }
        if (sequence > delivered + ClientConfig.MAX_HELD_BACK_EVENTS) {
            return false;
        }
        if (sequence > delivered + 1) {
            heldBack.putIfAbsent(sequence, event);
            return true;
        }
        deliver(event);
        while (!heldBack.isEmpty() && heldBack.firstKey() <= delivered + 1) {
            EventFrame next = heldBack.pollFirstEntry().getValue();
            if (next.sequence() == delivered + 1) {
                deliver(next);
            }
        }
        return true;
    }

    private boolean handleFragment(long now, Frame.Fragment fragment) {
        long sequence = fragment.sequence();
        if (sequence <= delivered || heldBack.containsKey(sequence)) {
            return true;
        }
        if (sequence > delivered + ClientConfig.MAX_HELD_BACK_EVENTS
                || fragment.totalLength() > maxMessageBytes + EventFrame.MAX_OVERHEAD_BYTES) {
            return false;
        }
        Reassembly reassembly = fragments.get(sequence);
        if (reassembly == null) {
            if (fragmentBytes + fragment.totalLength() > ClientConfig.MAX_FRAGMENT_BYTES && !fragments.isEmpty()) {
                return false;
            }
            reassembly = new Reassembly(fragment.totalLength(), now);
            fragments.put(sequence, reassembly);
            fragmentBytes += fragment.totalLength();
        }
        if (!reassembly.add(fragment.totalLength(), fragment.offset(), fragment.data(), now)) {
            return true;
        }
        if (!reassembly.isComplete()) {
            return true;
        }
        fragments.remove(sequence);
        fragmentBytes -= reassembly.totalLength();
        try {
            WireReader in = new WireReader(ByteBuffer.wrap(reassembly.bytes()));
            Frame whole = Frame.decode(in);
            in.expectEnd();
            if (whole instanceof EventFrame event && event.sequence() == sequence) {
                return handleEvent(event);
            }
        } catch (MalformedPacketException e) {
            malformed++;
        }
        return true;
    }

    private long staleFragmentsAtNanos() {
        long oldest = Long.MAX_VALUE;
        for (Reassembly reassembly : fragments.values()) {
            oldest = Math.min(oldest, reassembly.lastProgressNanos());
        }
        return oldest == Long.MAX_VALUE ? Long.MAX_VALUE : oldest + 2 * idleTimeoutNanos;
    }

    private void deliver(EventFrame event) {
        delivered = event.sequence();
        deliveredDueAtNanos = Math.min(deliveredDueAtNanos, lastReceivedNanos + ReceivedPackets.MAX_ACK_DELAY_NANOS);
        String key = Username.key(event.username());
        switch (event.kind()) {
            case MESSAGE -> {
                sink.message(event.sequence(), event.username(), event.text(), event.timestampMillis());
                if (key.equals(usernameKey)) {
                    Outgoing mine = forget(event.messageId());
                    if (mine != null) {
                        retransmit.removeIf(piece -> piece.id() == mine.id);
                        sink.sendAccepted(mine.id, event.sequence(), mine.text, event.timestampMillis());
                        closeIfDrained();
                    }
                }
            }
            case JOINED -> {
                members.put(key, event.username());
                sink.memberJoined(event.sequence(), event.username());
            }
            case LEFT -> {
                members.remove(key);
                sink.memberLeft(event.sequence(), event.username(), event.reason());
            }
        }
    }

    private void handleError(Frame.Error error) {
        Outgoing refused = forget(error.messageId());
        if (refused != null) {
            retransmit.removeIf(piece -> piece.id() == refused.id);
            sink.sendRefused(refused.id, error.code(), error.detail());
            closeIfDrained();
        }
    }

    private void requeue(Sent sent) {
        for (SendPiece piece : sent.pieces()) {
            if (unconfirmed.containsKey(piece.id())) {
                retransmit.add(piece);
            }
        }
        if (sent.delivered()) {
            deliveredDueAtNanos = Math.min(deliveredDueAtNanos, lastSentNanos);
        }
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
                if (nowNanos >= leaveDeadlineNanos) {
                    startClosing(nowNanos);
                    return;
                }
                if (nowNanos - lastReceivedNanos >= idleTimeoutNanos) {
                    log.debug("the server fell silent for {} ms", TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos));
                    finish(CloseReason.TIMED_OUT);
                    return;
                }
                if (nowNanos >= staleFragmentsAtNanos()) {
                    // a live server re-sends until acknowledged, so an event this stale will never complete
                    log.debug("an event stayed incomplete for twice the idle timeout");
                    finish(CloseReason.TIMED_OUT);
                    return;
                }
                if (recovery.timeoutNanos(ReceivedPackets.MAX_ACK_DELAY_NANOS) <= nowNanos) {
                    Sent probe = recovery.onTimeout(nowNanos, this::requeue);
                    if (probe != null) {
                        requeue(probe);
                        probeDue = true;
                    }
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
                long next = Math.min(lastReceivedNanos + idleTimeoutNanos,
                        recovery.timeoutNanos(ReceivedPackets.MAX_ACK_DELAY_NANOS));
                next = Math.min(next, Math.min(received.ackDueAtNanos(), deliveredDueAtNanos));
                next = Math.min(next, staleFragmentsAtNanos());
                next = Math.min(next, leaveDeadlineNanos);
                yield pingDue || probeDue ? Math.min(next, lastSentNanos) : Math.min(next, lastSentNanos + idleTimeoutNanos / 3);
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
        boolean dataWaiting = state == State.JOINED && !closeAckDue && (!retransmit.isEmpty() || canSendNew()
                || pingDue || probeDue || hasPathResponseDue || deliveredDueAtNanos <= now);
        boolean anything = false;
        boolean eliciting = false;
        if (received.ackPending() && (received.ackDueAtNanos() <= now || dataWaiting || closeAckDue || closeDue)) {
            received.buildAck(now).encode(out);
            anything = true;
        }
        List<SendPiece> pieces = new ArrayList<>();
        boolean sentDelivered = false;
        if (closeAckDue) {
            Frame.CloseAck.INSTANCE.encode(out);
            anything = true;
        } else if (state == State.CLOSING) {
            if (closeDue) {
                new Frame.Close(CloseReason.LEFT).encode(out);
                closeDue = false;
                anything = true;
            }
        } else if (dataWaiting || anything) {
            if (hasPathResponseDue) {
                new Frame.PathResponse(pathResponseDue).encode(out);
                hasPathResponseDue = false;
                anything = true;
            }
            if (deliveredDueAtNanos != Long.MAX_VALUE) {
                new Frame.Delivered(delivered).encode(out);
                deliveredDueAtNanos = Long.MAX_VALUE;
                sentDelivered = true;
            }
            writeMessages(out, limit, pieces);
            eliciting = sentDelivered || !pieces.isEmpty();
            if (!eliciting && (pingDue || probeDue)) {
                Frame.Ping.INSTANCE.encode(out);
                eliciting = true;
            }
            anything |= eliciting;
        }
        if (!anything) {
            out.position(start);
            return false;
        }
        long pn = nextPacketNumber++;
        ProtectedPackets.seal(keys.clientToServer(), out, start, pn);
        if (eliciting) {
            recovery.onSent(pn, now, new Sent(pieces, sentDelivered));
            lastSentNanos = now;
            pingDue = false;
            probeDue = false;
        }
        if (closeAckDue) {
            finish(closedBy);
        }
        return true;
    }

    /** Writes lost slices, then new ones, as far as the packet and the windows allow. */
    private void writeMessages(ByteBuffer out, int limit, List<SendPiece> pieces) {
        while (!retransmit.isEmpty()) {
            SendPiece piece = retransmit.peek();
            Outgoing message = unconfirmed.get(piece.id());
            if (message == null) {
                retransmit.poll();
                continue;
            }
            int written = writeSlice(out, limit, message, piece.offset(), piece.length(), pieces);
            if (written < 0) {
                return;
            }
            retransmit.poll();
            if (written < piece.length()) {
                retransmit.addFirst(new SendPiece(piece.id(), piece.offset() + written, piece.length() - written));
                return;
            }
        }
        while (canSendNew()) {
            Outgoing message = nextNew();
            int length = message.utf8.length - message.sentOffset;
            int written = writeSlice(out, limit, message, message.sentOffset, length, pieces);
            if (written < 0) {
                return;
            }
            if (!message.started) {
                message.started = true;
                startedBytes += message.utf8.length;
            }
            message.sentOffset += written;
            if (message.sentOffset == message.utf8.length) {
                firstUnsentId = message.id + 1;
            }
            if (written < length) {
                return;
            }
        }
    }

    /**
     * Writes a SEND of bytes {@code offset..offset+length} of a message, or as much as fits. A
     * message that would fit an empty packet is never split; it waits for the next packet.
     *
     * @return how many bytes were written, or -1 if no frame was written
     */
    private static int writeSlice(ByteBuffer out, int limit, Outgoing message, int offset, int length,
                                  List<SendPiece> pieces) {
        int room = limit - out.position() - Frame.Send.OVERHEAD_BYTES;
        boolean whole = offset == 0 && length == message.utf8.length;
        if (room < 0 || (length > room && whole && message.utf8.length <= WireFormat.MAX_EVENT_IN_ONE_PACKET_BYTES)) {
            return -1;
        }
        int data = Math.min(length, room);
        if (data < length && data < MIN_SLICE_BYTES) {
            return -1;
        }
        new Frame.Send(message.id, message.utf8.length, offset,
                java.util.Arrays.copyOfRange(message.utf8, offset, offset + data)).encode(out);
        pieces.add(new SendPiece(message.id, offset, data));
        return data;
    }

    private boolean canSendNew() {
        if (recovery.inFlight() >= ClientConfig.PACKET_WINDOW || unconfirmed.isEmpty()) {
            return false;
        }
        Outgoing next = nextNew();
        if (next == null || next.id >= unconfirmed.firstKey() + ClientConfig.SEND_WINDOW) {
            return false;
        }
        if (next.started || next.id == unconfirmed.firstKey()) {
            return true;
        }
        // stay within what the server holds for one member while messages wait their turn
        return startedBytes + next.utf8.length <= ClientConfig.unconfirmedBudget(maxMessageBytes);
    }

    /** The first message not yet sent in full, or null: found from a cursor, not by a scan of the window. */
    private Outgoing nextNew() {
        Map.Entry<Long, Outgoing> next = unconfirmed.ceilingEntry(firstUnsentId);
        return next == null ? null : next.getValue();
    }

    /** Takes a confirmed or refused message out of the window. */
    private Outgoing forget(long id) {
        Outgoing message = unconfirmed.remove(id);
        if (message != null && message.started) {
            startedBytes -= message.utf8.length;
        }
        return message;
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

}
