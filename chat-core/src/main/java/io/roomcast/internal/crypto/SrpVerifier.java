package io.roomcast.internal.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * What a server keeps instead of the password: the salt and the verifier {@code v = g^x}, and,
 * once the room has seen a few dozen joins, a table of powers of {@code v} that makes each join's
 * {@code v^u} cheaper ({@link FixedBase}: about 840 KiB at 2048 bits, one per room).
 *
 * <p>Thread-safe: the handshakes of one room may run on several threads at once.
 */
public final class SrpVerifier {
    /** Salt length in bytes. */
    public static final int SALT_BYTES = 16;

    private final String identity;
    private final byte[] salt;
    private final BigInteger v;
    private volatile FixedBase powers; // of v, modulo the N of the group it was first used with

    /**
     * @param identity the SRP identity (Roomcast uses the room name)
     * @param salt     random salt (kept, not copied)
     * @param v        the verifier
     */
    public SrpVerifier(String identity, byte[] salt, BigInteger v) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.salt = Objects.requireNonNull(salt, "salt");
        this.v = Objects.requireNonNull(v, "v");
    }

    private SrpVerifier(SrpGroup group, String identity, byte[] salt, BigInteger v) {
        this(identity, salt, v);
        this.powers = group.fixedBase(v);
    }

    /** A verifier for {@code password} with a fresh random salt. */
    public static SrpVerifier create(SrpGroup group, String identity, String password, Random random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new SrpVerifier(group, identity, salt, Srp6a.verifier(group, Srp6a.x(group, salt, identity, password)));
    }

    /** A verifier with a salt from a new {@link SecureRandom}. */
    public static SrpVerifier create(SrpGroup group, String identity, String password) {
        return create(group, identity, password, new SecureRandom());
    }

    /** The SRP identity (Roomcast uses the room name). */
    public String identity() {
        return identity;
    }

    /** The salt (a copy). */
    public byte[] salt() {
        return salt.clone();
    }

    /** The verifier {@code v}. */
    public BigInteger v() {
        return v;
    }

    /**
     * {@code v^exponent % N}, equal to {@code v().modPow(exponent, group.n())}: from the table of
     * powers of {@code v} once it is built. A verifier serves one group; should it be used with
     * another, that group's powers are computed with {@code modPow}.
     */
    BigInteger powerOfV(SrpGroup group, BigInteger exponent) {
        FixedBase fixed = powers;
        if (fixed == null) {
            synchronized (this) {
                fixed = powers;
                if (fixed == null) {
                    fixed = group.fixedBase(v);
                    powers = fixed;
                }
            }
        }
        if (!fixed.modulus().equals(group.n())) {
            return v.modPow(exponent, group.n());
        }
        return fixed.pow(exponent);
    }

    /** The powers of {@code v}, or {@code null} before its first use: for tests and figures. */
    FixedBase powers() {
        return powers;
    }

    /** Equal to another verifier with the same identity, salt and {@code v}. */
    @Override
    public boolean equals(Object other) {
        return other instanceof SrpVerifier that && identity.equals(that.identity) && Arrays.equals(salt, that.salt)
                && v.equals(that.v);
    }

    @Override
    public int hashCode() {
        return Objects.hash(identity, Arrays.hashCode(salt), v);
    }

    /** The identity only: the salt and {@code v} stay out of logs. */
    @Override
    public String toString() {
        return "SrpVerifier[identity=" + identity + "]";
    }
}
