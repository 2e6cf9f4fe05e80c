package io.roomcast.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The precomputed powers of fixed bases agree with {@link BigInteger#modPow} for every exponent SRP uses. */
@Timeout(120)
class FixedBaseTest {
    private static final SrpGroup GROUP = SrpGroup.RFC5054_2048_SHA256;
    private static final BigInteger N = GROUP.n();
    private static final BarrettReduction REDUCTION = new BarrettReduction(N);

    @Test
    void barrettProductsEqualMultiplyThenMod() {
        Random random = new Random(1);
        BigInteger top = N.subtract(BigInteger.ONE);
        assertThat(REDUCTION.multiply(top, top)).isEqualTo(BigInteger.ONE); // (-1)^2
        assertThat(REDUCTION.multiply(BigInteger.ZERO, top)).isZero();
        assertThat(REDUCTION.reduce(N)).isZero();
        assertThat(REDUCTION.reduce(top)).isEqualTo(top);
        for (int i = 0; i < 500; i++) {
            BigInteger x = new BigInteger(N.bitLength(), random).mod(N);
            BigInteger y = new BigInteger(random.nextInt(N.bitLength()) + 1, random).mod(N);
            assertThat(REDUCTION.multiply(x, y)).isEqualTo(x.multiply(y).mod(N));
        }
        BigInteger small = BigInteger.valueOf(1_000_003);
        BarrettReduction smallReduction = new BarrettReduction(small);
        for (long x = small.longValue() - 50; x < small.longValue(); x++) {
            BigInteger big = BigInteger.valueOf(x);
            assertThat(smallReduction.multiply(big, big)).isEqualTo(big.multiply(big).mod(small));
        }
        assertThatThrownBy(() -> new BarrettReduction(BigInteger.ONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTableOfGEqualsModPowForEveryExponentSize() {
        PowerTable table = new PowerTable(GROUP.g(), REDUCTION, 256, FixedBase.WINDOW_BITS);
        assertAgreesWithModPow(table, GROUP.g(), 256, new Random(2));
        assertThat(table.entries()).isEqualTo(43 * 63);
        assertThat(table.tableBytes()).isLessThanOrEqualTo(1L << 20);
    }

    @Test
    void theTableOfAVerifierEqualsModPowForEveryExponentSize() {
        BigInteger v = SrpVerifier.create(GROUP, "lobby", "secret", new Random(3)).v();
        assertAgreesWithModPow(new PowerTable(v, REDUCTION, 256, FixedBase.WINDOW_BITS), v, 256, new Random(4));
    }

    @Test
    void everyTableShapeEqualsModPow() {
        Random random = new Random(5);
        BigInteger base = new BigInteger(2047, random);
        for (int window = 1; window <= 8; window++) {
            for (int bits : new int[] {1, 7, 64, 100}) {
                assertAgreesWithModPow(new PowerTable(base, REDUCTION, bits, window), base, bits, random);
            }
        }
        // a base that is not reduced, and the 1024-bit group
        BigInteger n1024 = SrpGroup.RFC5054_1024_N;
        BigInteger wide = n1024.multiply(BigInteger.TEN).add(BigInteger.valueOf(7));
        BigInteger reduced = wide.mod(n1024);
        assertAgreesWithModPow(new PowerTable(wide, new BarrettReduction(n1024), 160, 5), reduced, 160, random);
    }

    @Test
    void theTableRefusesWhatItCannotServe() {
        PowerTable table = new PowerTable(GROUP.g(), REDUCTION, 256, 6);
        assertThatThrownBy(() -> table.pow(BigInteger.ONE.shiftLeft(256))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.pow(BigInteger.ONE.negate())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PowerTable(GROUP.g(), REDUCTION, 256, 17)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFixedBaseUsesModPowUntilItsTableIsBuiltAndBeyondTheTable() {
        Random random = new Random(6);
        FixedBase fixed = new FixedBase(GROUP.g(), N, 256, 6, 3);
        BigInteger e = new BigInteger(256, random);
        for (int i = 0; i < 3; i++) {
            assertThat(fixed.pow(e)).isEqualTo(GROUP.g().modPow(e, N));
            assertThat(fixed.table()).isNull();
        }
        assertThat(fixed.pow(e)).isEqualTo(GROUP.g().modPow(e, N));
        assertThat(fixed.table()).isNotNull();

        BigInteger full = new BigInteger(2048, random); // wider than the table: modPow
        assertThat(fixed.pow(full)).isEqualTo(GROUP.g().modPow(full, N));
        assertThat(fixed.pow(N.subtract(BigInteger.ONE))).isEqualTo(BigInteger.ONE); // Fermat: g^(N-1) = 1
        BigInteger negative = e.negate();
        assertThat(fixed.pow(negative)).isEqualTo(GROUP.g().modPow(negative, N));
        assertThat(fixed.pow(BigInteger.ZERO)).isEqualTo(BigInteger.ONE);
    }

    @Test
    void theGroupAndTheVerifierAgreeWithModPowBeforeAndAfterTheirTables() {
        SrpGroup group = new SrpGroup(N, BigInteger.TWO, "SHA-256", 2);
        SrpVerifier verifier = SrpVerifier.create(group, "lobby", "secret", new Random(7));
        Random random = new Random(8);
        for (int i = 0; i < 6; i++) {
            BigInteger e = new BigInteger(256, random);
            assertThat(group.powerOfG(e)).isEqualTo(BigInteger.TWO.modPow(e, N));
            assertThat(verifier.powerOfV(group, e)).isEqualTo(verifier.v().modPow(e, N));
        }
        assertThat(group.generator().table()).isNotNull();
        assertThat(verifier.powers().table()).isNotNull();
        // used with another group, the verifier computes that group's powers without its table
        SrpGroup other = SrpGroup.RFC5054_1024_SHA256;
        BigInteger e = new BigInteger(256, random);
        assertThat(verifier.powerOfV(other, e)).isEqualTo(verifier.v().modPow(e, other.n()));
    }

    @Test
    void threadsRacingToTheTableAllGetTheRightPowers() throws Exception {
        FixedBase fixed = new FixedBase(GROUP.g(), N, 256, 6, 8);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Random random = new Random(100 + t);
                Callable<Boolean> task = () -> {
                    for (int i = 0; i < 12; i++) {
                        BigInteger e = new BigInteger(256, random);
                        if (!fixed.pow(e).equals(GROUP.g().modPow(e, N))) {
                            return false;
                        }
                    }
                    return true;
                };
                results.add(pool.submit(task));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fixed.table()).isNotNull();
    }

    /** Edge exponents, every width from 0 to {@code bits}, and seeded random ones of the full width. */
    private static void assertAgreesWithModPow(PowerTable table, BigInteger base, int bits, Random random) {
        BigInteger n = table.modulus();
        List<BigInteger> exponents = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
                BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(bits - 1)));
        for (int width = 1; width <= bits; width++) {
            exponents.add(new BigInteger(width, random).setBit(width - 1));
            exponents.add(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE));
        }
        for (int i = 0; i < 50; i++) {
            exponents.add(new BigInteger(bits, random));
        }
        exponents.removeIf(e -> e.bitLength() > bits); // 2 when the table serves 1 bit
        for (BigInteger e : exponents) {
            assertThat(table.pow(e)).as("exponent %s", e.toString(16)).isEqualTo(base.modPow(e, n));
        }
    }
}
