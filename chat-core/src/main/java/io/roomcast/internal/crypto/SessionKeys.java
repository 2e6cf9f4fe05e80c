package io.roomcast.internal.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of one connection, from the SRP session key by HKDF-SHA256: the salt is both
 * handshake nonces (so every connection's keys differ even for the same SRP key), and each
 * direction, and the welcome, has its own key and IV. The pseudorandom key and every
 * intermediate key and IV are zeroed as soon as the protectors hold their copies.
 *
 * <p>{@link #destroy()} wipes all three protectors when the connection is over (or the handshake
 * is abandoned); from then on the accessors refuse. Not thread-safe: handed from the thread that
 * derives it to the one that uses it, never shared.
 */
public final class SessionKeys {
    private final PacketProtector clientToServer;
    private final PacketProtector serverToClient;
    private final PacketProtector welcome;
    private boolean destroyed;

    /**
     * Keys made of these protectors.
     *
     * @param clientToServer protects packets the client sends
     * @param serverToClient protects packets the server sends
     * @param welcome        protects the server's WELCOME (member list, room state)
     */
    public SessionKeys(PacketProtector clientToServer, PacketProtector serverToClient, PacketProtector welcome) {
        this.clientToServer = clientToServer;
        this.serverToClient = serverToClient;
        this.welcome = welcome;
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
            return new SessionKeys(protector(prk, "c2s"), protector(prk, "s2c"), protector(prk, "welcome"));
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

    /** Wipes all three protectors ({@link PacketProtector#destroy}). Idempotent. */
    public void destroy() {
        clientToServer.destroy();
        serverToClient.destroy();
        welcome.destroy();
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
