package io.roomcast.internal.protocol;

import io.roomcast.internal.room.AttemptThrottle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof that a client can receive at the address it claims, for one HELLO: the server hands out
 * {@code issued-at | HMAC-SHA256(secret, address | issued-at | client nonce)} and accepts it back
 * only from that address, with that nonce, within {@link #LIFETIME_NANOS}. Issuing stores nothing
 * per client, so under load the server can answer HELLOs with tokens and do no expensive work
 * until one comes back.
 *
 * <p>A token opens one handshake: once {@link #spend spent}, it is remembered until it could no
 * longer be valid, so that replaying its HELLO after that handshake ended opens no other. At most
 * {@link #MAX_SPENT} are remembered; with that many, no token can be spent (the HELLO is refused
 * as busy) until the oldest expire, so the record stays bounded without forgetting a token that
 * could still be replayed; and at most {@link #MAX_SPENT_PER_ADDRESS} per address group (an IPv4
 * address, an IPv6 /64), so that one host spending tokens as fast as it can fills only its share
 * and other hosts' tokens still open handshakes.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class RetryTokens {
    /** How long a token is accepted after it was issued. */
    static final long LIFETIME_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * The most spent tokens remembered at once, each for {@link #LIFETIME_NANOS}: four times as
     * many as handshakes may be in progress, so a busy server that admits a few hundred joins a
     * second never reaches it.
     */
    static final int MAX_SPENT = 4 * HandshakeResponder.MAX_PENDING_HANDSHAKES;
    /** The most spent tokens remembered for one address group: four times its handshakes in progress. */
    static final int MAX_SPENT_PER_ADDRESS = 4 * HandshakeResponder.MAX_PENDING_PER_ADDRESS;
    private static final int MAC_BYTES = 16;
    private static final int TOKEN_BYTES = 8 + MAC_BYTES;

    /** What a HELLO's token is worth. */
    enum Check {
        /** Issued to this address for this nonce, in its lifetime, and not spent. */
        VALID,
        /** Valid, but it already opened a handshake. */
        SPENT,
        /** Absent, expired, or not issued for this address and nonce. */
        INVALID
    }

    private final Mac mac;
    /** Spent tokens, when they can be forgotten and whose they were, in insertion order, which is expiry order. */
    private final Map<BytesKey, Spent> spent = new LinkedHashMap<>();
    /** How many of {@link #spent} each address group holds. */
    private final Map<Object, Integer> spentByGroup = new HashMap<>();

    private record Spent(long forgetAtNanos, Object group) {
    }

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

    /** A token for the HELLO with {@code clientNonce} from {@code address}. */
    byte[] issue(InetSocketAddress address, byte[] clientNonce, long nowNanos) {
        return ByteBuffer.allocate(TOKEN_BYTES).putLong(nowNanos).put(tag(address, clientNonce, nowNanos)).array();
    }

    /** What {@code token}, in a HELLO with {@code clientNonce} from {@code address}, is worth now. */
    Check check(byte[] token, InetSocketAddress address, byte[] clientNonce, long nowNanos) {
        if (token.length != TOKEN_BYTES) {
            return Check.INVALID;
        }
        long issuedAt = ByteBuffer.wrap(token).getLong();
        if (issuedAt > nowNanos || nowNanos - issuedAt > LIFETIME_NANOS) {
            return Check.INVALID;
        }
        if (!MessageDigest.isEqual(tag(address, clientNonce, issuedAt), Arrays.copyOfRange(token, 8, TOKEN_BYTES))) {
            return Check.INVALID;
        }
        return spent.containsKey(new BytesKey(token)) ? Check.SPENT : Check.VALID;
    }

    /**
     * Marks a {@link Check#VALID} token, from {@code address}, as having opened a handshake.
     *
     * @return {@code false} if {@link #MAX_SPENT} tokens are remembered already, or
     *         {@link #MAX_SPENT_PER_ADDRESS} from the address's group: the token must not open a
     *         handshake now
     */
    boolean spend(byte[] token, InetAddress address, long nowNanos) {
        expire(nowNanos);
        Object group = AttemptThrottle.groupOf(address);
        if (spent.size() >= MAX_SPENT || spentByGroup.getOrDefault(group, 0) >= MAX_SPENT_PER_ADDRESS) {
            return false;
        }
        // a token is valid up to issued-at + lifetime inclusive; counting from the spending time instead
        // keeps insertion order expiry order
        spent.put(new BytesKey(token), new Spent(nowNanos + LIFETIME_NANOS + 1, group));
        spentByGroup.merge(group, 1, Integer::sum);
        return true;
    }

    /** How many spent tokens are remembered, for tests that check memory bounds. */
    int spentCount() {
        return spent.size();
    }

    /** When the oldest spent token can be forgotten, or {@link Long#MAX_VALUE}. */
    long nextExpiryNanos() {
        return spent.isEmpty() ? Long.MAX_VALUE : spent.values().iterator().next().forgetAtNanos();
    }

    /** Forgets the spent tokens that can no longer be valid at {@code nowNanos}. */
    void expire(long nowNanos) {
        for (Iterator<Spent> it = spent.values().iterator(); it.hasNext(); ) {
            Spent oldest = it.next();
            if (nowNanos < oldest.forgetAtNanos()) {
                break; // the rest expire later
            }
            it.remove();
            spentByGroup.computeIfPresent(oldest.group(), (group, count) -> count == 1 ? null : count - 1);
        }
    }

    private byte[] tag(InetSocketAddress address, byte[] clientNonce, long issuedAt) {
        mac.update(address.getAddress().getAddress());
        mac.update(ByteBuffer.allocate(12).putInt(address.getPort()).putLong(issuedAt).array());
        mac.update(clientNonce);
        return Arrays.copyOf(mac.doFinal(), MAC_BYTES);
    }
}
