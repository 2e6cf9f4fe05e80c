package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;

/**
 * What a {@link ServerEngine} needs to know, all validated by the public builder.
 *
 * @param roomName          the room name, which is also the SRP identity
 * @param group             the SRP group
 * @param verifier          the password verifier
 * @param idleTimeoutNanos  the server's idle timeout; the effective timeout per member is the
 *                          smaller of this and the client's
 * @param maxMessageBytes   the most UTF-8 bytes of text in one message
 * @param maxMembers        the most members
 * @param logCapacity       how many events the room log keeps
 * @param sendWindow        how many events may be unacknowledged per member
 */
public record ServerConfig(String roomName, SrpGroup group, SrpVerifier verifier, long idleTimeoutNanos,
                           int maxMessageBytes, int maxMembers, int logCapacity, int sendWindow) {
    /** Default room log capacity, in events. */
    public static final int DEFAULT_LOG_CAPACITY = 8192;
    /** Default per-member window of unacknowledged events. */
    public static final int DEFAULT_SEND_WINDOW = 512;
}
