package io.roomcast.internal.protocol;

/** Counters of what a server engine dropped or repeated. Written by the engine's thread only. */
public final class ServerStats {
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
    /** Packets that arrived twice (the second was dropped). */
    public long duplicatePackets;
    /** Private messages delivered to their recipient's private stream. */
    public long privateMessages;
}
