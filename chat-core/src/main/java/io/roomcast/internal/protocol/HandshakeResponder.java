package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.crypto.SrpException;
import io.roomcast.internal.crypto.SrpServerSession;
import io.roomcast.internal.room.AttemptThrottle;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.RejectReason;
import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of the SRP handshake, for connections that are not members yet: HELLO →
 * (RETRY when busy) → CHALLENGE → PROOF → WELCOME or REJECT. It keeps the handshakes in progress
 * (bounded, expiring, in expiry order), answers a retransmitted HELLO with the same CHALLENGE,
 * does SRP's modular exponentiation through an {@link Offload}, throttles addresses that guess
 * passwords, never answers an unvalidated address with more than
 * {@link PathValidation#AMPLIFICATION_FACTOR} times what it sent, and encodes the WELCOME. The
 * username is checked only after the password proof, so outsiders learn nothing.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class HandshakeResponder {
    /** Where an admitted handshake becomes a member. */
    interface Admission {
        /**
         * The password proof checked out and the room takes the name: the member joins, and its
         * WELCOME ({@link #welcomePackets}) goes out.
         */
        void admit(long nowNanos, Handshake handshake, SessionKeys keys, byte[] serverProof);
    }

    /** What a finished handshake tells about the new member. */
    record Handshake(long connectionId, InetSocketAddress address, String username, long idleTimeoutNanos) {
    }

    private static final Logger log = LoggerFactory.getLogger(HandshakeResponder.class);

    /** The most handshakes in progress at once; beyond it a HELLO is refused as busy. */
    static final int MAX_PENDING_HANDSHAKES = 1024;
    /**
     * The most handshakes in progress from one address (an IPv4 address, an IPv6 /64), so that
     * one host cannot hold every slot and keep others out.
     */
    static final int MAX_PENDING_PER_ADDRESS = 16;
    /** How long a half-finished handshake is kept. */
    static final long HANDSHAKE_LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ServerConfig config;
    private final Room room;
    private final Random random;
    private final Offload offload;
    private final ServerStats stats;
    private final Queue<Datagram> replies;
    private final LongPredicate memberConnectionId;
    private final RetryTokens retryTokens;
    private final AttemptThrottle throttle = new AttemptThrottle(ServerConfig.MAX_FAILED_PROOFS,
            ServerConfig.FAILED_PROOF_WINDOW_NANOS);
    // both in insertion order, which is expiry order: the next expiry is the first entry
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private final Map<NonceKey, Pending> pendingByNonce = new HashMap<>();
    /** Handshakes in progress per address group; an entry goes when its count reaches 0. */
    private final Map<Object, Integer> pendingPerAddress = new HashMap<>();
    private final RepeatedAnswers answers = new RepeatedAnswers();

    /**
     * @param replies            where answers go
     * @param memberConnectionId tells whether a connection id belongs to a member
     */
    HandshakeResponder(ServerConfig config, Room room, Random random, Offload offload, ServerStats stats,
                       Queue<Datagram> replies, LongPredicate memberConnectionId) {
        this.config = config;
        this.room = room;
        this.random = random;
        this.offload = offload;
        this.stats = stats;
        this.replies = replies;
        this.memberConnectionId = memberConnectionId;
        this.retryTokens = new RetryTokens(random);
    }

    /** Handshakes in progress, counted in both indexes, for tests that check memory bounds. */
    int pendingCount() {
        return pending.size() + pendingByNonce.size();
    }

    /** Answers kept to repeat, for tests that check memory bounds. */
    int repeatedAnswerCount() {
        return answers.size();
    }

    /** {@code true} if {@code connectionId} is taken by a handshake or a kept answer. */
    boolean uses(long connectionId) {
        return pending.containsKey(connectionId) || answers.contains(connectionId);
    }

    /** The server is closing: handshakes in progress are dropped. */
    void abandonAll() {
        pending.clear();
        pendingByNonce.clear();
        pendingPerAddress.clear();
    }

    /** Keeps {@code bytes} to repeat to whoever retransmits its last packet of {@code connectionId}. */
    void keepAnswer(long connectionId, InetSocketAddress address, byte[] bytes, long nowNanos) {
        answers.keep(connectionId, address, bytes, nowNanos);
    }

    /** A packet for no live connection: repeats the kept answer, if one was given to {@code source}. */
    void repeatAnswer(long connectionId, InetSocketAddress source, int received) {
        byte[] answer = answers.answerFor(connectionId, source);
        if (answer != null) {
            answer(source, answer, received);
        } else {
            stats.unknownConnection++;
        }
    }

    /** {@code true} if a PROOF for {@code connectionId} belongs here (a handshake is in progress). */
    boolean isPending(long connectionId) {
        return pending.containsKey(connectionId);
    }

    /** When the next handshake or kept answer expires, or {@link Long#MAX_VALUE}. */
    long nextExpiryNanos() {
        long next = pending.isEmpty() ? Long.MAX_VALUE : pending.values().iterator().next().expiresAtNanos;
        return Math.min(next, answers.nextExpiryNanos());
    }

    /** Forgets handshakes and answers that expired by {@code nowNanos}. */
    void expire(long nowNanos) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending started = it.next();
            if (nowNanos < started.expiresAtNanos) {
                break; // the rest expire later
            }
            it.remove();
            pendingByNonce.remove(started.nonce);
            countDown(started);
        }
        answers.expire(nowNanos);
    }

    /**
     * Answers a datagram from an address not known to receive there: never with more than
     * {@link PathValidation#AMPLIFICATION_FACTOR} times what arrived, so the server cannot be
     * used to amplify a flood at a spoofed victim.
     */
    void answer(InetSocketAddress to, byte[] bytes, int received) {
        if (bytes.length <= PathValidation.AMPLIFICATION_FACTOR * (long) received) {
            replies.add(new Datagram(to, bytes));
        }
    }

    // ---------------------------------------------------------------- HELLO

    void hello(long now, HandshakePacket.Hello hello, InetSocketAddress source, int received) {
        long refusedFor = throttle.refusedForNanos(source.getAddress(), now);
        if (refusedFor > 0) {
            stats.throttled++;
            answer(source, new HandshakePacket.Reject(0, RejectReason.THROTTLED, throttled(source, refusedFor))
                    .toBytes(), received);
            return;
        }
        long bannedFor = room.sanctions().addressBannedFor(source.getAddress(), now);
        if (bannedFor > 0) {
            // no SRP work for a banned host; the answer is one small packet, within the 3x limit
            answer(source, new HandshakePacket.Reject(0, RejectReason.BANNED, Room.bannedDetail(bannedFor))
                    .toBytes(), received);
            return;
        }
        NonceKey nonce = new NonceKey(hello.clientNonce());
        Pending known = pendingByNonce.get(nonce);
        if (known != null) {
            // a retransmitted or replayed HELLO: answer with the same challenge, do no new work
            if (known.handshake.address().equals(source) && known.challenge != null) {
                answer(source, known.challenge, received);
            }
            return;
        }
        if (pending.size() >= config.retryThreshold() && !retryTokens.isValid(hello.retryToken(), source, now)) {
            // busy: no modular exponentiation until the client shows it receives at this address
            stats.retries++;
            answer(source, new HandshakePacket.Retry(hello.clientNonce(), retryTokens.issue(source, now)).toBytes(),
                    received);
            return;
        }
        Object group = AttemptThrottle.groupOf(source.getAddress());
        if (pendingPerAddress.getOrDefault(group, 0) >= MAX_PENDING_PER_ADDRESS) {
            answer(source, new HandshakePacket.Reject(0, RejectReason.SERVER_BUSY,
                    "too many joins in progress from this address; try again shortly").toBytes(), received);
            return;
        }
        if (pending.size() >= MAX_PENDING_HANDSHAKES) {
            answer(source, new HandshakePacket.Reject(0, RejectReason.SERVER_BUSY,
                    "the server is busy with other joins; try again shortly").toBytes(), received);
            return;
        }
        long connectionId = newConnectionId();
        byte[] serverNonce = new byte[WireFormat.NONCE_BYTES];
        random.nextBytes(serverNonce);
        long idle = Math.min(config.idleTimeoutNanos(), TimeUnit.MILLISECONDS.toNanos(hello.idleTimeoutMillis()));
        Pending started = new Pending(new Handshake(connectionId, source, hello.username(), idle), nonce,
                serverNonce, HandshakeContext.of(hello.username(), hello.clientNonce(), serverNonce, connectionId),
                now + HANDSHAKE_LIFETIME_NANOS);
        pending.put(connectionId, started);
        pendingByNonce.put(nonce, started);
        pendingPerAddress.merge(group, 1, Integer::sum);
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
    private void challenge(Pending started, SrpServerSession srp, int received) {
        if (pending.get(started.handshake.connectionId()) != started) {
            return; // expired, or the server is closing
        }
        if (srp == null) {
            stats.malformed++; // A was not a valid SRP public value: the HELLO gets no answer
            forget(started);
            return;
        }
        started.srp = srp;
        started.challenge = new HandshakePacket.Challenge(started.nonce.bytes(), started.handshake.connectionId(),
                started.serverNonce, config.roomName(), config.verifier().salt(), srp.publicValue()).toBytes();
        answer(started.handshake.address(), started.challenge, received);
    }

    // ---------------------------------------------------------------- PROOF

    /** A PROOF for a handshake in progress ({@link #isPending}). */
    void proof(long now, HandshakePacket.Proof proof, InetSocketAddress source, int received, Admission admission) {
        Pending started = pending.get(proof.connectionId());
        if (!started.handshake.address().equals(source) || started.srp == null || started.verifying) {
            return; // another address, or a duplicate while the first is still being checked
        }
        AttemptThrottle.Check check = throttle.startCheck(source.getAddress(), now);
        if (check == AttemptThrottle.Check.WAIT) {
            return; // other proofs from this address use the budget now; the client sends this one again
        }
        started.verifying = true;
        if (check == AttemptThrottle.Check.REFUSED) {
            // the address has used its guesses (or has that many being checked): refused unchecked,
            // even if this one is right, until the penalty passes
            stats.throttled++;
            forget(started);
            refuse(now, started.handshake, RejectReason.THROTTLED, throttled(source,
                    Math.max(throttle.refusedForNanos(source.getAddress(), now), TimeUnit.SECONDS.toNanos(1))),
                    received);
            return;
        }
        SrpServerSession srp = started.srp;
        byte[] clientProof = proof.clientProof();
        offload.submit(now, () -> {
            try {
                byte[] serverProof = srp.verifyClient(clientProof, started.context);
                return new Verified(serverProof,
                        SessionKeys.derive(srp.sessionKey(), started.nonce.bytes(), started.serverNonce));
            } catch (SrpException e) {
                return null;
            }
        }, (verified, later) -> proved(later, started, verified, received, admission));
    }

    /** Back on the engine's thread with the proof checked. */
    private void proved(long now, Pending started, Verified verified, int received, Admission admission) {
        Handshake handshake = started.handshake;
        throttle.checked(handshake.address().getAddress(), verified == null, now); // a success forgives nothing
        if (pending.get(handshake.connectionId()) != started) {
            return; // expired, or the server is closing
        }
        forget(started);
        if (verified == null) {
            stats.badPasswords++;
            log.debug("wrong password from {} for '{}'", handshake.address(), handshake.username());
            refuse(now, handshake, RejectReason.BAD_PASSWORD, "wrong password", received);
            return;
        }
        Optional<Room.Refusal> refusal = room.checkAdmission(handshake.username(), now);
        if (refusal.isPresent()) {
            refuse(now, handshake, refusal.get().reason(), refusal.get().detail(), received);
            return;
        }
        admission.admit(now, handshake, verified.keys(), verified.serverProof());
    }

    /** The detail of a THROTTLED refusal: the address is refused for a while, and how long. */
    private static String throttled(InetSocketAddress source, long refusedForNanos) {
        return "this address (" + source.getAddress().getHostAddress() + ") is temporarily refused after too many"
                + " wrong passwords; try again in "
                + TimeUnit.NANOSECONDS.toSeconds(refusedForNanos + TimeUnit.SECONDS.toNanos(1) - 1) + " s";
    }

    private void refuse(long now, Handshake handshake, RejectReason reason, String detail, int received) {
        byte[] reject = new HandshakePacket.Reject(handshake.connectionId(), reason, detail).toBytes();
        answers.keep(handshake.connectionId(), handshake.address(), reject, now);
        answer(handshake.address(), reject, received);
    }

    // ---------------------------------------------------------------- WELCOME

    /**
     * The WELCOME packets for a member just admitted: the member list split over as many
     * datagrams as it needs, each body sealed with the welcome key.
     */
    byte[][] welcomePackets(Handshake handshake, long joinSequence, int historyCount, SessionKeys keys,
                            byte[] serverProof) {
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
            HandshakePacket.WelcomeBody body = new HandshakePacket.WelcomeBody(joinSequence, config.maxMessageBytes(),
                    TimeUnit.NANOSECONDS.toMillis(handshake.idleTimeoutNanos()), historyCount, parts.get(i));
            HandshakePacket.Welcome clear = new HandshakePacket.Welcome(handshake.connectionId(), serverProof, i,
                    parts.size(), new byte[0]);
            byte[] sealed = keys.welcome().seal(i, clear.associatedData(), body.toBytes());
            encoded[i] = new HandshakePacket.Welcome(handshake.connectionId(), serverProof, i, parts.size(), sealed)
                    .toBytes();
        }
        return encoded;
    }

    // ---------------------------------------------------------------- bookkeeping

    private void forget(Pending started) {
        pending.remove(started.handshake.connectionId());
        pendingByNonce.remove(started.nonce);
        countDown(started);
    }

    private void countDown(Pending started) {
        pendingPerAddress.computeIfPresent(AttemptThrottle.groupOf(started.handshake.address().getAddress()),
                (group, count) -> count > 1 ? count - 1 : null);
    }

    private long newConnectionId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0 || memberConnectionId.test(id) || uses(id));
        return id;
    }

    /**
     * A handshake between HELLO and the end of PROOF. {@code srp} and {@code challenge} are null
     * while {@code B} is being computed off the engine's thread.
     */
    private static final class Pending {
        final Handshake handshake;
        final NonceKey nonce;
        final byte[] serverNonce;
        final byte[] context;
        final long expiresAtNanos;
        SrpServerSession srp;
        byte[] challenge;
        boolean verifying;

        Pending(Handshake handshake, NonceKey nonce, byte[] serverNonce, byte[] context, long expiresAtNanos) {
            this.handshake = handshake;
            this.nonce = nonce;
            this.serverNonce = serverNonce;
            this.context = context;
            this.expiresAtNanos = expiresAtNanos;
        }
    }

    /** A password proof that checked out: the server's proof and the connection's keys. */
    private record Verified(byte[] serverProof, SessionKeys keys) {
    }

    /** A client nonce as a map key. */
    private record NonceKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof NonceKey other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
