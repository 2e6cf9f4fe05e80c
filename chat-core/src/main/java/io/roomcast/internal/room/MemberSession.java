package io.roomcast.internal.room;

/**
 * What every node knows of a member's session, so that the member may resume it on any node: its
 * resume id and key (rotated at every resume), the floor of its stream (a resume asking for events
 * before it gets history) and the last message id the room processed from it (a resume continues
 * after it, and a message applied twice — sent again after a failover — is applied once).
 *
 * <p>The key is a secret: it travels only inside the cluster (whose traffic is encrypted) and is
 * wiped when the session ends. Not thread-safe: owned by the room's thread.
 */
public final class MemberSession {
    private final byte[] resumeId;
    private final byte[] resumeKey;
    private final long floor;
    private long lastProcessedId;

    /** Copies of {@code resumeId} and {@code resumeKey} are kept. */
    public MemberSession(byte[] resumeId, byte[] resumeKey, long floor, long lastProcessedId) {
        this.resumeId = resumeId.clone();
        this.resumeKey = resumeKey.clone();
        this.floor = floor;
        this.lastProcessedId = lastProcessedId;
    }

    /** The id that resumes it: a copy. */
    public byte[] resumeId() {
        return resumeId.clone();
    }

    /** The key its resume proof is checked with: a copy. */
    public byte[] resumeKey() {
        return resumeKey.clone();
    }

    /** The floor of the member's stream. */
    public long floor() {
        return floor;
    }

    /** The last message id the room processed from the member. */
    public long lastProcessedId() {
        return lastProcessedId;
    }

    /**
     * Records that the room processed message {@code messageId}.
     *
     * @return {@code false} if it had processed that one (or a later one) before: a repeat
     */
    public boolean processed(long messageId) {
        if (messageId <= lastProcessedId) {
            return false;
        }
        lastProcessedId = messageId;
        return true;
    }

    /** Wipes the key (the session is over). */
    public void wipe() {
        java.util.Arrays.fill(resumeKey, (byte) 0);
    }
}
