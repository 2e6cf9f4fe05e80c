package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;
import java.util.Arrays;

/**
 * The client's side of its session's resume credential: the server's handle for the session (from
 * the WELCOME) and the session's resume key, replaced at every WELCOME (the server rotates both
 * on a resume) and wiped when the client finishes.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class ResumeCredential {
    private byte[] resumeId;
    private byte[] resumeKey;

    /** A WELCOME arrived: its resume id and the new keys' resume key replace the old ones (wiped). */
    void welcomed(byte[] id, SessionKeys keys) {
        wipe();
        resumeId = id;
        resumeKey = keys.takeResumeKey();
    }

    /** {@code true} while there is a credential to resume with. */
    boolean held() {
        return resumeKey != null;
    }

    /** The ticket a resume attempt presents; shares the key, which stays this credential's to wipe. */
    ResumeTicket ticket(long lastDelivered) {
        return new ResumeTicket(resumeId, resumeKey, lastDelivered);
    }

    /** A copy of the ticket, whose key the caller wipes; {@code null} if none is held. */
    ResumeTicket copy(long lastDelivered) {
        return resumeKey == null ? null : new ResumeTicket(resumeId.clone(), resumeKey.clone(), lastDelivered);
    }

    /** Zeroes and forgets the key. Idempotent. */
    void wipe() {
        if (resumeKey != null) {
            Arrays.fill(resumeKey, (byte) 0);
            resumeKey = null;
        }
    }
}
