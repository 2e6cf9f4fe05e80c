package io.roomcast.internal.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

/**
 * The server side of one SRP-6a exchange. Not thread-safe: one handshake, one thread.
 *
 * <p>The constructor checks the client's {@code A} and computes {@code B}; {@link #verifyClient}
 * checks {@code M1} in constant time and returns {@code M2}; {@link #sessionKeys} derives the
 * connection's keys from the session key {@code K} and wipes it (a wrong proof's {@code K} is wiped
 * at once). The private value {@code b} is a {@link BigInteger}, which cannot be wiped.
 */
public final class SrpServerSession {
    private final SrpGroup group;
    private final SrpVerifier verifier;
    private final BigInteger publicA;
    private final BigInteger b;
    private final BigInteger publicB;
    private SrpSessionKey key;

    /**
     * Starts an exchange for a client's {@code A} with a fresh random {@code b}.
     *
     * @throws SrpException if {@code A % N == 0} or {@code A} is out of range
     */
    public SrpServerSession(SrpGroup group, SrpVerifier verifier, byte[] clientPublic, Random random)
            throws SrpException {
        this(group, verifier, clientPublic,
                new BigInteger(SrpClientSession.PRIVATE_BITS, random).setBit(SrpClientSession.PRIVATE_BITS - 1));
    }

    SrpServerSession(SrpGroup group, SrpVerifier verifier, byte[] clientPublic, BigInteger b) throws SrpException {
        this.group = group;
        this.verifier = verifier;
        this.publicA = new BigInteger(1, clientPublic);
        if (Srp6a.isDegenerate(group, publicA) || publicA.compareTo(group.n()) >= 0) {
            throw new SrpException("client's public value A is not valid");
        }
        this.b = b;
        this.publicB = Srp6a.serverPublic(group, verifier.v(), b);
    }

    /** {@code B}, padded to the width of {@code N}. */
    public byte[] publicValue() {
        return group.pad(publicB);
    }

    /**
     * Checks the client's proof and returns the server's proof {@code M2}.
     *
     * @param clientProof {@code M1}
     * @param context the same context bytes the client bound into its proof
     * @throws SrpException if {@code u == 0} or the proof is wrong (a wrong password)
     */
    public byte[] verifyClient(byte[] clientProof, byte[] context) throws SrpException {
        BigInteger u = Srp6a.requireNonZeroScrambler(Srp6a.u(group, publicA, publicB));
        byte[] candidateKey = Srp6a.sessionKey(group, Srp6a.serverSecretFromPower(group, publicA, verifier.powerOfV(group, u), b));
        byte[] expected = Srp6a.clientProof(group, verifier.identity(), verifier.salt(), publicA, publicB,
                candidateKey, context);
        if (!MessageDigest.isEqual(expected, clientProof)) {
            Arrays.fill(candidateKey, (byte) 0);
            throw new SrpException("client proof M1 does not match");
        }
        key = new SrpSessionKey(candidateKey);
        return Srp6a.serverProof(group, publicA, clientProof, candidateKey);
    }

    /**
     * The connection's keys, derived from {@code K} and the handshake's nonces; {@code K} is zeroed
     * then, so this can be called once.
     *
     * @throws IllegalStateException if the client has not proved itself, or this was called before
     */
    public SessionKeys sessionKeys(byte[] clientNonce, byte[] serverNonce) {
        return key().deriveAndWipe(clientNonce, serverNonce);
    }

    /** {@code K}, for tests: against RFC 5054's vectors, and that it is wiped. */
    SrpSessionKey key() {
        if (key == null) {
            throw new IllegalStateException("the client has not proved itself");
        }
        return key;
    }
}
