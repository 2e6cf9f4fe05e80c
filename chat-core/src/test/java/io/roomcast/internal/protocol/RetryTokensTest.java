package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RetryTokensTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 4000);
    private static final byte[] NONCE = filled(7);

    @Test
    void aTokenIsValidOnlyFromItsAddressForItsNonceWithinItsLifetime() {
        RetryTokens tokens = new RetryTokens(new Random(1));
        byte[] token = tokens.issue(CLIENT, NONCE, 1_000);

        assertThat(tokens.check(token, CLIENT, NONCE, 1_000 + RetryTokens.LIFETIME_NANOS))
                .isEqualTo(RetryTokens.Check.VALID);
        assertThat(tokens.check(token, CLIENT, NONCE, 1_001 + RetryTokens.LIFETIME_NANOS)).as("expired")
                .isEqualTo(RetryTokens.Check.INVALID);
        assertThat(tokens.check(token, new InetSocketAddress("127.0.0.2", 4001), NONCE, 2_000)).as("other port")
                .isEqualTo(RetryTokens.Check.INVALID);
        assertThat(tokens.check(token, new InetSocketAddress("127.0.0.3", 4000), NONCE, 2_000)).as("other IP")
                .isEqualTo(RetryTokens.Check.INVALID);
        assertThat(tokens.check(token, CLIENT, filled(8), 2_000)).as("another HELLO's nonce")
                .isEqualTo(RetryTokens.Check.INVALID);
        byte[] tampered = token.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThat(tokens.check(tampered, CLIENT, NONCE, 2_000)).isEqualTo(RetryTokens.Check.INVALID);
        assertThat(tokens.check(new byte[0], CLIENT, NONCE, 2_000)).isEqualTo(RetryTokens.Check.INVALID);
        assertThat(new RetryTokens(new Random(2)).check(token, CLIENT, NONCE, 2_000)).as("another server's secret")
                .isEqualTo(RetryTokens.Check.INVALID);
    }

    @Test
    void aSpentTokenIsRememberedUntilItCouldNoLongerBeValid() {
        RetryTokens tokens = new RetryTokens(new Random(1));
        byte[] token = tokens.issue(CLIENT, NONCE, 1_000);

        assertThat(tokens.spend(token, CLIENT.getAddress(), 2_000)).isTrue();

        assertThat(tokens.check(token, CLIENT, NONCE, 3_000)).isEqualTo(RetryTokens.Check.SPENT);
        assertThat(tokens.check(token, CLIENT, NONCE, 1_000 + RetryTokens.LIFETIME_NANOS))
                .isEqualTo(RetryTokens.Check.SPENT);
        tokens.expire(2_000 + RetryTokens.LIFETIME_NANOS);
        assertThat(tokens.spentCount()).as("kept while it could be valid").isEqualTo(1);
        tokens.expire(2_001 + RetryTokens.LIFETIME_NANOS);
        assertThat(tokens.spentCount()).isZero();
        assertThat(tokens.nextExpiryNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theRecordOfSpentTokensIsBoundedAndRefusesRatherThanForgets() {
        RetryTokens tokens = new RetryTokens(new Random(1));
        for (int i = 0; i < RetryTokens.MAX_SPENT; i++) {
            InetSocketAddress host = host(i);
            assertThat(tokens.spend(tokens.issue(host, nonce(i), 1_000), host.getAddress(), 1_000 + i)).isTrue();
        }
        InetSocketAddress another = host(RetryTokens.MAX_SPENT);
        byte[] more = tokens.issue(another, nonce(-1), 1_000);

        assertThat(tokens.spend(more, another.getAddress(), 5_000)).as("full: no token may open a handshake").isFalse();
        assertThat(tokens.check(tokens.issue(host(0), nonce(0), 1_000), host(0), nonce(0), 5_000))
                .as("the oldest is not forgotten to make room").isEqualTo(RetryTokens.Check.SPENT);
        assertThat(tokens.spentCount()).isEqualTo(RetryTokens.MAX_SPENT);

        long afterOldest = 1_001 + RetryTokens.LIFETIME_NANOS;
        assertThat(tokens.spend(tokens.issue(another, nonce(-1), afterOldest), another.getAddress(), afterOldest))
                .as("room again once the oldest expired").isTrue();
    }

    @Test
    void oneAddressSpendsOnlyItsShareAndOthersStillCan() {
        RetryTokens tokens = new RetryTokens(new Random(1));
        for (int i = 0; i < RetryTokens.MAX_SPENT_PER_ADDRESS; i++) {
            assertThat(tokens.spend(tokens.issue(CLIENT, nonce(i), 1_000), CLIENT.getAddress(), 1_000)).isTrue();
        }

        assertThat(tokens.spend(tokens.issue(CLIENT, nonce(-1), 1_000), CLIENT.getAddress(), 1_000))
                .as("this address has spent its share").isFalse();
        assertThat(tokens.spend(tokens.issue(host(7), nonce(-1), 1_000), host(7).getAddress(), 1_000))
                .as("another host is not refused for it").isTrue();
        tokens.expire(1_001 + RetryTokens.LIFETIME_NANOS);
        assertThat(tokens.spend(tokens.issue(CLIENT, nonce(-2), 2_000 + RetryTokens.LIFETIME_NANOS),
                CLIENT.getAddress(), 2_000 + RetryTokens.LIFETIME_NANOS)).as("its share is back once they expired")
                .isTrue();
    }

    private static InetSocketAddress host(int i) {
        return new InetSocketAddress("127.2." + (i / 250) + "." + (1 + i % 250), 4000);
    }

    private static byte[] nonce(int i) {
        byte[] nonce = filled(0);
        nonce[0] = (byte) (i >> 24);
        nonce[1] = (byte) (i >> 16);
        nonce[2] = (byte) (i >> 8);
        nonce[3] = (byte) i;
        return nonce;
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[16];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
