package io.roomcast.internal.crypto;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Products modulo a fixed modulus {@code m} by Barrett's reduction (Handbook of Applied
 * Cryptography, algorithm 14.42, with base 2): with {@code k} the bit length of {@code m} and
 * {@code mu = floor(4^k / m)} computed once, a product {@code p < m^2} is reduced with two more
 * multiplications, two shifts and at most two subtractions of {@code m}, instead of
 * {@link BigInteger#mod}'s long division, which costs about four times as much at 2048 bits.
 *
 * <p>Immutable and thread-safe.
 */
final class BarrettReduction {
    private final BigInteger modulus;
    private final int bits;
    private final BigInteger mu;

    /**
     * @param modulus {@code m}, greater than 1
     * @throws IllegalArgumentException if {@code m <= 1}
     */
    BarrettReduction(BigInteger modulus) {
        this.modulus = Objects.requireNonNull(modulus, "modulus");
        if (modulus.compareTo(BigInteger.ONE) <= 0) {
            throw new IllegalArgumentException("the modulus must be greater than 1");
        }
        this.bits = modulus.bitLength();
        this.mu = BigInteger.ONE.shiftLeft(2 * bits).divide(modulus);
    }

    /** {@code m}. */
    BigInteger modulus() {
        return modulus;
    }

    /** {@code x * y % m}, for {@code 0 <= x, y < m}. */
    BigInteger multiply(BigInteger x, BigInteger y) {
        return reduce(x.multiply(y));
    }

    /**
     * {@code p % m}, for {@code 0 <= p < 4^k} (so any product of two residues). The estimate
     * {@code q} is at most 2 below {@code floor(p / m)} (HAC 14.43), hence at most two corrections.
     */
    BigInteger reduce(BigInteger p) {
        BigInteger q = p.shiftRight(bits - 1).multiply(mu).shiftRight(bits + 1);
        BigInteger r = p.subtract(q.multiply(modulus));
        while (r.compareTo(modulus) >= 0) {
            r = r.subtract(modulus);
        }
        return r;
    }
}
