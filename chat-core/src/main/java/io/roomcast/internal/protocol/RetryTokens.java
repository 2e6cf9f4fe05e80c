package io.roomcast.internal.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless proof that a client can receive at the address it claims: the server hands out
 * {@code issued-at | HMAC-SHA256(secret, address | issued-at)} and accepts it back only from
 * that address within {@link #LIFETIME_NANOS}. It stores nothing per client, so under load it
 * can answer HELLOs with tokens and do no expensive work until one comes back. Not thread-safe.
 */
final class RetryTokens {
    static final long LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAC_BYTES = 16;

    private final Mac mac;

    RetryTokens(Random random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    byte[] issue(InetSocketAddress address, long nowNanos) {
        return ByteBuffer.allocate(8 + MAC_BYTES).putLong(nowNanos).put(tag(address, nowNanos)).array();
    }

    boolean isValid(byte[] token, InetSocketAddress address, long nowNanos) {
        if (token.length != 8 + MAC_BYTES) {
            return false;
        }
        long issuedAt = ByteBuffer.wrap(token).getLong();
        if (issuedAt > nowNanos || nowNanos - issuedAt > LIFETIME_NANOS) {
            return false;
        }
        return MessageDigest.isEqual(tag(address, issuedAt), Arrays.copyOfRange(token, 8, token.length));
    }

    private byte[] tag(InetSocketAddress address, long issuedAt) {
        mac.update(address.getAddress().getAddress());
        mac.update(ByteBuffer.allocate(12).putInt(address.getPort()).putLong(issuedAt).array());
        return Arrays.copyOf(mac.doFinal(), MAC_BYTES);
    }
}
