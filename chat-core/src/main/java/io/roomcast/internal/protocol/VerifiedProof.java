package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;

/**
 * A password proof that checked out: the server's proof {@code M2} and the connection's keys.
 *
 * @param serverProof {@code M2}
 * @param keys        the connection's keys
 */
record VerifiedProof(byte[] serverProof, SessionKeys keys) {
    /** The handshake ends without a member: its keys are wiped. */
    static void discard(VerifiedProof verified) {
        if (verified != null) {
            verified.keys.destroy();
        }
    }
}
