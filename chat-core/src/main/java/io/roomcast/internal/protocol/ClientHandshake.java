package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.crypto.SrpClientSession;
import io.roomcast.internal.crypto.SrpException;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.WireFormat;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of the SRP handshake: HELLO (again with the server's token after a RETRY),
 * CHALLENGE → PROOF, then the WELCOME parts, which open only with the session keys and carry
 * the server's proof that it knows the password. HELLO and PROOF are re-sent with exponential
 * backoff until answered or the connect timeout passes.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class ClientHandshake {
    /** What the handshake ends in. */
    interface Outcome {
        /** The server admitted the client; every WELCOME part arrived and opened. */
        void joined(long nowNanos, Welcome welcome);

        /** The client could not join. */
        void failed(ClientEventSink.ConnectFailure failure, String detail);
    }

    /** What the server's WELCOME said. */
    record Welcome(String roomName, List<String> members, int maxMessageBytes, long idleTimeoutNanos,
                   long joinSequence, int historyCount) {
    }

    private final ClientConfig config;
    private final byte[] clientNonce = new byte[WireFormat.NONCE_BYTES];
    private final SrpClientSession srp;
    private byte[] hello;
    private byte[] proof;
    private long connectionId;
    private String roomName;
    private SessionKeys keys;
    private boolean due;
    private long rtoNanos = Timing.INITIAL_RTO_NANOS;
    private long resendAtNanos;
    private final long connectDeadlineNanos;
    private HandshakePacket.WelcomeBody[] welcomeParts;
    private int welcomePartsReceived;
    private byte[] verifiedServerProof;

    /** Starts a handshake: HELLO is due at once. */
    ClientHandshake(ClientConfig config, Random random, long nowNanos) {
        this.config = config;
        random.nextBytes(clientNonce);
        this.srp = new SrpClientSession(config.group(), random);
        this.hello = helloWithToken(new byte[0]);
        this.connectDeadlineNanos = nowNanos + config.connectTimeoutNanos();
        this.due = true;
        this.resendAtNanos = nowNanos + rtoNanos;
    }

    private byte[] helloWithToken(byte[] retryToken) {
        return new HandshakePacket.Hello(clientNonce, config.username(),
                TimeUnit.NANOSECONDS.toMillis(config.idleTimeoutNanos()), srp.publicValue(), retryToken).toBytes();
    }

    /** {@code true} once the CHALLENGE is answered (the PROOF is due or out): the server may admit the client. */
    boolean proofSent() {
        return proof != null;
    }

    /** The connection id the server chose; valid once {@link #proofSent}. */
    long connectionId() {
        return connectionId;
    }

    /** The session keys; valid once {@link #proofSent}. */
    SessionKeys keys() {
        return keys;
    }

    /** The HELLO or PROOF to send now, or null. */
    byte[] packetToSend() {
        if (!due) {
            return null;
        }
        due = false;
        return proof != null ? proof : hello;
    }

    long nextDeadlineNanos() {
        return Math.min(connectDeadlineNanos, resendAtNanos);
    }

    void onTimeout(long nowNanos, Outcome outcome) {
        if (nowNanos >= connectDeadlineNanos) {
            outcome.failed(ClientEventSink.ConnectFailure.TIMED_OUT, "no answer from " + config.server()
                    + " within " + TimeUnit.NANOSECONDS.toMillis(config.connectTimeoutNanos()) + " ms");
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
        if (packet instanceof HandshakePacket.Challenge challenge) {
            if (proof == null && Arrays.equals(challenge.clientNonce(), clientNonce)) {
                challenged(now, challenge, outcome);
            }
        } else if (packet instanceof HandshakePacket.Welcome welcome) {
            if (proof != null && welcome.connectionId() == connectionId) {
                return welcomed(now, welcome, outcome);
            }
        } else if (packet instanceof HandshakePacket.Reject reject) {
            boolean forUs = proof == null ? reject.connectionId() == 0 : reject.connectionId() == connectionId;
            if (forUs) {
                outcome.failed(failureFor(reject), reject.detail());
            }
        } else if (packet instanceof HandshakePacket.Retry retry) {
            if (proof == null && Arrays.equals(retry.clientNonce(), clientNonce)) {
                // the server is busy and wants proof that we receive here: echo its token at once
                hello = helloWithToken(retry.token());
                restartResends(now);
            }
        } else if (packet instanceof HandshakePacket.VersionMismatch mismatch) {
            if (proof == null) {
                outcome.failed(ClientEventSink.ConnectFailure.REFUSED, "the server speaks protocol versions "
                        + mismatch.supportedVersions() + "; this client speaks " + WireFormat.VERSION);
            }
        }
        return false;
    }

    private void challenged(long now, HandshakePacket.Challenge challenge, Outcome outcome) {
        long id = challenge.connectionId();
        byte[] context = HandshakeContext.of(config.username(), clientNonce, challenge.serverNonce(), id);
        byte[] m1;
        try {
            m1 = srp.respond(challenge.roomName(), config.password(), challenge.salt(), challenge.serverPublic(),
                    context);
        } catch (SrpException e) {
            outcome.failed(ClientEventSink.ConnectFailure.SERVER_NOT_AUTHENTIC,
                    "the server sent an invalid challenge: " + e.getMessage());
            return;
        }
        connectionId = id;
        roomName = challenge.roomName();
        keys = SessionKeys.derive(srp.sessionKey(), clientNonce, challenge.serverNonce());
        proof = new HandshakePacket.Proof(connectionId, m1).toBytes();
        restartResends(now);
    }

    private void restartResends(long now) {
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
            welcomeParts = new HandshakePacket.WelcomeBody[welcome.partCount()];
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
            welcomeParts[welcome.part()] = HandshakePacket.WelcomeBody.decode(opened);
        } catch (MalformedPacketException e) {
            return true;
        }
        if (++welcomePartsReceived < welcomeParts.length) {
            return false;
        }
        HandshakePacket.WelcomeBody first = welcomeParts[0];
        List<String> members = new ArrayList<>();
        for (HandshakePacket.WelcomeBody part : welcomeParts) {
            members.addAll(part.members());
        }
        welcomeParts = null;
        due = false;
        outcome.joined(now, new Welcome(roomName, members, first.maxMessageBytes(),
                TimeUnit.MILLISECONDS.toNanos(first.idleTimeoutMillis()), first.joinSequence(), first.historyCount()));
        return false;
    }

    private static ClientEventSink.ConnectFailure failureFor(HandshakePacket.Reject reject) {
        return switch (reject.reason()) {
            case BAD_PASSWORD -> ClientEventSink.ConnectFailure.BAD_PASSWORD;
            case USERNAME_TAKEN -> ClientEventSink.ConnectFailure.USERNAME_TAKEN;
            case INVALID_USERNAME -> ClientEventSink.ConnectFailure.INVALID_USERNAME;
            case BANNED -> ClientEventSink.ConnectFailure.BANNED;
            default -> ClientEventSink.ConnectFailure.REFUSED;
        };
    }
}
