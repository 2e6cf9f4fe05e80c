package io.roomcast.internal.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The proof that a resuming client held the session it resumes:
 * {@code HMAC-SHA256(resumeKey, "roomcast v2 resume proof" | M1 | u8 len | resumeId | i64 lastDelivered)},
 * with the old session's resume key ({@link SessionKeys#resumeKeyCopy()}), the new handshake's
 * password proof {@code M1}, the resume id the HELLO named and the client's delivered position
 * that the PROOF carries (so nobody on the path can change where the resumed stream starts).
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

    /**
     * The proof for {@code clientProof} ({@code M1}), {@code resumeId} (at most 255 bytes) and
     * {@code lastDelivered}; the caller keeps and wipes {@code resumeKey}.
     */
    public static byte[] make(byte[] resumeKey, byte[] clientProof, byte[] resumeId, long lastDelivered) {
        if (resumeId.length > 0xFF) {
            throw new IllegalArgumentException("resume id of " + resumeId.length + " bytes");
        }
        byte[] input = ByteBuffer.allocate(LABEL.length + clientProof.length + 1 + resumeId.length + 8)
                .put(LABEL).put(clientProof).put((byte) resumeId.length).put(resumeId).putLong(lastDelivered)
                .array();
        try {
            return Hkdf.hmac(resumeKey, input);
        } finally {
            Arrays.fill(input, (byte) 0);
        }
    }

    /**
     * {@code true} if {@code proof} is the proof for {@code clientProof}, {@code resumeId} and
     * {@code lastDelivered}, compared in constant time.
     */
    public static boolean verify(byte[] resumeKey, byte[] clientProof, byte[] resumeId, long lastDelivered,
                                 byte[] proof) {
        if (resumeId.length > 0xFF) {
            return false;
        }
        byte[] expected = make(resumeKey, clientProof, resumeId, lastDelivered);
        try {
            return proof.length == BYTES && MessageDigest.isEqual(expected, proof);
        } finally {
            Arrays.fill(expected, (byte) 0);
        }
    }
}
