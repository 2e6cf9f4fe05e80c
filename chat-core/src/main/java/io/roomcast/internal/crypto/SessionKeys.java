package io.roomcast.internal.crypto;

import java.nio.charset.StandardCharsets;

/**
 * The keys of one connection, from the SRP session key by HKDF-SHA256: the salt is both
 * handshake nonces (so every connection's keys differ even for the same SRP key), and each
 * direction, and the welcome, has its own key and IV.
 *
 * @param clientToServer protects packets the client sends
 * @param serverToClient protects packets the server sends
 * @param welcome        protects the server's WELCOME (member list, room state)
 */
public record SessionKeys(PacketProtector clientToServer, PacketProtector serverToClient, PacketProtector welcome) {

    /** Derives the keys; both sides call this with the same inputs. */
    public static SessionKeys derive(byte[] srpSessionKey, byte[] clientNonce, byte[] serverNonce) {
        byte[] salt = new byte[clientNonce.length + serverNonce.length];
        System.arraycopy(clientNonce, 0, salt, 0, clientNonce.length);
        System.arraycopy(serverNonce, 0, salt, clientNonce.length, serverNonce.length);
        byte[] prk = Hkdf.extract(salt, srpSessionKey);
        return new SessionKeys(protector(prk, "c2s"), protector(prk, "s2c"), protector(prk, "welcome"));
    }

    private static PacketProtector protector(byte[] prk, String label) {
        byte[] key = Hkdf.expand(prk, info("roomcast v1 " + label + " key"), PacketProtector.KEY_BYTES);
        byte[] iv = Hkdf.expand(prk, info("roomcast v1 " + label + " iv"), PacketProtector.IV_BYTES);
        return new PacketProtector(key, iv);
    }

    private static byte[] info(String label) {
        return label.getBytes(StandardCharsets.US_ASCII);
    }
}
