package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.crypto.SrpException;
import io.roomcast.internal.crypto.SrpServerSession;
import io.roomcast.internal.room.AttemptThrottle;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.AckFrame;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.RejectReason;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.UnsupportedVersionException;
import io.roomcast.internal.wire.WireFormat;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the protocol, sans I/O: handshakes, members, the room, event delivery,
 * liveness and closing.
 *
 * <p>Lifecycle: running until {@link #close(long)}, then closing (every member is sent CLOSE
 * until it acknowledges or the close timeout passes), then finished.
 *
 * <p>Not thread-safe: every method runs on the one thread that drives the engine.
 */
public final class ServerEngine implements DatagramEngine {
    private static final Logger log = LoggerFactory.getLogger(ServerEngine.class);

    /** The most handshakes in progress at once; beyond it a HELLO is refused as busy. */
    static final int MAX_PENDING_HANDSHAKES = 1024;
    /** An unvalidated address is never sent more than this many times the bytes it sent. */
    static final int AMPLIFICATION_FACTOR = 3;
    /** A fragment smaller than this waits for the next packet. */
    private static final int MIN_FRAGMENT_BYTES = 64;
    /** How long a refused or closed connection's last answer is kept, to repeat it to retransmissions. */
    private static final long ECHO_LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ServerConfig config;
    private final ServerEventSink sink;
    private final Random random;
    private final LongSupplier wallClockMillis;
    private final Room room;

    private final Map<Long, MemberConnection> members = new LinkedHashMap<>();
    private final MemberDeadlines deadlines = new MemberDeadlines(ServerEngine::deadlineOf);
    // both in insertion order, which is expiry order (a fixed lifetime from a monotonic clock),
    // so the next expiry is the first entry: no scan per loop turn, however many there are
    private final Map<Long, PendingHandshake> handshakes = new LinkedHashMap<>();
    private final Map<NonceKey, PendingHandshake> handshakesByNonce = new HashMap<>();
    /** Answers to repeat if a finished connection's last packet is retransmitted: REJECTs and CLOSE_ACKs. */
    private final Map<Long, Echo> echoes = new LinkedHashMap<>();
    private final ArrayDeque<Datagram> replies = new ArrayDeque<>();
    private final ArrayDeque<MemberConnection> sendQueue = new ArrayDeque<>();
    private final ServerStats stats = new ServerStats();
    private final Offload offload;
    private final RetryTokens retryTokens;
    private final AttemptThrottle throttle = new AttemptThrottle(ServerConfig.MAX_FAILED_PROOFS,
            ServerConfig.FAILED_PROOF_WINDOW_NANOS);

    private boolean closing;
    private long closeDeadlineNanos = Long.MAX_VALUE;

    /**
     * A server engine.
     *
     * @param config          the room's settings
     * @param sink            where events go
     * @param random          randomness for SRP secrets, nonces and connection ids (a
     *                        {@link java.security.SecureRandom} in production, seeded in the simulator)
     * @param wallClockMillis the wall clock that stamps events
     */
    public ServerEngine(ServerConfig config, ServerEventSink sink, Random random, LongSupplier wallClockMillis) {
        this(config, sink, random, wallClockMillis, Offload.INLINE);
    }

    /**
     * A server engine that does its SRP work through {@code offload}.
     *
     * @param offload where SRP modular exponentiation runs; its results come back to the engine's thread
     */
    public ServerEngine(ServerConfig config, ServerEventSink sink, Random random, LongSupplier wallClockMillis,
                        Offload offload) {
        this.offload = offload;
        this.retryTokens = new RetryTokens(random);
        this.config = config;
        this.sink = sink;
        this.random = random;
        this.wallClockMillis = wallClockMillis;
        this.room = new Room(config.roomName(), config.maxMembers(), config.logCapacity(), config.logBytes());
    }

    /** The members' usernames, in the order they joined. */
    public List<String> memberNames() {
        return room.members();
    }

    /** The members' connections, for tests that check memory bounds. */
    java.util.Collection<MemberConnection> connections() {
        return members.values();
    }

    /** Handshakes in progress, for tests that check memory bounds. */
    int pendingHandshakes() {
        return handshakes.size() + handshakesByNonce.size();
    }

    /** Remembered last answers of finished connections, for tests that check memory bounds. */
    int echoCount() {
        return echoes.size();
    }

    /** The room, for tests. */
    Room room() {
        return room;
    }

    /** Counters of what the engine dropped and why. */
    public ServerStats stats() {
        return stats;
    }

    /**
     * Starts closing: every member is told {@code SERVER_CLOSED} and reported to the sink as
     * having left. The engine finishes once all have acknowledged or the close timeout passed.
     */
    public void close(long nowNanos) {
        if (closing) {
            return;
        }
        closing = true;
        closeDeadlineNanos = nowNanos + Timing.CLOSE_TIMEOUT_NANOS;
        handshakes.clear();
        handshakesByNonce.clear();
        for (MemberConnection member : members.values()) {
            member.closing = CloseReason.SERVER_CLOSED;
            member.closeResendAtNanos = nowNanos;
            room.leave(member.username, CloseReason.SERVER_CLOSED, wallClockMillis.getAsLong());
            sink.memberLeft(0, member.username, member.address, CloseReason.SERVER_CLOSED);
            enqueue(member);
        }
    }

