package io.roomcast.internal.crypto;

import java.math.BigInteger;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Powers of one base that stays fixed for many exponentiations (SRP's {@code g} for every join
 * in the process, a room's verifier {@code v} for every join to that room), modulo {@code m}.
 *
 * <p>The first {@link #buildAfterUses()} exponentiations use {@link BigInteger#modPow}; the one
 * after that builds a {@link PowerTable} (on the calling thread; others keep using
 * {@code modPow} meanwhile, nobody waits), and from then on every exponent that fits the table
 * is served from it. The table costs about as much CPU to build as 25 {@code modPow}s of a 256-bit
 * exponent, so a process that joins a room once or twice never pays for it, and one that
 * exponentiates often pays it back within a few dozen uses: at most about twice the cheaper of
 * the two choices, either way (the ski-rental rule). Exponents wider than the table, or negative,
 * always use {@code modPow}.
 *
 * <p>Thread-safe; the table is published through a volatile field.
 */
final class FixedBase {
    /** Digit width of the table: 6 bits gives 43 windows of 63 residues for 256-bit exponents. */
    static final int WINDOW_BITS = 6;
    /** {@code modPow}s before the table is built: its cost in {@code modPow}s of 256-bit exponents. */
    static final int BUILD_AFTER_USES = 24;

    private final BigInteger base;
    private final BigInteger modulus;
    private final int exponentBits;
    private final int windowBits;
    private final int buildAfterUses;
    private final AtomicInteger uses = new AtomicInteger();
    private final AtomicBoolean built = new AtomicBoolean();
    private volatile PowerTable table;

    /** A base with the default table shape ({@link #WINDOW_BITS}) and build rule ({@link #BUILD_AFTER_USES}). */
    FixedBase(BigInteger base, BigInteger modulus, int exponentBits) {
        this(base, modulus, exponentBits, WINDOW_BITS, BUILD_AFTER_USES);
    }

    /**
     * @param base the fixed base
     * @param modulus {@code m}, greater than 1
     * @param exponentBits the widest exponent the table will serve
     * @param windowBits the table's digit width
     * @param buildAfterUses exponentiations with {@code modPow} before the table is built; 0 builds
     *                       it on the first, {@link Integer#MAX_VALUE} never
     */
    FixedBase(BigInteger base, BigInteger modulus, int exponentBits, int windowBits, int buildAfterUses) {
        this.base = Objects.requireNonNull(base, "base");
        this.modulus = Objects.requireNonNull(modulus, "modulus");
        if (modulus.compareTo(BigInteger.ONE) <= 0 || exponentBits < 1 || windowBits < 1 || windowBits > 16
                || buildAfterUses < 0) {
            throw new IllegalArgumentException("modulus " + modulus.bitLength() + " bits, exponentBits " + exponentBits
                    + ", windowBits " + windowBits + ", buildAfterUses " + buildAfterUses);
        }
        this.exponentBits = exponentBits;
        this.windowBits = windowBits;
        this.buildAfterUses = buildAfterUses;
    }

    /** The modulus. */
    BigInteger modulus() {
        return modulus;
    }

    /** {@code base^exponent % m}, equal to {@code base.modPow(exponent, m)}. */
    BigInteger pow(BigInteger exponent) {
        PowerTable powers = table;
        if (powers == null && buildAfterUses != Integer.MAX_VALUE && uses.incrementAndGet() > buildAfterUses
                && built.compareAndSet(false, true)) {
            powers = new PowerTable(base, new BarrettReduction(modulus), exponentBits, windowBits);
            table = powers;
        }
        if (powers != null && exponent.signum() >= 0 && exponent.bitLength() <= powers.exponentBits()) {
            return powers.pow(exponent);
        }
        return base.modPow(exponent, modulus);
    }

    /** Exponentiations before the table is built. */
    int buildAfterUses() {
        return buildAfterUses;
    }

    /** The table, or {@code null} while exponentiations still use {@code modPow}: for tests and figures. */
    PowerTable table() {
        return table;
    }
}
