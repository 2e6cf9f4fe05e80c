package io.roomcast.internal.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes both sides bind into the SRP proofs besides the SRP values: the username, both
 * nonces and the connection id. A proof made for one of these can never be replayed for
 * another, and a man in the middle cannot swap the username.
 */
final class HandshakeContext {
    private HandshakeContext() {
    }

    static byte[] of(String username, byte[] clientNonce, byte[] serverNonce, long connectionId) {
        byte[] name = username.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + name.length + clientNonce.length + serverNonce.length + 8)
                .putShort((short) name.length).put(name).put(clientNonce).put(serverNonce).putLong(connectionId)
                .array();
    }
}
