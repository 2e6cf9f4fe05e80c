package io.roomcast.internal.crypto;

import java.util.Arrays;

/**
 * {@code K}, the session key one SRP-6a exchange agrees on, held only until the connection's keys
 * are derived from it ({@link #deriveAndWipe}); then zeroed, as nothing else needs it.
 *
 * <p>Not thread-safe: owned by its SRP session.
 */
final class SrpSessionKey {
    private final byte[] bytes;
    private boolean wiped;

    /** Takes {@code bytes} over: this object zeroes them. */
    SrpSessionKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * The connection's keys ({@link SessionKeys#derive}); {@code K} is zeroed afterwards.
     *
     * @throws IllegalStateException if it was already used
     */
    SessionKeys deriveAndWipe(byte[] clientNonce, byte[] serverNonce) {
        SessionKeys keys = SessionKeys.derive(live(), clientNonce, serverNonce);
        wipe();
        return keys;
    }

    /** Zeroes {@code K}. Idempotent. */
    void wipe() {
        Arrays.fill(bytes, (byte) 0);
        wiped = true;
    }

    /**
     * {@code K} itself, for the proofs.
     *
     * @throws IllegalStateException once it is wiped
     */
    byte[] live() {
        if (wiped) {
            throw new IllegalStateException("K was wiped once the connection's keys were derived from it");
        }
        return bytes;
    }

    /** The array, wiped or not: for tests that check it is zeroed. */
    byte[] array() {
        return bytes;
    }
}
