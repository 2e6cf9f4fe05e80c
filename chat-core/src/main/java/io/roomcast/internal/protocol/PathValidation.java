package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.ShortHeader;
import java.net.InetSocketAddress;
import java.util.Random;

/**
 * Validation of a new address for one member (NAT rebinding, roaming), as QUIC does it: an
 * authentic, fresh packet from a new address makes it a candidate; a PATH_CHALLENGE with a
 * random value goes there, never more than {@link AmplificationBudget#FACTOR} times the bytes
 * that came from it, re-sent on a probe timeout; the member moves only when the PATH_RESPONSE
 * comes back from that same address. Until then its packets keep going to the old address.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class PathValidation {
    private static final int CHALLENGE_PACKET_BYTES = ShortHeader.BYTES + new Frame.PathChallenge(0).encodedLength()
            + PacketProtector.TAG_BYTES;

    private InetSocketAddress candidate;
    private long challengeData;
    private AmplificationBudget budget;
    private long challengeAtNanos = Long.MAX_VALUE;
    private boolean challengeDue;

    /** The address being validated, or null. */
    InetSocketAddress candidate() {
        return candidate;
    }

    /** {@code true} if a PATH_CHALLENGE should go to the candidate now. */
    boolean challengeDue() {
        return challengeDue;
    }

    /** When the challenge is next re-sent, or {@link Long#MAX_VALUE}. */
    long deadlineNanos() {
        return challengeAtNanos;
    }

    /**
     * An authentic, fresh packet of {@code bytes} came from {@code source}, not the member's address.
     *
     * @return {@code true} if {@code source} is a new candidate
     */
    boolean packetFrom(InetSocketAddress source, int bytes, long nowNanos, Random random) {
        boolean fresh = !source.equals(candidate);
        if (fresh) {
            candidate = source;
            challengeData = random.nextLong();
            budget = new AmplificationBudget();
            challengeDue = true;
            challengeAtNanos = nowNanos;
        }
        budget.received(bytes);
        if (nowNanos >= challengeAtNanos) {
            challengeDue = true;
        }
        return fresh;
    }

    /** The re-send timer: a challenge goes again if the candidate has not answered. */
    void onTimer(long nowNanos) {
        if (candidate != null && nowNanos >= challengeAtNanos) {
            challengeDue = true;
            challengeAtNanos = Long.MAX_VALUE; // re-armed when the challenge goes out
        }
    }

    /**
     * The challenge packet for the candidate, if the amplification limit allows it now.
     *
     * @param retryNanos when to re-send if no answer comes
     * @return the sealed packet, or null if it must wait for more bytes from the candidate
     */
    byte[] challenge(Connection<?> connection, long nowNanos, long retryNanos) {
        challengeDue = false;
        if (!budget.trySend(CHALLENGE_PACKET_BYTES)) {
            return null; // more bytes from the new address will allow another try
        }
        challengeAtNanos = nowNanos + retryNanos;
        return connection.packetOf(new Frame.PathChallenge(challengeData));
    }

    /**
     * A PATH_RESPONSE arrived from {@code source}.
     *
     * @return the validated address to move to, or null if the response does not answer the
     *         challenge on that path
     */
    InetSocketAddress response(Frame.PathResponse response, InetSocketAddress source) {
        if (candidate == null || response.data() != challengeData || !candidate.equals(source)) {
            return null; // a response must come back on the path that was challenged
        }
        InetSocketAddress validated = candidate;
        candidate = null;
        challengeDue = false;
        challengeAtNanos = Long.MAX_VALUE;
        return validated;
    }
}