    @Override
    public boolean isFinished() {
        if (!closing || !replies.isEmpty()) {
            return false;
        }
        return members.isEmpty();
    }

    // ---------------------------------------------------------------- input

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        int received = datagram.remaining();
        try {
            if (HandshakePacket.isLongHeader(datagram)) {
                handleHandshake(nowNanos, datagram, source);
            } else {
                handleShort(nowNanos, datagram, source);
            }
        } catch (UnsupportedVersionException e) {
            stats.versionMismatches++;
            reply(source, new HandshakePacket.VersionMismatch(List.of(WireFormat.VERSION)).toBytes(), received);
        } catch (MalformedPacketException e) {
            stats.malformed++;
            if (log.isDebugEnabled() && stats.malformed % 1000 == 1) {
                log.debug("dropped a malformed datagram from {} ({} so far): {}", source, stats.malformed,
                        e.getMessage());
            }
        }
    }

    private void handleHandshake(long now, ByteBuffer datagram, InetSocketAddress source)
            throws MalformedPacketException {
        int received = datagram.remaining();
        HandshakePacket packet = HandshakePacket.decode(datagram);
        if (closing) {
            return;
        }
        if (packet instanceof HandshakePacket.Hello hello) {
            handleHello(now, hello, source, received);
        } else if (packet instanceof HandshakePacket.Proof proof) {
            handleProof(now, proof, source, received);
        } else {
            stats.unexpected++;
        }
    }

    private void handleHello(long now, HandshakePacket.Hello hello, InetSocketAddress source, int received) {
        long refusedFor = throttle.refusedForNanos(source.getAddress(), now);
        if (refusedFor > 0) {
            stats.throttled++;
            reply(source, new HandshakePacket.Reject(0, RejectReason.THROTTLED, "too many wrong passwords from "
                    + source.getAddress().getHostAddress() + "; try again in "
                    + TimeUnit.NANOSECONDS.toSeconds(refusedFor + TimeUnit.SECONDS.toNanos(1) - 1) + " s").toBytes(),
                    received);
            return;
        }
        NonceKey nonce = new NonceKey(hello.clientNonce());
        PendingHandshake pending = handshakesByNonce.get(nonce);
        if (pending != null) {
            // a retransmitted or replayed HELLO: answer with the same challenge, do no new work
            if (pending.address.equals(source) && pending.challenge != null) {
                reply(source, pending.challenge, received);
            }
            return;
        }
        if (handshakes.size() >= config.retryThreshold() && !retryTokens.isValid(hello.retryToken(), source, now)) {
            // busy: no modular exponentiation until the client shows it receives at this address
            stats.retries++;
            reply(source, new HandshakePacket.Retry(hello.clientNonce(), retryTokens.issue(source, now)).toBytes(),
                    received);
            return;
        }
        if (handshakes.size() >= MAX_PENDING_HANDSHAKES) {
            reply(source, new HandshakePacket.Reject(0, RejectReason.SERVER_BUSY,
                    "the server is busy with other joins; try again shortly").toBytes(), received);
            return;
        }
        long connectionId = newConnectionId();
        byte[] serverNonce = new byte[WireFormat.NONCE_BYTES];
        random.nextBytes(serverNonce);
        long idle = Math.min(config.idleTimeoutNanos(), TimeUnit.MILLISECONDS.toNanos(hello.idleTimeoutMillis()));
        PendingHandshake started = new PendingHandshake(connectionId, source, nonce, hello.username(), idle,
                serverNonce, HandshakeContext.of(hello.username(), hello.clientNonce(), serverNonce, connectionId),
                now + Timing.HANDSHAKE_LIFETIME_NANOS);
        handshakes.put(connectionId, started);
        handshakesByNonce.put(nonce, started);
        byte[] clientPublic = hello.clientPublic();
        offload.submit(now, () -> {
            try {
                return new SrpServerSession(config.group(), config.verifier(), clientPublic, random);
            } catch (SrpException e) {
                return null;
            }
        }, (srp, later) -> challenge(started, srp, received));
    }

    /** Back on the engine's thread with {@code B} computed. */
    private void challenge(PendingHandshake pending, SrpServerSession srp, int received) {
        if (handshakes.get(pending.connectionId) != pending) {
            return; // expired, or the server is closing
        }
        if (srp == null) {
            stats.malformed++;
            forget(pending);
            return;
        }
        pending.srp = srp;
        pending.challenge = new HandshakePacket.Challenge(pending.nonce.bytes(), pending.connectionId,
                pending.serverNonce, config.roomName(), config.verifier().salt(), srp.publicValue()).toBytes();
        reply(pending.address, pending.challenge, received);
    }

    private void handleProof(long now, HandshakePacket.Proof proof, InetSocketAddress source, int received) {
        long connectionId = proof.connectionId();
        PendingHandshake pending = handshakes.get(connectionId);
        if (pending == null) {
            MemberConnection member = members.get(connectionId);
            if (member != null && member.address.equals(source) && member.welcomeParts != null) {
                // the PROOF is authentic (only its sender knew the challenge), so the address is validated
                member.lastReceivedNanos = now; // it lives: its welcome was lost, not the member
                deadlines.touch(member);
                for (byte[] part : member.welcomeParts) {
                    replies.add(new Datagram(source, part));
                }
                return;
            }
            repeatEcho(connectionId, source, received);
            return;
        }
        if (!pending.address.equals(source) || pending.srp == null || pending.verifying) {
            stats.unexpected++; // another address, or a duplicate while the first is still being checked
            return;
        }
        pending.verifying = true;
        SrpServerSession srp = pending.srp;
        byte[] clientProof = proof.clientProof();
        offload.submit(now, () -> {
            try {
                byte[] serverProof = srp.verifyClient(clientProof, pending.context);
                return new Verified(serverProof,
                        SessionKeys.derive(srp.sessionKey(), pending.nonce.bytes(), pending.serverNonce));
            } catch (SrpException e) {
                return null;
            }
        }, (verified, later) -> proved(later, pending, verified, received));
    }

    /** Back on the engine's thread with the proof checked. */
    private void proved(long now, PendingHandshake pending, Verified verified, int received) {
        if (handshakes.get(pending.connectionId) != pending) {
            return; // expired, or the server is closing
        }
        forget(pending);
        InetAddress ip = pending.address.getAddress();
        if (verified == null) {
            stats.badPasswords++;
            throttle.failed(ip, now);
            log.debug("wrong password from {} for '{}'", pending.address, pending.username);
            refuse(now, pending, RejectReason.BAD_PASSWORD, "wrong password", received);
            return;
        }
        throttle.succeeded(ip);
        Optional<Room.Refusal> refusal = room.checkAdmission(pending.username);
        if (refusal.isPresent()) {
            refuse(now, pending, refusal.get().reason(), refusal.get().detail(), received);
            return;
        }
        admit(now, pending, verified);
    }

    private void admit(long now, PendingHandshake pending, Verified verified) {
        EventFrame joined = room.join(pending.username, wallClockMillis.getAsLong());
        MemberConnection member = new MemberConnection(pending.connectionId, pending.address, joined.username(),
                joined.sequence(), pending.idleTimeoutNanos, verified.keys(),
                new TokenBucket(config.messagesPerSecond(), config.messageBurst(), now), now);
        member.welcomeParts = welcome(member, verified.serverProof());
        members.put(member.connectionId, member);
        deadlines.touch(member);
        for (byte[] part : member.welcomeParts) {
            replies.add(new Datagram(member.address, part));
        }
        log.debug("{} joined from {}", member.username, member.address);
        sink.memberJoined(joined.sequence(), member.username, member.address);
        eventAppended();
    }

    private byte[][] welcome(MemberConnection member, byte[] serverProof) {
        List<List<String>> parts = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int fixed = HandshakePacket.Welcome.CLEAR_BYTES + PacketProtector.TAG_BYTES
                + HandshakePacket.WelcomeBody.FIXED_BYTES;
        int size = fixed;
        for (String name : room.members()) {
            int nameBytes = 1 + name.getBytes(StandardCharsets.UTF_8).length;
            if (size + nameBytes > WireFormat.MAX_DATAGRAM_BYTES) {
                parts.add(current);
                current = new ArrayList<>();
                size = fixed;
            }
            current.add(name);
            size += nameBytes;
        }
        parts.add(current);
        byte[][] encoded = new byte[parts.size()][];
        for (int i = 0; i < parts.size(); i++) {
            HandshakePacket.WelcomeBody body = new HandshakePacket.WelcomeBody(member.joinSequence,
                    config.maxMessageBytes(), TimeUnit.NANOSECONDS.toMillis(member.idleTimeoutNanos), parts.get(i));
            HandshakePacket.Welcome clear = new HandshakePacket.Welcome(member.connectionId, serverProof, i,
                    parts.size(), new byte[0]);
            byte[] sealed = member.keys.welcome().seal(i, clear.associatedData(), body.toBytes());
            encoded[i] = new HandshakePacket.Welcome(member.connectionId, serverProof, i, parts.size(), sealed)
                    .toBytes();
        }
        return encoded;
    }

    private void refuse(long now, PendingHandshake pending, RejectReason reason, String detail, int received) {
        byte[] reject = new HandshakePacket.Reject(pending.connectionId, reason, detail).toBytes();
        keepEcho(pending.connectionId, new Echo(pending.address, reject, now + ECHO_LIFETIME_NANOS));
        reply(pending.address, reject, received);
    }

    private void repeatEcho(long connectionId, InetSocketAddress source, int received) {
        Echo echo = echoes.get(connectionId);
        if (echo != null && echo.address.equals(source)) {
            reply(source, echo.bytes, received);
        } else {
            stats.unknownConnection++;
        }
    }

    /**
     * Answers a datagram from an address not known to receive there: never with more than
     * {@link #AMPLIFICATION_FACTOR} times what arrived, so the server cannot be used to amplify
     * a flood at a spoofed victim.
     */
    private void reply(InetSocketAddress to, byte[] bytes, int received) {
        if (bytes.length > AMPLIFICATION_FACTOR * (long) received) {
            stats.amplificationLimited++;
            return;
        }
        replies.add(new Datagram(to, bytes));
    }

    private void handleShort(long now, ByteBuffer datagram, InetSocketAddress source) throws MalformedPacketException {
        ShortHeader header = ProtectedPackets.peekHeader(datagram);
        MemberConnection member = members.get(header.connectionId());
        if (member == null) {
            // a CLOSE retransmitted after the member left gets its CLOSE_ACK again
            repeatEcho(header.connectionId(), source, datagram.remaining());
            return;
        }
        List<Frame> frames = ProtectedPackets.open(member.keys.clientToServer(), datagram, header);
        if (frames == null) {
            stats.unauthenticated++;
            return;
        }
        deadlines.touch(member);
        long pn = header.packetNumber();
        if (member.received.isDuplicate(pn)) {
            stats.duplicatePackets++;
            member.received.duplicateReceived(now);
            enqueue(member);
            return;
        }
        if (!member.address.equals(source)) {
            // an authentic, fresh packet from a new address (NAT rebinding, roaming): validate the path
            migrationSeen(now, member, source, datagram.remaining());
        }
        member.lastReceivedNanos = now;
        member.welcomeParts = null;
        boolean processed = true;
        boolean ackEliciting = false;
        for (Frame frame : frames) {
            if (!members.containsKey(member.connectionId)) {
                return;
            }
            ackEliciting |= frame.ackEliciting();
            processed &= handleFrame(now, member, frame, source);
        }
        if (processed && members.containsKey(member.connectionId)) {
            // a packet whose data could not be taken is not acknowledged, so the member sends it again
            member.received.record(pn, ackEliciting, now);
            if (member.received.ackPending()) {
                enqueue(member);
            }
        }
    }

    /** Handles one frame; {@code false} if it carried data the server could not take now. */
    private boolean handleFrame(long now, MemberConnection member, Frame frame, InetSocketAddress source) {
        if (frame instanceof AckFrame ack) {
            member.recovery.onAck(ack, now, sent -> { }, sent -> requeue(member, sent));
            enqueue(member);
        } else if (frame instanceof Frame.Send send) {
            return handleSend(now, member, send);
        } else if (frame instanceof Frame.Delivered delivered) {
            handleDelivered(member, delivered.sequence());
        } else if (frame instanceof Frame.Close close) {
            handleClose(now, member, close.reason());
        } else if (frame instanceof Frame.CloseAck) {
            if (member.closing != null) {
                drop(member);
            }
        } else if (frame instanceof Frame.PathResponse response) {
            pathResponse(member, response, source);
        } else if (!(frame instanceof Frame.Ping)) {
            stats.unexpected++;
        }
        return true;
    }

    private void migrationSeen(long now, MemberConnection member, InetSocketAddress source, int bytes) {
        if (!source.equals(member.candidate)) {
            member.candidate = source;
            member.candidateChallenge = random.nextLong();
            member.candidateBytesReceived = 0;
            member.candidateBytesSent = 0;
            member.challengeDue = true;
            member.candidateChallengeAtNanos = now;
            stats.pathChallenges++;
            log.debug("{} speaks from {}: validating the new path", member.username, source);
        }
        member.candidateBytesReceived += bytes;
        if (now >= member.candidateChallengeAtNanos) {
            member.challengeDue = true;
        }
        enqueue(member);
    }

    private void pathResponse(MemberConnection member, Frame.PathResponse response, InetSocketAddress source) {
        if (member.candidate == null || response.data() != member.candidateChallenge
                || !member.candidate.equals(source)) {
            return; // a response must come back on the path that was challenged
        }
        log.debug("{} moved from {} to {}", member.username, member.address, member.candidate);
        member.address = member.candidate;
        member.candidate = null;
        member.challengeDue = false;
        member.candidateChallengeAtNanos = Long.MAX_VALUE;
        stats.migrations++;
    }

    private void handleDelivered(MemberConnection member, long sequence) {
        if (sequence <= member.delivered || sequence > room.log().lastSequence()) {
            return;
        }
        member.delivered = sequence;
        if (member.nextSequence <= sequence) {
            member.nextSequence = sequence + 1;
            member.nextOffset = 0;
        }
        member.retransmit.removeIf(piece -> piece.sequence() <= sequence);
        enqueue(member);
    }

    private boolean handleSend(long now, MemberConnection member, Frame.Send send) {
        long id = send.messageId();
        if (id <= member.lastProcessedMessageId || member.refusedIncoming.containsKey(id)) {
            return true; // a duplicate of something already taken
        }
        if (id > member.lastProcessedMessageId + ClientConfig.SEND_WINDOW) {
            stats.outOfWindow++;
            return false;
        }
        if (send.totalLength() > config.maxMessageBytes()) {
            Reassembly partial = member.incoming.remove(id);
            if (partial != null) {
                member.incomingBytes -= partial.totalLength();
            }
            member.refusedIncoming.put(id, new Frame.Error(id, ErrorCode.MESSAGE_TOO_LARGE, "message is "
                    + send.totalLength() + " bytes of UTF-8; the room's limit is " + config.maxMessageBytes()));
            processIncoming(member, now);
            return true;
        }
        Reassembly reassembly = member.incoming.get(id);
        if (reassembly == null) {
            if (member.incomingBytes + send.totalLength() > incomingBudget()) {
                stats.outOfWindow++;
                return false;
            }
            reassembly = new Reassembly(send.totalLength(), now);
            member.incoming.put(id, reassembly);
            member.incomingBytes += send.totalLength();
        }
        if (!reassembly.add(send.totalLength(), send.offset(), send.data(), now)) {
            stats.unexpected++;
            return true;
        }
        processIncoming(member, now);
        return true;
    }

    /** Accepts every complete message that is next in the member's order. */
    private void processIncoming(MemberConnection member, long now) {
        while (members.containsKey(member.connectionId)) {
            long next = member.lastProcessedMessageId + 1;
            Frame.Error refusal = member.refusedIncoming.remove(next);
            if (refusal != null) {
                member.lastProcessedMessageId = next;
                member.pendingErrors.add(refusal);
                enqueue(member);
                continue;
            }
            Reassembly reassembly = member.incoming.get(next);
            if (reassembly == null || !reassembly.isComplete()) {
                return;
            }
            member.incoming.remove(next);
            member.incomingBytes -= reassembly.totalLength();
            member.lastProcessedMessageId = next;
            accept(member, next, reassembly.bytes(), now);
        }
    }

    private void accept(MemberConnection member, long id, byte[] utf8, long now) {
        if (closing || member.closing != null) {
            return;
        }
        if (!member.messageBudget.tryTake(now)) {
            stats.rateLimited++;
            member.pendingErrors.add(new Frame.Error(id, ErrorCode.RATE_LIMITED, "sending faster than the room allows ("
                    + config.messagesPerSecond() + " messages/s, bursts of " + config.messageBurst() + ")"));
            enqueue(member);
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            member.pendingErrors.add(new Frame.Error(id, ErrorCode.INVALID_MESSAGE, "the message is not valid UTF-8"));
            enqueue(member);
            return;
        }
        EventFrame event = room.message(member.username, id, text, wallClockMillis.getAsLong());
        sink.message(event.sequence(), event.username(), event.text(), event.timestampMillis());
        eventAppended();
    }

    /** When the member's least recently progressing incomplete message counts as abandoned. */
    private static long staleAtNanos(MemberConnection member) {
        long oldest = Long.MAX_VALUE;
        for (Reassembly reassembly : member.incoming.values()) {
            if (!reassembly.isComplete()) {
                oldest = Math.min(oldest, reassembly.lastProgressNanos());
            }
        }
        return oldest == Long.MAX_VALUE ? Long.MAX_VALUE : oldest + 2 * member.idleTimeoutNanos;
    }

    /** Bytes of incomplete or out-of-order messages the server holds for one member at most. */
    private long incomingBudget() {
        return ClientConfig.unconfirmedBudget(config.maxMessageBytes());
    }

    private void requeue(MemberConnection member, MemberConnection.Sent sent) {
        for (MemberConnection.Piece piece : sent.pieces()) {
            if (piece.sequence() > member.delivered) {
                member.retransmit.add(piece);
            }
        }
        member.pendingErrors.addAll(sent.errors());
        enqueue(member);
    }

    private void handleClose(long now, MemberConnection member, CloseReason reason) {
        byte[] closeAck = shortPacket(member, Frame.CloseAck.INSTANCE);
        replies.add(new Datagram(member.address, closeAck));
        keepEcho(member.connectionId, new Echo(member.address, closeAck, now + ECHO_LIFETIME_NANOS));
        if (member.closing == null) {
            remove(member, CloseReason.LEFT);
        } else {
            drop(member);
        }
        log.debug("{} closed the connection ({})", member.username, reason);
    }

    // ---------------------------------------------------------------- timers

    @Override
    public void handleTimeout(long nowNanos) {
        if (closing && nowNanos >= closeDeadlineNanos) {
            members.clear();
            deadlines.clear();
            sendQueue.clear();
            return;
        }
        for (Iterator<PendingHandshake> it = handshakes.values().iterator(); it.hasNext(); ) {
            PendingHandshake pending = it.next();
            if (nowNanos < pending.expiresAtNanos) {
                break; // the rest expire later
            }
            it.remove();
            handshakesByNonce.remove(pending.nonce);
        }
        for (Iterator<Echo> it = echoes.values().iterator(); it.hasNext(); ) {
            if (nowNanos < it.next().expiresAtNanos) {
                break;
            }
            it.remove();
        }
        // while closing every member is visited (its CLOSE re-sends); otherwise only those due
        List<MemberConnection> due = closing ? new ArrayList<>(members.values()) : deadlines.due(nowNanos);
        for (MemberConnection member : due) {
            if (members.get(member.connectionId) != member) {
                continue; // it left while an earlier member's timer was handled
            }
            deadlines.touch(member);
            if (member.closing != null) {
                if (nowNanos >= member.closeResendAtNanos) {
                    enqueue(member);
                }
                continue;
            }
            if (nowNanos - member.lastReceivedNanos >= member.idleTimeoutNanos) {
                log.debug("{} timed out", member.username);
                remove(member, CloseReason.TIMED_OUT);
                continue;
            }
            if (nowNanos >= staleAtNanos(member)) {
                // a live client re-sends until acknowledged, so a message this stale will never complete
                log.debug("{} left a message incomplete for twice the idle timeout", member.username);
                remove(member, CloseReason.KICKED);
                continue;
            }
            if (member.delivered + 1 < room.log().firstSequence()) {
                remove(member, CloseReason.TOO_SLOW);
                continue;
            }
            if (member.recovery.timeoutNanos(ReceivedPackets.MAX_ACK_DELAY_NANOS) <= nowNanos) {
                MemberConnection.Sent probe = member.recovery.onTimeout(nowNanos, sent -> requeue(member, sent));
                if (probe != null) {
                    stats.probeTimeouts++;
                    requeue(member, probe);
                    member.probeDue = true;
                }
                enqueue(member);
            }
            if (member.received.ackDueAtNanos() <= nowNanos) {
                enqueue(member);
            }
            if (member.candidate != null && nowNanos >= member.candidateChallengeAtNanos) {
                member.challengeDue = true;
                member.candidateChallengeAtNanos = Long.MAX_VALUE; // re-armed when the challenge goes out
                enqueue(member);
            }
            if (nowNanos - member.lastSentNanos >= member.pingIntervalNanos()) {
                member.pingDue = true;
                enqueue(member);
            }
        }
    }

    @Override
    public long nextDeadlineNanos() {
        if (closing) {
            long next = closeDeadlineNanos;
            for (MemberConnection member : members.values()) {
                if (!member.queued) {
                    next = Math.min(next, member.closeResendAtNanos);
                }
            }
            return next;
        }
        long next = Long.MAX_VALUE;
        if (!handshakes.isEmpty()) {
            next = handshakes.values().iterator().next().expiresAtNanos;
        }
        if (!echoes.isEmpty()) {
            next = Math.min(next, echoes.values().iterator().next().expiresAtNanos);
        }
        return Math.min(next, deadlines.first());
    }

    /** A member's next timer deadline, from its state; {@link MemberDeadlines} keeps these in order. */
    private static long deadlineOf(MemberConnection member) {
        long next = member.lastReceivedNanos + member.idleTimeoutNanos;
        next = Math.min(next, member.recovery.timeoutNanos(ReceivedPackets.MAX_ACK_DELAY_NANOS));
        next = Math.min(next, staleAtNanos(member));
        next = Math.min(next, member.candidateChallengeAtNanos);
        if (!member.queued) {
            next = Math.min(next, member.received.ackDueAtNanos());
        }
        if (!member.pingDue) {
            next = Math.min(next, member.lastSentNanos + member.pingIntervalNanos());
        }
        return next;
    }

    // ---------------------------------------------------------------- output

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        Datagram reply = replies.poll();
        if (reply != null) {
            out.put(reply.bytes());
            return reply.destination();
        }
        while (!sendQueue.isEmpty()) {
            MemberConnection member = sendQueue.poll();
            member.queued = false;
            if (!members.containsKey(member.connectionId)) {
                continue;
            }
            deadlines.touch(member);
            if (member.challengeDue && writeChallenge(nowNanos, member, out)) {
                enqueue(member);
                return member.candidate;
            }
            if (writePacket(nowNanos, member, out)) {
                if (hasMoreToSend(member)) {
                    enqueue(member); // round robin: one packet per member per turn
                }
                return member.address;
            }
        }
        return null;
    }

    /** A PATH_CHALLENGE to the member's candidate address, within three times what came from there. */
    private boolean writeChallenge(long now, MemberConnection member, ByteBuffer out) {
        member.challengeDue = false;
        Frame.PathChallenge challenge = new Frame.PathChallenge(member.candidateChallenge);
        int size = ShortHeader.BYTES + challenge.encodedLength() + PacketProtector.TAG_BYTES;
        if (member.candidateBytesSent + size > AMPLIFICATION_FACTOR * member.candidateBytesReceived) {
            stats.amplificationLimited++;
            return false; // more bytes from the new address will allow another try
        }
        int start = ShortHeader.begin(out, member.connectionId, member.nextPacketNumber);
        challenge.encode(out);
        ProtectedPackets.seal(member.keys.serverToClient(), out, start, member.nextPacketNumber++);
        member.candidateBytesSent += size;
        member.candidateChallengeAtNanos = now + Math.max(Timing.INITIAL_RTO_NANOS,
                member.recovery.rtt().probeTimeout(ReceivedPackets.MAX_ACK_DELAY_NANOS));
        return true;
    }

    private boolean writePacket(long now, MemberConnection member, ByteBuffer out) {
        int start = ShortHeader.begin(out, member.connectionId, member.nextPacketNumber);
        int limit = start + WireFormat.MAX_DATAGRAM_BYTES - WireFormat.PROTECTION_OVERHEAD_BYTES;
        boolean eliciting = false;
        boolean anything = false;
        if (member.received.ackPending() && (member.received.ackDueAtNanos() <= now || hasMoreToSend(member)
                || member.pingDue || member.closing != null)) {
            AckFrame ack = member.received.buildAck(now);
            ack.encode(out);
            anything = true;
        }
        List<MemberConnection.Piece> pieces = new ArrayList<>();
        List<Frame.Error> errors = new ArrayList<>();
        if (member.closing != null) {
            if (now >= member.closeResendAtNanos) {
                new Frame.Close(member.closing).encode(out);
                member.closeResendAtNanos = now + Timing.CLOSE_RETRY_NANOS;
                anything = true;
            }
        } else {
            while (!member.pendingErrors.isEmpty()
                    && out.position() + member.pendingErrors.peek().encodedLength() <= limit) {
                Frame.Error error = member.pendingErrors.poll();
                error.encode(out);
                errors.add(error);
            }
            if (!writeEvents(member, out, limit, pieces)) {
                out.position(start);
                remove(member, CloseReason.TOO_SLOW);
                return false;
            }
            eliciting = !pieces.isEmpty() || !errors.isEmpty();
            if (!eliciting && (member.pingDue || member.probeDue)) {
                Frame.Ping.INSTANCE.encode(out);
                eliciting = true;
            }
            anything |= eliciting;
        }
        if (!anything) {
            out.position(start);
            return false;
        }
        long pn = member.nextPacketNumber++;
        ProtectedPackets.seal(member.keys.serverToClient(), out, start, pn);
        if (eliciting) {
            member.recovery.onSent(pn, now, new MemberConnection.Sent(pieces, errors));
            member.lastSentNanos = now;
            member.pingDue = false;
            member.probeDue = false;
        }
        return true;
    }

    /**
     * Writes lost pieces, then new events, as far as the packet and the windows allow.
     *
     * @return {@code false} if an event the member needs has left the room log
     */
    private boolean writeEvents(MemberConnection member, ByteBuffer out, int limit,
                                List<MemberConnection.Piece> pieces) {
        while (!member.retransmit.isEmpty()) {
            MemberConnection.Piece piece = member.retransmit.peek();
            byte[] event = room.log().get(piece.sequence());
            if (event == null) {
                return false;
            }
            int written = writeSlice(out, limit, piece.sequence(), event, piece.offset(), piece.length(), pieces);
            if (written == 0) {
                return true;
            }
            member.retransmit.poll();
            if (written < piece.length()) {
                member.retransmit.addFirst(new MemberConnection.Piece(piece.sequence(), piece.offset() + written,
                        piece.length() - written));
                return true;
            }
        }
        long last = room.log().lastSequence();
        while (member.nextSequence <= last && member.nextSequence <= member.delivered + config.eventWindow()
                && member.recovery.inFlight() < config.packetWindow()) {
            byte[] event = room.log().get(member.nextSequence);
            if (event == null) {
                return false;
            }
            int length = event.length - member.nextOffset;
            int written = writeSlice(out, limit, member.nextSequence, event, member.nextOffset, length, pieces);
            if (written == 0) {
                return true;
            }
            if (written < length) {
                member.nextOffset += written;
                return true;
            }
            member.nextSequence++;
            member.nextOffset = 0;
        }
        return true;
    }

    /**
     * Writes bytes {@code offset..offset+length} of an encoded event: the whole EVENT frame if
     * it is whole and fits, else a FRAGMENT of as much as fits. An event that would fit an empty
     * packet is never fragmented; it waits for the next packet instead.
     *
     * @return how many of the bytes were written
     */
    private static int writeSlice(ByteBuffer out, int limit, long sequence, byte[] event, int offset, int length,
                                  List<MemberConnection.Piece> pieces) {
        int room = limit - out.position();
        if (offset == 0 && length == event.length && event.length <= room) {
            out.put(event);
            pieces.add(new MemberConnection.Piece(sequence, 0, event.length));
            return length;
        }
        boolean fitsAnEmptyPacket = event.length <= WireFormat.MAX_EVENT_IN_ONE_PACKET_BYTES;
        if (fitsAnEmptyPacket && offset == 0 && length == event.length) {
            return 0;
        }
        int data = Math.min(length, room - Frame.Fragment.OVERHEAD_BYTES);
        if (data < MIN_FRAGMENT_BYTES && data < length) {
            return 0;
        }
        byte[] slice = java.util.Arrays.copyOfRange(event, offset, offset + data);
        new Frame.Fragment(sequence, event.length, offset, slice).encode(out);
        pieces.add(new MemberConnection.Piece(sequence, offset, data));
        return data;
    }

    private boolean hasMoreToSend(MemberConnection member) {
        if (member.closing != null) {
            return false;
        }
        return !member.pendingErrors.isEmpty() || !member.retransmit.isEmpty()
                || (member.nextSequence <= room.log().lastSequence()
                && member.nextSequence <= member.delivered + config.eventWindow()
                && member.recovery.inFlight() < config.packetWindow());
    }

    // ---------------------------------------------------------------- helpers

    private void remove(MemberConnection member, CloseReason reason) {
        drop(member);
        long sequence = room.leave(member.username, reason, wallClockMillis.getAsLong()).map(EventFrame::sequence)
                .orElse(0L);
        eventAppended();
        if (reason == CloseReason.TOO_SLOW || reason == CloseReason.KICKED) {
            // best effort: it is being dropped because it is not keeping up, so no retransmission
            replies.add(new Datagram(member.address, shortPacket(member, new Frame.Close(reason))));
        }
        sink.memberLeft(sequence, member.username, member.address, reason);
    }

    private void eventAppended() {
        long oldest = room.log().firstSequence();
        List<MemberConnection> tooSlow = null;
        for (MemberConnection member : members.values()) {
            if (member.closing == null && member.delivered + 1 < oldest) {
                if (tooSlow == null) {
                    tooSlow = new ArrayList<>();
                }
                tooSlow.add(member);
            } else {
                enqueue(member);
            }
        }
        if (tooSlow != null) {
            // the next event such a member needs has left the log: it can never catch up
            for (MemberConnection member : tooSlow) {
                log.debug("{} fell too far behind the room", member.username);
                remove(member, CloseReason.TOO_SLOW);
            }
        }
    }

    /** Takes the member out of the room's connections and timers; whoever calls it reports why. */
    private void drop(MemberConnection member) {
        members.remove(member.connectionId);
        deadlines.forget(member);
    }

    private void enqueue(MemberConnection member) {
        if (!member.queued) {
            member.queued = true;
            sendQueue.add(member);
        }
    }

    private void forget(PendingHandshake pending) {
        handshakes.remove(pending.connectionId);
        handshakesByNonce.remove(pending.nonce);
    }


    private byte[] shortPacket(MemberConnection member, Frame frame) {
        return ProtectedPackets.packet(member.keys.serverToClient(), member.connectionId, member.nextPacketNumber++,
                frame);
    }

    private long newConnectionId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0 || members.containsKey(id) || handshakes.containsKey(id) || echoes.containsKey(id));
        return id;
    }


    /**
     * A handshake between HELLO and the end of PROOF. {@code srp} and {@code challenge} are null
     * while {@code B} is being computed off the engine's thread.
     */
    private static final class PendingHandshake {
        final long connectionId;
        final InetSocketAddress address;
        final NonceKey nonce;
        final String username;
        final long idleTimeoutNanos;
        final byte[] serverNonce;
        final byte[] context;
        final long expiresAtNanos;
        SrpServerSession srp;
        byte[] challenge;
        boolean verifying;

        PendingHandshake(long connectionId, InetSocketAddress address, NonceKey nonce, String username,
                         long idleTimeoutNanos, byte[] serverNonce, byte[] context, long expiresAtNanos) {
            this.connectionId = connectionId;
            this.address = address;
            this.nonce = nonce;
            this.username = username;
            this.idleTimeoutNanos = idleTimeoutNanos;
            this.serverNonce = serverNonce;
            this.context = context;
            this.expiresAtNanos = expiresAtNanos;
        }
    }

    /** A password proof that checked out: the server's proof and the connection's keys. */
    private record Verified(byte[] serverProof, SessionKeys keys) {
    }

    /** The last answer of a finished connection. */
    /** Keeps an answer to repeat, at the end of the expiry order. */
    private void keepEcho(long connectionId, Echo echo) {
        echoes.remove(connectionId);
        echoes.put(connectionId, echo);
    }

    private record Echo(InetSocketAddress address, byte[] bytes, long expiresAtNanos) {
    }

    /** A client nonce as a map key. */
    private record NonceKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof NonceKey other && java.util.Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }
}
