package io.roomcast.internal.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The SRP-6a computations of RFC 5054 section 2.5/2.6, each a pure function of its inputs so
 * that the Appendix B vectors can check them one by one. {@link SrpClientSession} and
 * {@link SrpServerSession} put them together.
 *
 * <p>Arrays that hold a secret on the way (the password's bytes, {@code H(I | ":" | P)},
 * {@code PAD(S)}) are zeroed before returning. The {@link BigInteger}s cannot be: they are
 * immutable, and their magnitudes live until garbage collection.
 */
public final class Srp6a {
    private static final byte[] COLON = {':'};

    private Srp6a() {
    }

    /**
     * {@code x = H(s | H(I | ":" | P))}. Hashed part by part, so that no string holds identity and
     * password together.
     */
    public static BigInteger x(SrpGroup group, byte[] salt, String identity, String password) {
        byte[] passwordBytes = password.getBytes(StandardCharsets.UTF_8);
        byte[] inner = group.hash(identity.getBytes(StandardCharsets.UTF_8), COLON, passwordBytes);
        byte[] outer = group.hash(salt, inner);
        BigInteger x = new BigInteger(1, outer);
        Arrays.fill(passwordBytes, (byte) 0);
        Arrays.fill(inner, (byte) 0);
        Arrays.fill(outer, (byte) 0);
        return x;
    }

    /** {@code v = g^x % N}. */
    public static BigInteger verifier(SrpGroup group, BigInteger x) {
        return group.powerOfG(x);
    }

    /** {@code A = g^a % N}. */
    public static BigInteger clientPublic(SrpGroup group, BigInteger a) {
        return group.powerOfG(a);
    }

    /** {@code B = (k*v + g^b) % N}. */
    public static BigInteger serverPublic(SrpGroup group, BigInteger v, BigInteger b) {
        return group.k().multiply(v).add(group.powerOfG(b)).mod(group.n());
    }

    /** {@code u = H(PAD(A) | PAD(B))}. */
    public static BigInteger u(SrpGroup group, BigInteger a, BigInteger b) {
        return new BigInteger(1, group.hash(group.pad(a), group.pad(b)));
    }

    /** The client's premaster secret {@code S = (B - k*g^x) ^ (a + u*x) % N}. */
    public static BigInteger clientSecret(SrpGroup group, BigInteger b, BigInteger x, BigInteger a, BigInteger u) {
        BigInteger n = group.n();
        BigInteger base = b.subtract(group.k().multiply(group.powerOfG(x))).mod(n);
        return base.modPow(a.add(u.multiply(x)), n);
    }

    /** The server's premaster secret {@code S = (A * v^u) ^ b % N}. */
    public static BigInteger serverSecret(SrpGroup group, BigInteger a, BigInteger v, BigInteger u, BigInteger b) {
        return serverSecretFromPower(group, a, v.modPow(u, group.n()), b);
    }

    /**
     * The same {@code S = (A * v^u) ^ b % N} from {@code v^u}, which the server computes from its
     * verifier's table of powers ({@link SrpVerifier#powerOfV}).
     */
    static BigInteger serverSecretFromPower(SrpGroup group, BigInteger a, BigInteger vToTheU, BigInteger b) {
        BigInteger n = group.n();
        return a.multiply(vToTheU).mod(n).modPow(b, n);
    }

    /** The session key {@code K = H(PAD(S))}. */
    public static byte[] sessionKey(SrpGroup group, BigInteger s) {
        byte[] padded = group.pad(s);
        byte[] key = group.hash(padded);
        Arrays.fill(padded, (byte) 0);
        return key;
    }

    /**
     * The client's proof {@code M1 = H(H(N) xor H(g) | H(I) | s | PAD(A) | PAD(B) | K | H(context))}
     * (RFC 2945's M1 with the public values padded, plus a hash of the handshake context so
     * that the proof also vouches for the username and nonces the two sides exchanged).
     */
    public static byte[] clientProof(SrpGroup group, String identity, byte[] salt, BigInteger a, BigInteger b,
                                     byte[] key, byte[] context) {
        byte[] hn = group.hash(group.pad(group.n()));
        byte[] hg = group.hash(group.pad(group.g()));
        for (int i = 0; i < hn.length; i++) {
            hn[i] ^= hg[i];
        }
        return group.hash(hn, group.hash(identity.getBytes(StandardCharsets.UTF_8)), salt,
                group.pad(a), group.pad(b), key, group.hash(context));
    }

    /** The server's proof {@code M2 = H(PAD(A) | M1 | K)}. */
    public static byte[] serverProof(SrpGroup group, BigInteger a, byte[] clientProof, byte[] key) {
        return group.hash(group.pad(a), clientProof, key);
    }

    /** Returns {@code u}, or throws if it is zero (RFC 5054 section 2.6: abort if u == 0). */
    static BigInteger requireNonZeroScrambler(BigInteger u) throws SrpException {
        if (u.signum() == 0) {
            throw new SrpException("scrambling parameter u is zero");
        }
        return u;
    }

    /** {@code true} when {@code value % N == 0}: a public value that would force the secret. */
    static boolean isDegenerate(SrpGroup group, BigInteger value) {
        return value.mod(group.n()).signum() == 0;
    }
}
