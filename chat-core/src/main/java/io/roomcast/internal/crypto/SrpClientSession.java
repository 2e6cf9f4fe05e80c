package io.roomcast.internal.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Random;

/**
 * The client side of one SRP-6a exchange. Not thread-safe: one handshake, one thread.
 *
 * <p>{@link #publicValue()} goes in HELLO; {@link #respond} turns the server's salt and
 * {@code B} into the proof {@code M1}; {@link #sessionKeys} derives the connection's keys from the
 * session key {@code K} and wipes it; {@link #verifyServer} checks {@code M2}. The private value
 * {@code a} is a {@link BigInteger}, which cannot be wiped.
 */
public final class SrpClientSession {
    /** Bits of the private ephemeral value {@code a}; RFC 5054 asks for at least 256. */
    static final int PRIVATE_BITS = 256;

    private final SrpGroup group;
    private final BigInteger a;
    private final BigInteger publicA;
    private SrpSessionKey key;
    private byte[] expectedServerProof;

    /** Starts an exchange with a fresh random {@code a}. */
    public SrpClientSession(SrpGroup group, Random random) {
        this(group, new BigInteger(PRIVATE_BITS, random).setBit(PRIVATE_BITS - 1));
    }

    SrpClientSession(SrpGroup group, BigInteger a) {
        this.group = group;
        this.a = a;
        this.publicA = Srp6a.clientPublic(group, a);
    }

    /** {@code A}, padded to the width of {@code N}. */
    public byte[] publicValue() {
        return group.pad(publicA);
    }

    /**
     * Computes the proof {@code M1} for the server's challenge.
     *
     * @param identity the SRP identity the server announced (the room name)
     * @param password the room password
     * @param salt     the server's salt
     * @param serverPublic the server's {@code B}
     * @param context  bytes both sides saw in the handshake, bound into the proof
     * @return {@code M1}
     * @throws SrpException if {@code B % N == 0} or {@code u == 0}
     */
    public byte[] respond(String identity, String password, byte[] salt, byte[] serverPublic, byte[] context)
            throws SrpException {
        BigInteger b = new BigInteger(1, serverPublic);
        if (Srp6a.isDegenerate(group, b) || b.compareTo(group.n()) >= 0) {
            throw new SrpException("server's public value B is not valid");
        }
        BigInteger u = Srp6a.requireNonZeroScrambler(Srp6a.u(group, publicA, b));
        BigInteger x = Srp6a.x(group, salt, identity, password);
        key = new SrpSessionKey(Srp6a.sessionKey(group, Srp6a.clientSecret(group, b, x, a, u)));
        byte[] m1 = Srp6a.clientProof(group, identity, salt, publicA, b, key.live(), context);
        expectedServerProof = Srp6a.serverProof(group, publicA, m1, key.live());
        return m1;
    }

    /**
     * Checks the server's proof {@code M2} in constant time.
     *
     * @throws SrpException if it is wrong: the server does not know the password
     */
    public void verifyServer(byte[] serverProof) throws SrpException {
        if (expectedServerProof == null) {
            throw new IllegalStateException("respond() has not run");
        }
        if (!MessageDigest.isEqual(expectedServerProof, serverProof)) {
            throw new SrpException("server proof M2 does not match: the server does not know the password");
        }
    }

    /**
     * The connection's keys, derived from {@code K} and the handshake's nonces; {@code K} is zeroed
     * then, so this can be called once.
     *
     * @throws IllegalStateException if {@link #respond} has not run, or this was called before
     */
    public SessionKeys sessionKeys(byte[] clientNonce, byte[] serverNonce) {
        return key().deriveAndWipe(clientNonce, serverNonce);
    }

    /** {@code K}, for tests: against RFC 5054's vectors, and that it is wiped. */
    SrpSessionKey key() {
        if (key == null) {
            throw new IllegalStateException("respond() has not run");
        }
        return key;
    }
}
