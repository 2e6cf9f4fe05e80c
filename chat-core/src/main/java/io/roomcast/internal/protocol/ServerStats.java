package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;

/**
 * Counters of what a server engine did, dropped or repeated. Written by the engine's thread only,
 * without locks; other threads read a {@link #copy()} made on that thread.
 */
public final class ServerStats {
    /** Members in the room when the copy was made. */
    public int members;
    /** Room messages accepted into the room log. */
    public long messagesAccepted;
    /** Room events members reported delivered to their applications, summed over members. */
    public long deliveries;
    /** Datagrams received. */
    public long datagramsIn;
    /** Bytes of datagrams received. */
    public long bytesIn;
    /** Datagrams sent. */
    public long datagramsOut;
    /** Bytes of datagrams sent. */
    public long bytesOut;
    /** Messages refused, by {@link ErrorCode} (index: the code's ordinal). */
    public final long[] refusals = new long[ErrorCode.values().length];
    /** Members that left or were removed, by {@link CloseReason} (index: the reason's ordinal). */
    public final long[] departures = new long[CloseReason.values().length];
    /** Datagrams that were not valid packets. */
    public long malformed;
    /** Handshakes in an unsupported protocol version. */
    public long versionMismatches;
    /** Short-header packets for a known connection that did not open: forged, damaged or replayed. */
    public long unauthenticated;
    /** Short-header packets for no known connection. */
    public long unknownConnection;
    /** Path challenges started because a member's packets came from a new address. */
    public long pathChallenges;
    /** Members moved to a new address after it answered a path challenge. */
    public long migrations;
    /** Handshakes refused because their address guessed too many passwords. */
    public long throttled;
    /** Password proofs that failed. */
    public long badPasswords;
    /** Messages refused by a member's rate limit. */
    public long rateLimited;
    /** HELLOs answered with a RETRY token because the server was busy. */
    public long retries;
    /** HELLOs refused as busy: too many handshakes in progress from their address, or in all. */
    public long busy;
    /** HELLOs dropped because their RETRY token had already opened a handshake: replays. */
    public long spentRetryTokens;
    /** Packets that arrived twice (the second was dropped). */
    public long duplicatePackets;
    /** Private messages delivered to their recipient's private stream. */
    public long privateMessages;

    /** A copy of every counter, for another thread. */
    public ServerStats copy() {
        ServerStats copy = new ServerStats();
        copy.members = members;
        copy.messagesAccepted = messagesAccepted;
        copy.deliveries = deliveries;
        copy.datagramsIn = datagramsIn;
        copy.bytesIn = bytesIn;
        copy.datagramsOut = datagramsOut;
        copy.bytesOut = bytesOut;
        System.arraycopy(refusals, 0, copy.refusals, 0, refusals.length);
        System.arraycopy(departures, 0, copy.departures, 0, departures.length);
        copy.malformed = malformed;
        copy.versionMismatches = versionMismatches;
        copy.unauthenticated = unauthenticated;
        copy.unknownConnection = unknownConnection;
        copy.pathChallenges = pathChallenges;
        copy.migrations = migrations;
        copy.throttled = throttled;
        copy.badPasswords = badPasswords;
        copy.rateLimited = rateLimited;
        copy.retries = retries;
        copy.duplicatePackets = duplicatePackets;
        copy.privateMessages = privateMessages;
        return copy;
    }
}
