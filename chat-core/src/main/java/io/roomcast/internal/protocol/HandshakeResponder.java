package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.crypto.SrpException;
import io.roomcast.internal.crypto.SrpServerSession;
import io.roomcast.internal.room.AttemptThrottle;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.RejectReason;
import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of the SRP handshake, for connections that are not members yet: HELLO →
 * (RETRY when busy) → CHALLENGE → PROOF → WELCOME or REJECT. It keeps the handshakes in progress
 * in a {@link HandshakeTable} (bounded in all and per address, expiring), answers a retransmitted
 * HELLO with the same CHALLENGE, does SRP's modular exponentiation through an {@link Offload},
 * throttles addresses that guess passwords, never sends an unvalidated address more than
 * {@link AmplificationBudget#FACTOR} times what it sent (per datagram for stateless answers, per
 * handshake for the rest and its repeats), and makes the WELCOME ({@link WelcomeParts}). Every REJECT and VERSION_MISMATCH echoes
 * the nonce of the HELLO it answers, so that only who saw that HELLO can end the attempt. The
 * username is checked only after the password proof, so outsiders learn nothing.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class HandshakeResponder {
    /** Where an admitted handshake becomes a member. */
    interface Admission {
        /**
         * The password proof checked out and the room may take the name: the member asks to join.
         * Once the room has ordered its join it joins and its WELCOME ({@link #welcome}) goes out,
         * or (the room took the name meanwhile, or cannot order) {@code refused} gets why.
         */
        void admit(long nowNanos, Handshake handshake, SessionKeys keys, byte[] serverProof,
                   HeldSessions.Held resumed, long lastDelivered, Refused refused);

        /**
         * The held session that a resuming handshake with a right password proved it holds, taken
         * (single use), or {@code null}: then it is a fresh join, and a held name is refused.
         */
        HeldSessions.Held claim(long nowNanos, Handshake handshake, HandshakePacket.Proof proof);

        /**
         * A claimed session's resume was refused for a reason that may pass (the room is full):
         * the session is held again, as it was, for a later attempt.
         */
        void unclaim(HeldSessions.Held resumed);
    }

    /** A proved handshake the room refused: its REJECT goes out. */
    interface Refused {
        void refuse(long nowNanos, Room.Refusal refusal);
    }

    /**
     * What a finished handshake tells about the new member.
     *
     * @param budget   what the handshake received from {@code address} and sent there: its WELCOME's
     *                 repeats stay within it
     * @param resumeId the session the HELLO asked to resume, or empty
     */
    record Handshake(long connectionId, InetSocketAddress address, String username, long idleTimeoutNanos,
                     AmplificationBudget budget, byte[] resumeId) {
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
    /** The detail of a SERVER_BUSY refusal when the address has {@link #MAX_PENDING_PER_ADDRESS}. */
    static final String BUSY_AT_ADDRESS_DETAIL = "too many joins in progress from this address";
    /** The detail of a SERVER_BUSY refusal when the server has all it takes in progress. */
    static final String BUSY_DETAIL = "too many joins in progress";

    private final ServerConfig config;
    private final Room room;
    /** The room's clock (the wall clock, in ns): bans and held names lapse by it. */
    private final LongSupplier roomClockNanos;
    private final Random random;
    private final Offload offload;
    private final ServerStats stats;
    private final Queue<Datagram> replies;
    private final LongPredicate memberConnectionId;
    private final RetryTokens retryTokens;
    private final AttemptThrottle throttle = new AttemptThrottle(ServerConfig.MAX_FAILED_PROOFS,
            ServerConfig.FAILED_PROOF_WINDOW_NANOS);
    private final HandshakeTable pending = new HandshakeTable();
    private final RepeatedAnswers answers = new RepeatedAnswers();

    /**
     * @param replies            where answers go
     * @param memberConnectionId tells whether a connection id belongs to a member
     */
    HandshakeResponder(ServerConfig config, Room room, Random random, Offload offload, ServerStats stats,
                       Queue<Datagram> replies, LongPredicate memberConnectionId, LongSupplier roomClockNanos) {
        this.roomClockNanos = roomClockNanos;
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
        return pending.indexedCount();
    }

    /** Answers kept to repeat, for tests that check memory bounds. */
    int repeatedAnswerCount() {
        return answers.size();
    }

    /** Spent RETRY tokens remembered, for tests that check memory bounds. */
    int spentTokenCount() {
        return retryTokens.spentCount();
    }

    /** {@code true} if {@code connectionId} is taken by a handshake or a kept answer. */
    boolean uses(long connectionId) {
        return pending.contains(connectionId) || answers.contains(connectionId);
    }

    /** The server is closing: handshakes in progress are dropped. */
    void abandonAll() {
        pending.clear();
    }

    /**
     * Keeps {@code bytes}, just sent to a member at {@code address}, to repeat to whoever retransmits
     * its last packet of {@code connectionId}.
     */
    void keepAnswer(long connectionId, InetSocketAddress address, byte[] bytes, long nowNanos) {
        answers.keep(connectionId, address, bytes, new AmplificationBudget(), nowNanos);
    }

    /**
     * A packet of {@code received} bytes for no live connection: repeats the kept answer, if one was
     * given to {@code source}, within its exchange's amplification budget.
     */
    void repeatAnswer(long connectionId, InetSocketAddress source, int received) {
        if (!answers.repeat(connectionId, source, received, replies)) {
            stats.unknownConnection++;
        }
    }

    /** {@code true} if a PROOF for {@code connectionId} belongs here (a handshake is in progress). */
    boolean isPending(long connectionId) {
        return pending.contains(connectionId);
    }

    /** When the next handshake, kept answer or spent token expires, or {@link Long#MAX_VALUE}. */
    long nextExpiryNanos() {
        return Math.min(Math.min(pending.nextExpiryNanos(), answers.nextExpiryNanos()), retryTokens.nextExpiryNanos());
    }

    /** Forgets handshakes, answers and spent tokens that expired by {@code nowNanos}. */
    void expire(long nowNanos) {
        pending.expire(nowNanos);
        answers.expire(nowNanos);
        retryTokens.expire(nowNanos);
    }

    /**
     * A handshake packet in a version this server does not speak: a HELLO (its nonce, or null if it
     * is not one) gets VERSION_MISMATCH; no client of another version waits for an answer to the rest.
     */
    void unsupportedVersion(byte[] clientNonce, InetSocketAddress source, int received) {
        if (clientNonce != null) {
            answer(source, new HandshakePacket.VersionMismatch(clientNonce, List.of(WireFormat.VERSION)).toBytes(),
                    received);
        }
    }

    /**
     * Answers a datagram, keeping no state: never with more than {@link AmplificationBudget#FACTOR}
     * times what arrived, so the server cannot be used to amplify a flood at a spoofed victim.
     */
    private void answer(InetSocketAddress to, byte[] bytes, int received) {
        if (bytes.length <= AmplificationBudget.FACTOR * (long) received) {
            replies.add(new Datagram(to, bytes));
        }
    }

    // ---------------------------------------------------------------- HELLO

    void hello(long now, HandshakePacket.Hello hello, InetSocketAddress source, int received) {
        byte[] clientNonce = hello.clientNonce();
        long refusedFor = throttle.refusedForNanos(source.getAddress(), now);
        if (refusedFor > 0) {
            stats.throttled++;
            answer(source, new HandshakePacket.Reject(clientNonce, 0, RejectReason.THROTTLED,
                    throttled(source, refusedFor)).toBytes(), received);
            return;
        }
        long bannedFor = room.sanctions().addressBannedFor(source.getAddress(), roomClockNanos.getAsLong());
        if (bannedFor > 0) {
            // no SRP work for a banned host; the answer is one small packet, within the 3x limit
            answer(source, new HandshakePacket.Reject(clientNonce, 0, RejectReason.BANNED,
                    Room.bannedDetail(bannedFor)).toBytes(), received);
            return;
        }
        BytesKey nonce = new BytesKey(clientNonce);
        Pending known = pending.withNonce(nonce);
        if (known != null) {
            // a retransmitted or replayed HELLO: answer with the same challenge, do no new work
            if (known.handshake.address().equals(source)) {
                known.handshake.budget().received(received);
                if (known.challenge != null) {
                    send(known, known.challenge);
                }
            }
            return;
        }
        RetryTokens.Check token = retryTokens.check(hello.retryToken(), source, clientNonce, now);
        if (token == RetryTokens.Check.SPENT) {
            stats.spentRetryTokens++; // a HELLO whose token opened a handshake that has ended: a replay
            return;
        }
        if (pending.size() >= config.retryThreshold() && token != RetryTokens.Check.VALID) {
            // busy: no modular exponentiation until the client shows it receives at this address
            stats.retries++;
            answer(source, new HandshakePacket.Retry(clientNonce, retryTokens.issue(source, clientNonce, now))
                    .toBytes(), received);
            return;
        }
        String busy = pending.countFrom(source.getAddress()) >= MAX_PENDING_PER_ADDRESS ? BUSY_AT_ADDRESS_DETAIL
                : pending.size() >= MAX_PENDING_HANDSHAKES ? BUSY_DETAIL : null;
        if (busy == null && token == RetryTokens.Check.VALID) {
            if (!config.group().acceptsPublicValue(hello.clientPublic())) {
                stats.malformed++; // checked before the token is spent: a useless A must not use up the record
                return;
            }
            if (!retryTokens.spend(hello.retryToken(), source.getAddress(), now)) {
                busy = BUSY_DETAIL; // as many spent tokens are remembered as the server (or this address) may
            }
        }
        if (busy != null) {
            stats.busy++;
            answer(source, new HandshakePacket.Reject(clientNonce, 0, RejectReason.SERVER_BUSY, busy).toBytes(),
                    received);
            return;
        }
        long connectionId = newConnectionId();
        byte[] serverNonce = new byte[WireFormat.NONCE_BYTES];
        random.nextBytes(serverNonce);
        long idle = Math.min(config.idleTimeoutNanos(), TimeUnit.MILLISECONDS.toNanos(hello.idleTimeoutMillis()));
        AmplificationBudget budget = new AmplificationBudget();
        budget.received(received);
        Pending started = new Pending(new Handshake(connectionId, source, hello.username(), idle, budget,
                hello.resumeId()), nonce,
                serverNonce, HandshakeContext.of(hello.username(), clientNonce, serverNonce, connectionId),
                now + HANDSHAKE_LIFETIME_NANOS);
        pending.add(started);
        byte[] clientPublic = hello.clientPublic();
        offload.submit(now, () -> {
            try {
                return new SrpServerSession(config.group(), config.verifier(), clientPublic, random);
            } catch (SrpException e) {
                return null;
            }
        }, (srp, later) -> challenge(started, srp));
    }

    /** Back on the engine's thread with {@code B} computed. */
    private void challenge(Pending started, SrpServerSession srp) {
        if (pending.get(started.handshake.connectionId()) != started) {
            return; // expired, or the server is closing
        }
        if (srp == null) {
            stats.malformed++; // A was not a valid SRP public value: the HELLO gets no answer
            pending.remove(started);
            return;
        }
        started.srp = srp;
        started.challenge = new HandshakePacket.Challenge(started.nonce.bytes(), started.handshake.connectionId(),
                started.serverNonce, config.roomName(), config.verifier().salt(), srp.publicValue()).toBytes();
        send(started, started.challenge);
    }

    /** Sends {@code bytes} to the handshake's address, if its amplification budget allows. */
    private void send(Pending started, byte[] bytes) {
        if (started.handshake.budget().trySend(bytes.length)) {
            replies.add(new Datagram(started.handshake.address(), bytes));
        }
    }

    // ---------------------------------------------------------------- PROOF

    /** A PROOF for a handshake in progress ({@link #isPending}). */
    void proof(long now, HandshakePacket.Proof proof, InetSocketAddress source, int received, Admission admission) {
        Pending started = pending.get(proof.connectionId());
        if (!started.handshake.address().equals(source)) {
            return;
        }
        started.handshake.budget().received(received);
        if (started.srp == null || started.verifying) {
            return; // a duplicate while the first is still being checked
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
            pending.remove(started);
            refuse(now, started, RejectReason.THROTTLED, throttled(source,
                    Math.max(throttle.refusedForNanos(source.getAddress(), now), TimeUnit.SECONDS.toNanos(1))));
            return;
        }
        SrpServerSession srp = started.srp;
        byte[] clientProof = proof.clientProof();
        offload.submit(now, () -> {
            try {
                byte[] serverProof = srp.verifyClient(clientProof, started.context);
                return new VerifiedProof(serverProof, srp.sessionKeys(started.nonce.bytes(), started.serverNonce));
            } catch (SrpException e) {
                return null;
            }
        }, (verified, later) -> proved(later, started, verified, proof, admission));
    }

    /** Back on the engine's thread with the proof checked. */
    private void proved(long now, Pending started, VerifiedProof verified, HandshakePacket.Proof proof,
                        Admission admission) {
        Handshake handshake = started.handshake;
        throttle.checked(handshake.address().getAddress(), verified == null, now); // a success forgives nothing
        if (pending.get(handshake.connectionId()) != started) {
            VerifiedProof.discard(verified);
            return; // expired, or the server is closing
        }
        pending.remove(started);
        if (verified == null) {
            stats.badPasswords++;
            log.debug("wrong password from {} for '{}'", handshake.address(), handshake.username());
            refuse(now, started, RejectReason.BAD_PASSWORD, "wrong password");
            return;
        }
        HeldSessions.Held resumed = admission.claim(now, handshake, proof); // its held name does not refuse it
        Optional<Room.Refusal> refusal = room.checkAdmission(resumed != null ? resumed.displayName()
                : handshake.username(), roomClockNanos.getAsLong(), resumed != null);
        long bannedFor = room.sanctions().addressBannedFor(handshake.address().getAddress(),
                roomClockNanos.getAsLong());
        if (refusal.isEmpty() && bannedFor > 0) {
            // banned while this handshake was in progress: the address is refused at PROOF too
            refusal = Optional.of(new Room.Refusal(RejectReason.BANNED, Room.bannedDetail(bannedFor)));
        }
        if (refusal.isPresent()) {
            refuseProved(now, started, verified, resumed, admission, refusal.get());
            return;
        }
        admission.admit(now, handshake, verified.keys(), verified.serverProof(), resumed, proof.lastDelivered(),
                (later, refused) -> refuseProved(later, started, verified, resumed, admission, refused));
    }

    /** A proved handshake refused: its keys wiped, a resumed session held again or ended, and REJECT. */
    private void refuseProved(long now, Pending started, VerifiedProof verified, HeldSessions.Held resumed,
                              Admission admission, Room.Refusal refusal) {
        VerifiedProof.discard(verified);
        if (resumed != null && (refusal.reason() == RejectReason.ROOM_FULL
                || refusal.reason() == RejectReason.ROOM_UNAVAILABLE || refusal.reason() == RejectReason.SERVER_BUSY)) {
            admission.unclaim(resumed); // the room may take it at the next attempt
        } else if (resumed != null) {
            resumed.wipe(); // refused (banned): the session is over
        }
        refuse(now, started, refusal.reason(), refusal.detail());
    }

    /** The detail of a THROTTLED refusal: the address is refused for a while, and how long. */
    private static String throttled(InetSocketAddress source, long refusedForNanos) {
        return "this address (" + source.getAddress().getHostAddress() + ") is temporarily refused after too many"
                + " wrong passwords; try again in "
                + TimeUnit.NANOSECONDS.toSeconds(refusedForNanos + TimeUnit.SECONDS.toNanos(1) - 1) + " s";
    }

    /** Ends the handshake with a REJECT, kept to repeat to a retransmitted PROOF. */
    private void refuse(long now, Pending started, RejectReason reason, String detail) {
        Handshake handshake = started.handshake;
        byte[] reject = new HandshakePacket.Reject(started.nonce.bytes(), handshake.connectionId(), reason, detail)
                .toBytes();
        answers.keep(handshake.connectionId(), handshake.address(), reject, handshake.budget(), now);
        send(started, reject);
    }

    /** The WELCOME for a member just admitted, with the room as it is now and how many history messages follow. */
    WelcomeParts welcome(Handshake handshake, long joinSequence, int historyCount, WelcomeParts.Resume resume,
                         SessionKeys keys, byte[] serverProof) {
        return WelcomeParts.of(handshake, room.members(), joinSequence, config.maxMessageBytes(), historyCount, resume,
                keys, serverProof);
    }

    // ---------------------------------------------------------------- bookkeeping

    private long newConnectionId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0 || memberConnectionId.test(id) || uses(id));
        return id;
    }

    /**
     * A handshake between HELLO and the end of PROOF, in the {@link HandshakeTable}. {@code srp} and
     * {@code challenge} are null while {@code B} is being computed off the engine's thread.
     */
    static final class Pending {
        final Handshake handshake;
        final BytesKey nonce;
        final byte[] serverNonce;
        final byte[] context;
        final long expiresAtNanos;
        SrpServerSession srp;
        byte[] challenge;
        boolean verifying;

        Pending(Handshake handshake, BytesKey nonce, byte[] serverNonce, byte[] context, long expiresAtNanos) {
            this.handshake = handshake;
            this.nonce = nonce;
            this.serverNonce = serverNonce;
            this.context = context;
            this.expiresAtNanos = expiresAtNanos;
        }
    }
}
