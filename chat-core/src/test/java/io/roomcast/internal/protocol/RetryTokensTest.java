package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RetryTokensTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.2", 4000);

    @Test
    void aTokenIsValidOnlyFromItsAddressWithinItsLifetime() {
        RetryTokens tokens = new RetryTokens(new Random(1));
        byte[] token = tokens.issue(CLIENT, 1_000);

        assertThat(tokens.isValid(token, CLIENT, 1_000 + RetryTokens.LIFETIME_NANOS)).isTrue();
        assertThat(tokens.isValid(token, CLIENT, 1_001 + RetryTokens.LIFETIME_NANOS)).as("expired").isFalse();
        assertThat(tokens.isValid(token, new InetSocketAddress("127.0.0.2", 4001), 2_000)).as("other port").isFalse();
        assertThat(tokens.isValid(token, new InetSocketAddress("127.0.0.3", 4000), 2_000)).as("other IP").isFalse();
        byte[] tampered = token.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThat(tokens.isValid(tampered, CLIENT, 2_000)).isFalse();
        assertThat(tokens.isValid(new byte[0], CLIENT, 2_000)).isFalse();
        assertThat(new RetryTokens(new Random(2)).isValid(token, CLIENT, 2_000)).as("another server's secret").isFalse();
    }
}
