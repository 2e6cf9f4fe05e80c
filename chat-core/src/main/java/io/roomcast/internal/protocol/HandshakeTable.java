package io.roomcast.internal.protocol;

import io.roomcast.internal.room.AttemptThrottle;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's handshakes in progress three ways: by connection id (what a PROOF names), by the
 * HELLO's nonce (so that a retransmitted HELLO finds its handshake and starts no other), and
 * counted per address group (an IPv4 address, an IPv6 /64; {@link AttemptThrottle#groupOf}), so
 * that the {@link HandshakeResponder} can keep one host from holding every slot. Every handshake
 * lives equally long, so insertion order is expiry order and the next to expire is the first.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class HandshakeTable {
    private final Map<Long, HandshakeResponder.Pending> byConnectionId = new LinkedHashMap<>();
    private final Map<BytesKey, HandshakeResponder.Pending> byNonce = new HashMap<>();
    /** Handshakes in progress per address group; an entry goes when its count reaches 0. */
    private final Map<Object, Integer> perAddress = new HashMap<>();

    /** How many handshakes are in progress. */
    int size() {
        return byConnectionId.size();
    }

    /** Handshakes in progress, counted in both indexes, for tests that check memory bounds. */
    int indexedCount() {
        return byConnectionId.size() + byNonce.size();
    }

    /** The handshake in progress with this connection id, or null. */
    HandshakeResponder.Pending get(long connectionId) {
        return byConnectionId.get(connectionId);
    }

    boolean contains(long connectionId) {
        return byConnectionId.containsKey(connectionId);
    }

    /** The handshake in progress that a HELLO with this nonce started, or null. */
    HandshakeResponder.Pending withNonce(BytesKey nonce) {
        return byNonce.get(nonce);
    }

    /** How many handshakes in progress come from {@code address}'s group. */
    int countFrom(InetAddress address) {
        return perAddress.getOrDefault(AttemptThrottle.groupOf(address), 0);
    }

    void add(HandshakeResponder.Pending started) {
        byConnectionId.put(started.handshake.connectionId(), started);
        byNonce.put(started.nonce, started);
        perAddress.merge(AttemptThrottle.groupOf(started.handshake.address().getAddress()), 1, Integer::sum);
    }

    void remove(HandshakeResponder.Pending started) {
        byConnectionId.remove(started.handshake.connectionId());
        byNonce.remove(started.nonce);
        countDown(started);
    }

    /** When the next handshake expires, or {@link Long#MAX_VALUE}. */
    long nextExpiryNanos() {
        return byConnectionId.isEmpty() ? Long.MAX_VALUE : byConnectionId.values().iterator().next().expiresAtNanos;
    }

    /** Forgets the handshakes that expired by {@code nowNanos}. */
    void expire(long nowNanos) {
        for (Iterator<HandshakeResponder.Pending> it = byConnectionId.values().iterator(); it.hasNext(); ) {
            HandshakeResponder.Pending started = it.next();
            if (nowNanos < started.expiresAtNanos) {
                break; // the rest expire later
            }
            it.remove();
            byNonce.remove(started.nonce);
            countDown(started);
        }
    }

    /** Forgets every handshake in progress. */
    void clear() {
        byConnectionId.clear();
        byNonce.clear();
        perAddress.clear();
    }

    private void countDown(HandshakeResponder.Pending started) {
        perAddress.computeIfPresent(AttemptThrottle.groupOf(started.handshake.address().getAddress()),
                (group, count) -> count > 1 ? count - 1 : null);
    }
}
