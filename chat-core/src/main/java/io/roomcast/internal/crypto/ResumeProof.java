package io.roomcast.internal.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The proof that a resuming client held the session it resumes:
 * {@code HMAC-SHA256(resumeKey, "roomcast v2 resume proof" | M1)}, with the old session's resume
 * key ({@link SessionKeys#resumeKeyCopy()}) and the new handshake's password proof {@code M1}.
 * {@code M1} binds it to this handshake's nonces, SRP values and username, so a proof captured
 * from the wire proves nothing in any other handshake, and nobody without the old session's keys
 * can make one. Stateless.
 */
public final class ResumeProof {
    /** Bytes of a proof. */
    public static final int BYTES = 32;
    private static final byte[] LABEL = "roomcast v2 resume proof".getBytes(StandardCharsets.US_ASCII);

    private ResumeProof() {
    }

    /** The proof for {@code clientProof} ({@code M1}); the caller keeps and wipes {@code resumeKey}. */
    public static byte[] make(byte[] resumeKey, byte[] clientProof) {
        byte[] input = new byte[LABEL.length + clientProof.length];
        System.arraycopy(LABEL, 0, input, 0, LABEL.length);
        System.arraycopy(clientProof, 0, input, LABEL.length, clientProof.length);
        try {
            return Hkdf.hmac(resumeKey, input);
        } finally {
            Arrays.fill(input, (byte) 0);
        }
    }

    /** {@code true} if {@code proof} is the proof for {@code clientProof}, compared in constant time. */
    public static boolean verify(byte[] resumeKey, byte[] clientProof, byte[] proof) {
        byte[] expected = make(resumeKey, clientProof);
        try {
            return proof.length == BYTES && MessageDigest.isEqual(expected, proof);
        } finally {
            Arrays.fill(expected, (byte) 0);
        }
    }
}
