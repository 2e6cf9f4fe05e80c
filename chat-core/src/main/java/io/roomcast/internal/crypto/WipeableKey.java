package io.roomcast.internal.crypto;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A raw secret key in an array this code owns, so that it can be wiped. JDK 17's
 * {@link javax.crypto.spec.SecretKeySpec} cannot be: its {@code destroy()} is the interface's
 * default, which throws {@link javax.security.auth.DestroyFailedException}, and its copy of the key
 * lives until garbage collection. This key zeroes its array on {@link #destroy()}.
 *
 * <p>{@link #getEncoded()} returns a copy, as {@link java.security.Key} requires. JDK 17's SunJCE
 * AES-GCM and HMAC zero those copies once they have taken the key in, and keep what they derived
 * from it (the expanded AES key, the HMAC pads) until they are initialised with another key, which
 * overwrites it: the owners of these keys do that when they are done ({@link PacketProtector#destroy},
 * {@link Hkdf}).
 *
 * <p>Not thread-safe: used by one thread at a time. Never serialised: a secret has no business in a
 * stream.
 */
final class WipeableKey implements SecretKey {
    private static final long serialVersionUID = 1L;

    private final String algorithm;
    private final byte[] bytes;
    private boolean destroyed;

    /** A key holding its own copy of {@code bytes}: the caller wipes its array when it is done with it. */
    WipeableKey(byte[] bytes, String algorithm) {
        this.bytes = bytes.clone();
        this.algorithm = algorithm;
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    /**
     * A copy of the key.
     *
     * @throws IllegalStateException once the key is destroyed
     */
    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("the " + algorithm + " key was destroyed");
        }
        return bytes.clone();
    }

    /** Zeroes the key; afterwards {@link #getEncoded()} throws. Idempotent. */
    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** The array holding the key itself, not a copy: for tests that check it is wiped. */
    byte[] array() {
        return bytes;
    }

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("a secret key is never serialised");
    }
}
