package io.roomcast.internal.crypto;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * Precomputed powers of one base modulo {@code m}, so that raising that base to an exponent of up
 * to {@link #exponentBits()} bits costs one modular multiplication per nonzero {@code w}-bit digit
 * of the exponent and no squarings (the fixed-base windowing method, HAC 14.109 without its
 * second, squaring half).
 *
 * <p>Window {@code i} holds {@code base^(d * 2^(w*i))} for every digit {@code d} from 1 to
 * {@code 2^w - 1}; {@code base^e} is the product, over the windows, of the entry for {@code e}'s
 * digit there. With {@code w = 6} and 256-bit exponents that is 43 windows of 63 entries (2,709
 * residues, about 840 KiB at 2048 bits, see {@link #tableBytes()}) and at most 42 multiplications,
 * each a {@link BarrettReduction} product.
 *
 * <p>Side channels: which entries are read, and how many multiplications run, depend on the
 * exponent's digits, as {@link BigInteger#modPow}'s own window table and its skipping of zero bits
 * do; neither this nor {@link BigInteger} arithmetic is constant-time.
 *
 * <p>Immutable and thread-safe once constructed.
 */
final class PowerTable {
    /** Bytes a {@link BigInteger} and its {@code int[]} take beyond the magnitude (64-bit JVM, compressed oops). */
    private static final int OVERHEAD_BYTES = 56;

    private final BarrettReduction reduction;
    private final int windowBits;
    private final int exponentBits;
    private final BigInteger[][] windows; // [window][digit - 1]

    /**
     * Builds the table: {@code windows * (2^w - 1)} modular multiplications.
     *
     * @param base the fixed base, reduced modulo {@code m} here
     * @param reduction multiplication modulo {@code m}
     * @param exponentBits the widest exponent the table serves, at least 1
     * @param windowBits {@code w}, from 1 to 16
     */
    PowerTable(BigInteger base, BarrettReduction reduction, int exponentBits, int windowBits) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
        if (exponentBits < 1 || windowBits < 1 || windowBits > 16) {
            throw new IllegalArgumentException("exponentBits " + exponentBits + ", windowBits " + windowBits);
        }
        this.windowBits = windowBits;
        this.exponentBits = exponentBits;
        int digits = (1 << windowBits) - 1;
        this.windows = new BigInteger[(exponentBits + windowBits - 1) / windowBits][digits];
        BigInteger first = base.mod(reduction.modulus()); // base^(2^(w*i)) for the window being filled
        for (BigInteger[] window : windows) {
            window[0] = first;
            for (int d = 1; d < digits; d++) {
                window[d] = reduction.multiply(window[d - 1], first);
            }
            first = reduction.multiply(window[digits - 1], first); // base^((2^w - 1 + 1) * 2^(w*i))
        }
    }

    /** The widest exponent, in bits, that {@link #pow} takes. */
    int exponentBits() {
        return exponentBits;
    }

    /** The modulus. */
    BigInteger modulus() {
        return reduction.modulus();
    }

    /** Residues in the table. */
    int entries() {
        return windows.length * windows[0].length;
    }

    /** Heap the table's residues take, estimated: magnitude plus object headers, per entry. */
    long tableBytes() {
        long perEntry = (reduction.modulus().bitLength() + 31) / 32 * 4L + OVERHEAD_BYTES;
        return entries() * perEntry;
    }

    /**
     * {@code base^exponent % m}, equal to {@code base.modPow(exponent, m)}.
     *
     * @param exponent from 0 to {@code 2^exponentBits() - 1}
     * @throws IllegalArgumentException if the exponent is negative or wider than the table
     */
    BigInteger pow(BigInteger exponent) {
        if (exponent.signum() < 0 || exponent.bitLength() > exponentBits) {
            throw new IllegalArgumentException("the exponent must have 0 to " + exponentBits + " bits");
        }
        byte[] bytes = exponent.toByteArray(); // big-endian; the exponent may be a secret: zeroed below
        BigInteger result = null;
        for (int i = 0; i < windows.length; i++) {
            int digit = digit(bytes, i * windowBits);
            if (digit != 0) {
                BigInteger power = windows[i][digit - 1];
                result = result == null ? power : reduction.multiply(result, power);
            }
        }
        Arrays.fill(bytes, (byte) 0);
        return result == null ? BigInteger.ONE : result;
    }

    /** The {@code windowBits} bits of the big-endian {@code bytes} from bit {@code from} up. */
    private int digit(byte[] bytes, int from) {
        int digit = 0;
        for (int bit = from + windowBits - 1; bit >= from; bit--) {
            int index = bytes.length - 1 - (bit >>> 3);
            int value = index >= 0 ? (bytes[index] >>> (bit & 7)) & 1 : 0;
            digit = (digit << 1) | value;
        }
        return digit;
    }
}
