package io.roomcast.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys one cluster secret gives: an AES-256 key that encrypts traffic between nodes and a
 * separate key that authenticates joins. Neither reveals the secret or the other key.
 *
 * <p>Derivation: PBKDF2-HMAC-SHA256 (the secret may be a pass phrase from an environment
 * variable) over the secret with the cluster name as salt gives a master key; HMAC-SHA256 of
 * the master key over a label gives each key (HKDF-Expand with one block).
 */
public final class ClusterKeys {
    /** PBKDF2 iterations: about 50 ms on a laptop, once per node start. */
    static final int ITERATIONS = 60_000;

    private final SecretKey encryptionKey;
    private final byte[] authenticationKey;

    private ClusterKeys(SecretKey encryptionKey, byte[] authenticationKey) {
        this.encryptionKey = encryptionKey;
        this.authenticationKey = authenticationKey;
    }

    /**
     * Derives the keys.
     *
     * @param secret      the cluster secret (not kept)
     * @param clusterName the cluster's name, the salt
     * @return the keys
     */
    public static ClusterKeys derive(byte[] secret, String clusterName) {
        // PBEKeySpec takes chars: Base64 keeps arbitrary secret bytes intact and unambiguous
        char[] chars = Base64.getEncoder().encodeToString(secret).toCharArray();
        byte[] salt = ("roomcast-cluster/v1/" + clusterName).getBytes(StandardCharsets.UTF_8);
        PBEKeySpec spec = new PBEKeySpec(chars, salt, ITERATIONS, 256);
        byte[] master = null;
        try {
            master = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            byte[] enc = expand(master, "encryption");
            byte[] auth = expand(master, "authentication");
            return new ClusterKeys(new SecretKeySpec(enc, "AES"), auth);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks PBKDF2WithHmacSHA256 or HmacSHA256", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
            if (master != null) {
                Arrays.fill(master, (byte) 0);
            }
        }
    }

    /**
     * The AES-256 key for SYM_ENCRYPT.
     *
     * @return the key
     */
    public SecretKey encryptionKey() {
        return encryptionKey;
    }

    /**
     * The token a node with address {@code address} shows when it joins: an HMAC of the address
     * under the authentication key, so a token seen on the wire is worth nothing for any other
     * address and says nothing about the secret.
     *
     * @param address the joining node's address, as text
     * @return the token
     */
    public byte[] joinToken(String address) {
        return hmac(authenticationKey, "join/" + address);
    }

    /**
     * Compares two tokens in constant time.
     *
     * @param expected the token computed here
     * @param received the token a peer sent (may be null)
     * @return whether they are equal
     */
    static boolean matches(byte[] expected, byte[] received) {
        return received != null && MessageDigest.isEqual(expected, received);
    }

    private static byte[] expand(byte[] master, String label) {
        return hmac(master, label + "\u0001");
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }
}
