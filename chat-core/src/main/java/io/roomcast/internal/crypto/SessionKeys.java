package io.roomcast.internal.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of one connection, from the SRP session key by HKDF-SHA256: the salt is both
 * handshake nonces (so every connection's keys differ even for the same SRP key), and each
 * direction, and the welcome, has its own key and IV. The pseudorandom key and every
 * intermediate key and IV are zeroed as soon as the protectors hold their copies. A fourth key,
 * the resume key, never protects packets: it makes and checks the resume proof of the session's
 * next connection ({@link ResumeProof}), so that only who held this session can resume it;
 * {@link #takeResumeKey()} moves it to the session's holder.
 *
 * <p>{@link #destroy()} wipes all three protectors when the connection is over (or the handshake
 * is abandoned); from then on the accessors refuse. Not thread-safe: handed from the thread that
 * derives it to the one that uses it, never shared.
 */
public final class SessionKeys {
    private final PacketProtector clientToServer;
    private final PacketProtector serverToClient;
    private final PacketProtector welcome;
    private final byte[] resumeKey;
    private boolean destroyed;

    /** Bytes of the resume key. */
    public static final int RESUME_KEY_BYTES = 32;

    /**
     * Keys made of these protectors.
     *
     * @param clientToServer protects packets the client sends
     * @param serverToClient protects packets the server sends
     * @param welcome        protects the server's WELCOME (member list, room state)
     */
    public SessionKeys(PacketProtector clientToServer, PacketProtector serverToClient, PacketProtector welcome) {
        this(clientToServer, serverToClient, welcome, new byte[RESUME_KEY_BYTES]);
    }

    /**
     * Keys made of these protectors and this resume key, which the keys now own (and wipe).
     *
     * @param resumeKey {@link #RESUME_KEY_BYTES} bytes
     */
    public SessionKeys(PacketProtector clientToServer, PacketProtector serverToClient, PacketProtector welcome,
                       byte[] resumeKey) {
        if (resumeKey.length != RESUME_KEY_BYTES) {
            throw new IllegalArgumentException("resume key of " + resumeKey.length + " bytes");
        }
        this.clientToServer = clientToServer;
        this.serverToClient = serverToClient;
        this.welcome = welcome;
        this.resumeKey = resumeKey;
    }

    /** Derives the keys; both sides call this with the same inputs. {@code srpSessionKey} stays the caller's to wipe. */
    public static SessionKeys derive(byte[] srpSessionKey, byte[] clientNonce, byte[] serverNonce) {
        byte[] salt = new byte[clientNonce.length + serverNonce.length];
        System.arraycopy(clientNonce, 0, salt, 0, clientNonce.length);
        System.arraycopy(serverNonce, 0, salt, clientNonce.length, serverNonce.length);
        return expand(Hkdf.extract(salt, srpSessionKey));
    }

    /** Expands the pseudorandom key into the connection's keys, then zeroes {@code prk}. */
    static SessionKeys expand(byte[] prk) {
        try {
            return new SessionKeys(protector(prk, "c2s"), protector(prk, "s2c"), protector(prk, "welcome"),
                    Hkdf.expand(prk, info("roomcast v2 resume"), RESUME_KEY_BYTES));
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    private static PacketProtector protector(byte[] prk, String label) {
        byte[] key = Hkdf.expand(prk, info("roomcast v1 " + label + " key"), PacketProtector.KEY_BYTES);
        byte[] iv = Hkdf.expand(prk, info("roomcast v1 " + label + " iv"), PacketProtector.IV_BYTES);
        try {
            return new PacketProtector(key, iv);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(iv, (byte) 0);
        }
    }

    private static byte[] info(String label) {
        return label.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Protects packets the client sends.
     *
     * @throws IllegalStateException once the keys are destroyed
     */
    public PacketProtector clientToServer() {
        return live(clientToServer);
    }

    /**
     * Protects packets the server sends.
     *
     * @throws IllegalStateException once the keys are destroyed
     */
    public PacketProtector serverToClient() {
        return live(serverToClient);
    }

    /**
     * Protects the server's WELCOME; destroyed on its own once the WELCOME is sealed (server) or
     * opened (client), as nothing else uses it.
     *
     * @throws IllegalStateException once the keys are destroyed
     */
    public PacketProtector welcome() {
        return live(welcome);
    }

    /**
     * The resume key, moved to the caller (who wipes it when done): these keys keep only zeros,
     * so the key lives in one place, with the session that may be resumed.
     *
     * @throws IllegalStateException once the keys are destroyed
     */
    public byte[] takeResumeKey() {
        if (destroyed) {
            throw new IllegalStateException("the session keys were destroyed: the connection is over");
        }
        byte[] taken = resumeKey.clone();
        Arrays.fill(resumeKey, (byte) 0);
        return taken;
    }

    /** Wipes all three protectors ({@link PacketProtector#destroy}) and the resume key. Idempotent. */
    public void destroy() {
        clientToServer.destroy();
        serverToClient.destroy();
        welcome.destroy();
        Arrays.fill(resumeKey, (byte) 0);
        destroyed = true;
    }

    /** {@code true} once {@link #destroy()} has run. */
    public boolean isDestroyed() {
        return destroyed;
    }

    private PacketProtector live(PacketProtector protector) {
        if (destroyed) {
            throw new IllegalStateException("the session keys were destroyed: the connection is over");
        }
        return protector;
    }
}
