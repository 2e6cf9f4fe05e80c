package io.roomcast.internal.protocol;

import java.util.Arrays;

/**
 * What a client keeps to resume its session: the server's handle for it (from the WELCOME), the
 * session's resume key ({@link io.roomcast.internal.crypto.SessionKeys#takeResumeKey}) and the
 * last room sequence its listener was given. The key is the client's to wipe ({@link #wipe}).
 *
 * @param resumeId      the WELCOME's resume id
 * @param resumeKey     the session's resume key
 * @param lastDelivered the last room sequence delivered to the listener
 */
record ResumeTicket(byte[] resumeId, byte[] resumeKey, long lastDelivered) {
    /** Zeroes the key. */
    void wipe() {
        Arrays.fill(resumeKey, (byte) 0);
    }
}
