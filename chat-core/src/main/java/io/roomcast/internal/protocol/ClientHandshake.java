package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.ResumeProof;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.crypto.SrpClientSession;
import io.roomcast.internal.crypto.SrpException;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.WelcomeBody;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.RejectReason;
import io.roomcast.internal.wire.WireFormat;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of the SRP handshake: HELLO (again with the server's token after a RETRY),
 * CHALLENGE → PROOF, then the WELCOME parts, which open only with the session keys and carry
 * the server's proof that it knows the password. HELLO and PROOF are re-sent with exponential
 * backoff until answered or the connect timeout passes. A server that answers HELLO with
 * {@code SERVER_BUSY} gets the same HELLO again after a backoff with jitter
 * ({@link #BUSY_RETRY_FIRST_NANOS}, doubling to {@link #BUSY_RETRY_MAX_NANOS}), until the connect
 * timeout, which then fails saying the server is busy.
 *
 * <p>An answer counts only if it names this attempt: CHALLENGE, RETRY, REJECT and VERSION_MISMATCH
 * must echo the HELLO's nonce (and a REJECT the connection id, once there is one), so that someone
 * who never saw the HELLO cannot end the attempt. Others are counted ({@link #strayAnswers()}) and
 * dropped.
 *
 * <p>The CHALLENGE's SRP work (computing {@code M1} and the session keys) goes through an
 * {@link Offload}; the PROOF is built and due only when its continuation comes back. While that work
 * is out, a repeated CHALLENGE (or RETRY, or busy answer) is dropped rather than starting more work,
 * and a continuation that comes back after the handshake {@link #end ended} only wipes the keys.
 * {@code g^a}, for the HELLO, goes through it too: the HELLO is due only once that comes back.
 *
 * <p>Not thread-safe: owned by the client engine's thread (the offloaded work touches only the SRP
 * session, which nothing else touches until its continuation has run).
 */
final class ClientHandshake {
    /** The first wait before HELLO goes again after the server said it is busy. */
    static final long BUSY_RETRY_FIRST_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The wait after each further busy answer doubles, up to this. */
    static final long BUSY_RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(4);
    /**
     * Each wait is drawn uniformly from this fraction of the backoff up to all of it, so that
     * clients refused together do not all come back together.
     */
    static final double BUSY_RETRY_JITTER = 0.5;

    private static final Logger log = LoggerFactory.getLogger(ClientHandshake.class);

    /** What the handshake ends in. */
    interface Outcome {
        /** The server admitted the client; every WELCOME part arrived and opened. */
        void joined(long nowNanos, Welcome welcome);

        /** The client could not join. */
        void failed(ClientEventSink.ConnectFailure failure, String detail);
    }

    /**
     * What the server's WELCOME said.
     *
     * @param joinSequence where the room stream starts: after the join, or, for a resume with
     *                     nothing missed, after the last event the listener was given
     * @param resumedAt    for a resume with nothing missed, the sequence of its own JOINED (every
     *                     event before it was missed, every one after it is live); else 0
     */
    record Welcome(String roomName, List<String> members, int maxMessageBytes, long idleTimeoutNanos,
                   long joinSequence, int historyCount, byte[] resumeId, boolean resumed, boolean nothingMissed,
                   long lastProcessedId, long[] refusedIds, long resumedAt) {
    }

    private final ClientConfig config;
    /** Why the server refused this attempt (VERSION for a version mismatch), or null. */
    private RejectReason rejectedFor;
    /** The session this handshake resumes, or {@code null}. */
    private final ResumeTicket resume;
    private final Random random;
    private final byte[] clientNonce = new byte[WireFormat.NONCE_BYTES];
    /** The SRP session, once its {@code g^a} is computed (through the offload); null before. */
    private SrpClientSession srp;
    private final Offload offload;
    /** {@code true} while the CHALLENGE's SRP work is out: nothing else may start it, or touch {@link #srp}. */
    private boolean responding;
    /** {@code true} once the engine has done with this handshake: a late continuation only wipes its keys. */
    private boolean ended;
    private byte[] hello;
    private byte[] proof;
    private long connectionId;
    private String roomName;
    private SessionKeys keys;
    private boolean due;
    private long rtoNanos = Timing.INITIAL_RTO_NANOS;
    private long resendAtNanos;
    private final long connectDeadlineNanos;
    private WelcomeBody[] welcomeParts;
    private int welcomePartsReceived;
    private byte[] verifiedServerProof;
    /** The next backoff after a busy answer, before jitter. */
    private long busyBackoffNanos = BUSY_RETRY_FIRST_NANOS;
    /** The detail of the server's last SERVER_BUSY, or null if it never said it was busy. */
    private String busyDetail;
    /** {@code true} while waiting out a busy answer: the next HELLO starts a fresh series of re-sends. */
    private boolean waitingOutBusy;
    private long strayAnswers;

    /** Starts a handshake for a fresh join, its SRP work done on the caller's thread: HELLO is due at once. */
    ClientHandshake(ClientConfig config, Random random, long nowNanos) {
        this(config, random, nowNanos, null, Offload.INLINE);
    }

    /**
     * Starts a handshake: HELLO is due once {@code g^a} is computed (at once with {@link Offload#INLINE}).
     *
     * @param resume  the session to resume, or {@code null} for a fresh join; the handshake does
     *                not wipe its key (the caller does)
     * @param offload where the SRP work ({@code g^a}, then the CHALLENGE's) runs; its continuations
     *                come back on the engine's thread
     */
    ClientHandshake(ClientConfig config, Random random, long nowNanos, ResumeTicket resume, Offload offload) {
        this.config = config;
        this.offload = offload;
        this.resume = resume;
        this.random = random;
        random.nextBytes(clientNonce);
        this.connectDeadlineNanos = nowNanos + config.connectTimeoutNanos();
        this.resendAtNanos = nowNanos + rtoNanos;
        // the HELLO carries g^a: it is due once that is computed (at once, with the inline offload)
        offload.submit(nowNanos, () -> new SrpClientSession(config.group(), random),
                (session, later) -> started(later, session));
    }

    /** Back on the engine's thread with {@code g^a} computed (null if that failed unexpectedly): HELLO is due. */
    private void started(long now, SrpClientSession session) {
        if (ended || session == null) {
            return; // over meanwhile; or, failed, the connect timeout ends the attempt
        }
        srp = session;
        hello = helloWithToken(new byte[0]);
        restartResends(now);
    }

    private byte[] helloWithToken(byte[] retryToken) {
        return new HandshakePacket.Hello(clientNonce, config.username(),
                TimeUnit.NANOSECONDS.toMillis(config.idleTimeoutNanos()), srp.publicValue(), retryToken,
                resume == null ? new byte[0] : resume.resumeId()).toBytes();
    }

    /** {@code true} if the server said it was busy and did not answer otherwise since (nor refused): for a timeout, it stayed busy. */
    boolean stayedBusy() {
        return busyDetail != null && proof == null && rejectedFor == null;
    }

    /** {@code true} once the CHALLENGE is answered (the PROOF is due or out): the server may admit the client. */
    boolean proofSent() {
        return proof != null;
    }

    /** The session keys; valid once {@link #proofSent}. */
    SessionKeys keys() {
        return keys;
    }

    /**
     * The connection to the server that this handshake set up: the id the server chose, the
     * client's key to seal with and the server's to open with; valid once {@link #proofSent}.
     */
    <S> Connection<S> connection(long idleTimeoutNanos, long nowNanos, Connection.Content<S> content) {
        return new Connection<>(connectionId, keys.clientToServer(), keys.serverToClient(), idleTimeoutNanos, nowNanos,
                content);
    }

    /** The HELLO or PROOF to send now, or null (also before {@code g^a} is computed). */
    byte[] packetToSend() {
        if (!due || hello == null) {
            return null;
        }
        due = false;
        return proof != null ? proof : hello;
    }

    long nextDeadlineNanos() {
        return Math.min(connectDeadlineNanos, resendAtNanos);
    }

    /** Server answers that did not name this attempt, dropped. */
    long strayAnswers() {
        return strayAnswers;
    }

    void onTimeout(long nowNanos, Outcome outcome) {
        long timeoutMillis = TimeUnit.NANOSECONDS.toMillis(config.connectTimeoutNanos());
        if (nowNanos >= connectDeadlineNanos && proof == null && busyDetail != null) {
            outcome.failed(ClientEventSink.ConnectFailure.REFUSED, "the server is busy (" + busyDetail
                    + ") and stayed busy for the connect timeout of " + timeoutMillis + " ms");
        } else if (nowNanos >= connectDeadlineNanos) {
            outcome.failed(ClientEventSink.ConnectFailure.TIMED_OUT, "no answer from " + config.server()
                    + " within " + timeoutMillis + " ms");
        } else if (waitingOutBusy && nowNanos >= resendAtNanos) {
            restartResends(nowNanos);
        } else if (nowNanos >= resendAtNanos) {
            due = true;
            rtoNanos = Timing.backoff(rtoNanos);
            resendAtNanos = nowNanos + rtoNanos;
        }
    }

    /**
     * A handshake packet from the server.
     *
     * @return {@code true} if a WELCOME part could not be opened or decoded (counted as malformed)
     */
    boolean handle(long now, HandshakePacket packet, Outcome outcome) {
        if (packet instanceof HandshakePacket.Welcome welcome) {
            return proof != null && welcome.connectionId() == connectionId && welcomed(now, welcome, outcome);
        }
        byte[] echoed = echoedNonce(packet);
        if (echoed == null || !MessageDigest.isEqual(echoed, clientNonce)) {
            // only who saw the HELLO knows its nonce: anyone else's answer cannot end the attempt
            stray(packet);
        } else if (packet instanceof HandshakePacket.Challenge challenge && proof == null) {
            if (!responding) { // a CHALLENGE again while the first one's work is out starts no more
                challenged(now, challenge, outcome);
            }
        } else if (packet instanceof HandshakePacket.Reject reject
                && reject.connectionId() == (proof == null ? 0 : connectionId)) {
            if (proof == null && reject.reason() == RejectReason.SERVER_BUSY) {
                if (!responding) { // a CHALLENGE came already: busy answers a re-sent HELLO
                    waitOutBusy(now, reject.detail());
                }
            } else {
                rejectedFor = reject.reason();
                outcome.failed(failureFor(reject), reject.detail());
            }
        } else if (packet instanceof HandshakePacket.Retry retry && proof == null && !responding && srp != null) {
            // the server is busy and wants proof that we receive here: echo its token at once
            hello = helloWithToken(retry.token());
            restartResends(now);
        } else if (packet instanceof HandshakePacket.VersionMismatch mismatch && proof == null) {
            rejectedFor = RejectReason.VERSION;
            outcome.failed(ClientEventSink.ConnectFailure.REFUSED, "the server speaks protocol versions "
                    + mismatch.supportedVersions() + "; this client speaks " + WireFormat.VERSION);
        }
        return false;
    }

    /** The HELLO nonce a server's answer echoes, or null for a packet no server sends before WELCOME. */
    private static byte[] echoedNonce(HandshakePacket packet) {
        if (packet instanceof HandshakePacket.Challenge challenge) {
            return challenge.clientNonce();
        } else if (packet instanceof HandshakePacket.Reject reject) {
            return reject.clientNonce();
        } else if (packet instanceof HandshakePacket.Retry retry) {
            return retry.clientNonce();
        } else if (packet instanceof HandshakePacket.VersionMismatch mismatch) {
            return mismatch.clientNonce();
        }
        return null;
    }

    private void stray(HandshakePacket packet) {
        if (++strayAnswers % MalformedDatagrams.LOG_EVERY == 1 && log.isDebugEnabled()) {
            log.debug("dropped a {} that does not answer this attempt ({} so far)",
                    packet.getClass().getSimpleName(), strayAnswers);
        }
    }

    /**
     * The server refused the HELLO as busy: the same HELLO goes again after the backoff, with
     * jitter. The same nonce, because an earlier copy may yet open a handshake, and its CHALLENGE
     * must still be this attempt's.
     */
    private void waitOutBusy(long now, String detail) {
        busyDetail = detail;
        due = false;
        waitingOutBusy = true;
        long jittered = (long) (busyBackoffNanos * (1 - BUSY_RETRY_JITTER * random.nextDouble()));
        resendAtNanos = now + jittered;
        busyBackoffNanos = Math.min(busyBackoffNanos * 2, BUSY_RETRY_MAX_NANOS);
    }

    /** Starts the CHALLENGE's SRP work; {@link #responded} goes on when it is done. */
    private void challenged(long now, HandshakePacket.Challenge challenge, Outcome outcome) {
        byte[] context = HandshakeContext.of(config.username(), clientNonce, challenge.serverNonce(),
                challenge.connectionId());
        responding = true;
        offload.submit(now, () -> answer(challenge, context),
                (answer, later) -> responded(later, challenge, answer, outcome));
    }

    /** {@code M1} and the session keys, or why the challenge is invalid. Runs where the offload runs it. */
    private Answer answer(HandshakePacket.Challenge challenge, byte[] context) {
        try {
            byte[] m1 = srp.respond(challenge.roomName(), config.password(), challenge.salt(),
                    challenge.serverPublic(), context);
            return new Answer(m1, srp.sessionKeys(clientNonce, challenge.serverNonce()), null); // and K is wiped
        } catch (SrpException e) {
            return new Answer(null, null, e.getMessage());
        }
    }

    /** What the CHALLENGE's SRP work came to: {@code M1} and the keys, or why the challenge is invalid. */
    private record Answer(byte[] m1, SessionKeys keys, String invalid) {
    }

    /** Back on the engine's thread with the CHALLENGE's work done (null if it failed unexpectedly). */
    private void responded(long now, HandshakePacket.Challenge challenge, Answer answer, Outcome outcome) {
        responding = false;
        if (ended) {
            if (answer != null && answer.keys() != null) {
                answer.keys().destroy(); // closed, timed out or refused meanwhile: nothing uses them
            }
            return;
        }
        if (answer == null) {
            return; // logged where it failed; a re-sent CHALLENGE tries again, the connect timeout bounds it
        }
        if (answer.invalid() != null) {
            outcome.failed(ClientEventSink.ConnectFailure.SERVER_NOT_AUTHENTIC,
                    "the server sent an invalid challenge: " + answer.invalid());
            return;
        }
        byte[] m1 = answer.m1();
        connectionId = challenge.connectionId();
        roomName = challenge.roomName();
        keys = answer.keys();
        proof = resume == null ? new HandshakePacket.Proof(connectionId, m1).toBytes()
                : new HandshakePacket.Proof(connectionId, m1, ResumeProof.make(resume.resumeKey(), m1,
                        resume.resumeId(), resume.lastDelivered()),
                        resume.lastDelivered()).toBytes();
        restartResends(now);
    }

    /**
     * The engine has done with this handshake (it failed, was given up or replaced, or the client
     * finished): SRP work still out comes back to nothing but the wiping of its keys.
     */
    void end() {
        ended = true;
    }

    /** {@link #end} and wipe the keys, if any: the handshake failed or was given up, and nothing uses them. */
    void discard() {
        end();
        if (keys != null) {
            keys.destroy();
        }
    }

    /** {@code true} while the CHALLENGE's SRP work is out: for tests. */
    boolean responding() {
        return responding;
    }

    private void restartResends(long now) {
        waitingOutBusy = false;
        due = true;
        rtoNanos = Timing.INITIAL_RTO_NANOS;
        resendAtNanos = now + rtoNanos;
    }

    private boolean welcomed(long now, HandshakePacket.Welcome welcome, Outcome outcome) {
        if (welcomeParts == null) {
            try {
                srp.verifyServer(welcome.serverProof());
            } catch (SrpException e) {
                outcome.failed(ClientEventSink.ConnectFailure.SERVER_NOT_AUTHENTIC,
                        "the server could not prove it knows the room password");
                return false;
            }
            welcomeParts = new WelcomeBody[welcome.partCount()];
            verifiedServerProof = welcome.serverProof();
        }
        if (welcome.partCount() != welcomeParts.length || welcomeParts[welcome.part()] != null
                || !MessageDigest.isEqual(welcome.serverProof(), verifiedServerProof)) {
            return false;
        }
        ByteBuffer opened = keys.welcome().open(welcome.part(), ByteBuffer.wrap(welcome.associatedData()),
                ByteBuffer.wrap(welcome.sealedBody()));
        if (opened == null) {
            return true;
        }
        try {
            welcomeParts[welcome.part()] = WelcomeBody.decode(opened);
        } catch (MalformedPacketException e) {
            return true;
        }
        if (++welcomePartsReceived < welcomeParts.length) {
            return false;
        }
        WelcomeBody first = welcomeParts[0];
        List<String> members = new ArrayList<>();
        for (WelcomeBody part : welcomeParts) {
            members.addAll(part.members());
        }
        welcomeParts = null;
        keys.welcome().destroy(); // every part is open: nothing else uses the welcome key
        due = false;
        boolean continues = resume != null && first.resumed() && first.nothingMissed();
        if (continues && first.joinSequence() <= resume.lastDelivered()) {
            // the stream continues right after what the listener was given, up to the resume's JOINED
            // (the WELCOME's join sequence): one at or before that point is a failed resume
            outcome.failed(ClientEventSink.ConnectFailure.SERVER_NOT_AUTHENTIC, "the resume joined at "
                    + first.joinSequence() + ", not after the last delivered event " + resume.lastDelivered());
            return false;
        }
        // an honest server sends the smaller of both sides' timeouts; never take a longer one than ours
        long idleTimeoutNanos = Math.min(config.idleTimeoutNanos(),
                TimeUnit.MILLISECONDS.toNanos(Math.max(1, first.idleTimeoutMillis())));
        outcome.joined(now, new Welcome(roomName, members, first.maxMessageBytes(), idleTimeoutNanos,
                continues ? resume.lastDelivered() : first.joinSequence(), first.historyCount(), first.resumeId(),
                first.resumed(), first.nothingMissed(), first.lastProcessedId(), first.refusedIds(),
                continues ? first.joinSequence() : 0));
        return false;
    }

    /**
     * {@code true} if the server refused this attempt for a reason another attempt would meet
     * again: the server does not speak this client's protocol version. (A full room may have a
     * seat at the next attempt, and a resume refused for it keeps its session held.)
     */
    boolean refusedForGood() {
        return rejectedFor == RejectReason.VERSION;
    }

    private static ClientEventSink.ConnectFailure failureFor(HandshakePacket.Reject reject) {
        return switch (reject.reason()) {
            case BAD_PASSWORD -> ClientEventSink.ConnectFailure.BAD_PASSWORD;
            case USERNAME_TAKEN -> ClientEventSink.ConnectFailure.USERNAME_TAKEN;
            case INVALID_USERNAME -> ClientEventSink.ConnectFailure.INVALID_USERNAME;
            case BANNED -> ClientEventSink.ConnectFailure.BANNED;
            case ROOM_UNAVAILABLE -> ClientEventSink.ConnectFailure.ROOM_UNAVAILABLE;
            default -> ClientEventSink.ConnectFailure.REFUSED;
        };
    }
}
