package io.roomcast.internal.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869): extract a pseudorandom key, expand it into keys. Every
 * intermediate array that holds key material (the blocks {@code T(i)}, the HMAC key's copies) is
 * zeroed before returning; the caller owns, and wipes, what goes in and what comes out.
 */
public final class Hkdf {
    private static final String HMAC = "HmacSHA256";
    private static final int HASH_BYTES = 32;
    /** Not a secret: initialising a MAC with it overwrites the pads it derived from the real key. */
    private static final SecretKeySpec ZERO_KEY = new SecretKeySpec(new byte[HASH_BYTES], HMAC);

    private Hkdf() {
    }

    /** {@code PRK = HMAC-Hash(salt, IKM)}; an empty salt means {@code HashLen} zero bytes. */
    public static byte[] extract(byte[] salt, byte[] inputKeyMaterial) {
        return hmac(salt.length == 0 ? new byte[HASH_BYTES] : salt, inputKeyMaterial);
    }

    /**
     * {@code OKM}: the first {@code length} bytes of {@code T(1) | T(2) | ...}, where
     * {@code T(i) = HMAC-Hash(PRK, T(i-1) | info | i)}.
     *
     * @throws IllegalArgumentException if {@code length} exceeds {@code 255 * HashLen}
     */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 0 || length > 255 * HASH_BYTES) {
            throw new IllegalArgumentException("length " + length);
        }
        byte[] out = new byte[length];
        byte[] previous = new byte[0];
        for (int i = 1, done = 0; done < length; i++) {
            byte[] input = new byte[previous.length + info.length + 1];
            System.arraycopy(previous, 0, input, 0, previous.length);
            System.arraycopy(info, 0, input, previous.length, info.length);
            input[input.length - 1] = (byte) i;
            Arrays.fill(previous, (byte) 0);
            previous = hmac(prk, input);
            Arrays.fill(input, (byte) 0);
            int take = Math.min(previous.length, length - done);
            System.arraycopy(previous, 0, out, done, take);
            done += take;
        }
        Arrays.fill(previous, (byte) 0);
        return out;
    }

    /** HMAC-SHA256 of {@code data} under {@code key}; the caller keeps and wipes {@code key}. */
    static byte[] hmac(byte[] key, byte[] data) {
        WipeableKey secret = new WipeableKey(key, HMAC);
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(secret);
            byte[] result = mac.doFinal(data);
            mac.init(ZERO_KEY);
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + HMAC, e);
        } finally {
            secret.destroy();
        }
    }
}
