package io.roomcast.internal.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An SRP group: the safe prime {@code N}, the generator {@code g} and the hash function that
 * SRP-6a uses with them (RFC 5054 section 2 and Appendix A).
 *
 * <p>Thread-safe, and immutable but for the table of powers of {@code g} it builds once it is
 * used often ({@link FixedBase}: about 840 KiB at 2048 bits, shared by every session in the
 * process). {@link MessageDigest} instances are created per call, so the group can be shared freely.
 */
public final class SrpGroup {

    /** The RFC 5054 2048-bit group with SHA-256: what Roomcast uses on the wire. */
    public static final SrpGroup RFC5054_2048_SHA256 = new SrpGroup(
            hex("AC6BDB41 324A9A9B F166DE5E 1389582F AF72B665 1987EE07 FC319294"
                    + "3DB56050 A37329CB B4A099ED 8193E075 7767A13D D52312AB 4B03310D"
                    + "CD7F48A9 DA04FD50 E8083969 EDB767B0 CF609517 9A163AB3 661A05FB"
                    + "D5FAAAE8 2918A996 2F0B93B8 55F97993 EC975EEA A80D740A DBF4FF74"
                    + "7359D041 D5C33EA7 1D281E44 6B14773B CA97B43A 23FB8016 76BD207A"
                    + "436C6481 F1D2B907 8717461A 5B9D32E6 88F87748 544523B5 24B0D57D"
                    + "5EA77A27 75D2ECFA 032CFBDB F52FB378 61602790 04E57AE6 AF874E73"
                    + "03CE5329 9CCC041C 7BC308D8 2A5698F3 A8D0C382 71AE35F8 E9DBFBB6"
                    + "94B5C803 D89F7AE4 35DE236D 525F5475 9B65E372 FCD68EF2 0FA7111F"
                    + "9E4AFF73"),
            BigInteger.TWO, "SHA-256");

    /** The RFC 5054 1024-bit group's prime; with SHA-1 it checks the Appendix B vectors. */
    static final BigInteger RFC5054_1024_N = hex("EEAF0AB9 ADB38DD6 9C33F80A FA8FC5E8 60726187 75FF3C0B 9EA2314C"
                    + "9C256576 D674DF74 96EA81D3 383B4813 D692C6E0 E0D5D8E2 50B98BE4"
                    + "8E495C1D 6089DAD1 5DC7D7B4 6154D6B6 CE8EF4AD 69B15D49 82559B29"
                    + "7BCF1885 C529F566 660E57EC 68EDBC3C 05726CC0 2FD4CBF4 976EAA9A"
                    + "FD5138FE 8376435B 9FC61D2F C0EB06E3");

    /**
     * The RFC 5054 1024-bit group with SHA-256: only for simulations that run hundreds of
     * handshakes and test protocol rules, not cryptographic strength. Never used on the wire.
     */
    public static final SrpGroup RFC5054_1024_SHA256 = rfc5054Group1024("SHA-256");

    private final BigInteger n;
    private final BigInteger g;
    private final String hashAlgorithm;
    private final int length;
    private final BigInteger k;
    private final int exponentBits;
    private final int buildAfterUses;
    private final FixedBase generator;

    /**
     * A group from its parameters.
     *
     * @param n the safe prime
     * @param g a generator modulo {@code n}
     * @param hashAlgorithm a {@link MessageDigest} algorithm name, such as {@code SHA-256}
     */
    public SrpGroup(BigInteger n, BigInteger g, String hashAlgorithm) {
        this(n, g, hashAlgorithm, FixedBase.BUILD_AFTER_USES);
    }

    /**
     * A group whose tables of powers (of {@code g}, and of the verifiers it makes) are built after
     * {@code buildAfterUses} exponentiations: 0 for tests that check the tables from the first use,
     * {@link Integer#MAX_VALUE} for {@link BigInteger#modPow} throughout (the benchmark's yardstick).
     *
     * @param buildAfterUses 0 or more
     */
    public SrpGroup(BigInteger n, BigInteger g, String hashAlgorithm, int buildAfterUses) {
        this.buildAfterUses = buildAfterUses;
        this.n = Objects.requireNonNull(n, "n");
        this.g = Objects.requireNonNull(g, "g");
        this.hashAlgorithm = Objects.requireNonNull(hashAlgorithm, "hashAlgorithm");
        this.length = (n.bitLength() + 7) / 8;
        newDigest(); // fail at construction, not in the middle of a handshake
        this.k = new BigInteger(1, hash(pad(n), pad(g)));
        this.exponentBits = Math.max(SrpClientSession.PRIVATE_BITS, 8 * hashLength());
        this.generator = fixedBase(g);
    }

    /** A group for the RFC 5054 Appendix B test vectors: 1024 bits with the given hash. */
    static SrpGroup rfc5054Group1024(String hashAlgorithm) {
        return new SrpGroup(RFC5054_1024_N, BigInteger.TWO, hashAlgorithm);
    }

    /**
     * {@code true} if {@code value}, unsigned big-endian, could be a peer's public value: between 1
     * and N - 1. The same check the session makes (a multiple of N is refused), without its
     * exponentiation, so the I/O thread may make it.
     */
    public boolean acceptsPublicValue(byte[] value) {
        BigInteger v = new BigInteger(1, value);
        return v.signum() > 0 && v.compareTo(n) < 0;
    }

    /** The prime modulus N. */
    public BigInteger n() {
        return n;
    }

    /** The generator {@code g}. */
    public BigInteger g() {
        return g;
    }

    /** The multiplier {@code k = H(N | PAD(g))}. */
    public BigInteger k() {
        return k;
    }

    /**
     * {@code g^exponent % N}, from the group's table of powers of {@code g} once it is built.
     * Equal to {@code g().modPow(exponent, n())}.
     */
    public BigInteger powerOfG(BigInteger exponent) {
        return generator.pow(exponent);
    }

    /**
     * Powers of another base fixed modulo {@code N} (a verifier), with a table that serves the
     * exponents SRP-6a raises such bases to: the private values and hash outputs, whichever is wider.
     */
    FixedBase fixedBase(BigInteger base) {
        return new FixedBase(base, n, exponentBits, FixedBase.WINDOW_BITS, buildAfterUses);
    }

    /** The powers of {@code g}: for tests and figures. */
    FixedBase generator() {
        return generator;
    }

    /** Bytes in {@code N}: the width every public value is padded to. */
    public int length() {
        return length;
    }

    /** Bytes in one hash output. */
    public int hashLength() {
        return newDigest().getDigestLength();
    }

    /** {@code PAD(x)}: the big-endian bytes of {@code x}, left-padded with zeros to {@link #length()}. */
    public byte[] pad(BigInteger x) {
        byte[] raw = x.toByteArray();
        if (raw.length == length) {
            return raw;
        }
        byte[] out = new byte[length];
        if (raw.length > length) {
            // only the sign byte may be dropped; anything longer than N is a caller error
            if (raw.length != length + 1 || raw[0] != 0) {
                throw new IllegalArgumentException("value is wider than N");
            }
            System.arraycopy(raw, 1, out, 0, length);
        } else {
            System.arraycopy(raw, 0, out, length - raw.length, raw.length);
        }
        Arrays.fill(raw, (byte) 0); // the value may be a secret (S): leave no second copy behind
        return out;
    }

    /** The hash of the concatenation of {@code parts}. */
    public byte[] hash(byte[]... parts) {
        MessageDigest digest = newDigest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(hashAlgorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + hashAlgorithm, e);
        }
    }

    private static BigInteger hex(String digits) {
        return new BigInteger(digits.replace(" ", ""), 16);
    }
}
