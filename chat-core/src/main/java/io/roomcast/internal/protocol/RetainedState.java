package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireFormat;

/**
 * What the server holds for one member beyond its fixed objects — the part a member's behaviour
 * can grow — counted, with an estimate of the bytes: for tests that hold the server to the bound
 * SECURITY.md states, and for {@link #boundBytes}, which is that bound. The estimates assume
 * 64-bit references and 16-byte object headers, so they err on the large side.
 *
 * @param packetsInFlight ack-eliciting packets sent and neither acknowledged nor declared lost
 * @param framesInFlight  pieces of events (room and private) and ERROR frames those packets carried,
 *                        kept for re-sending
 * @param piecesToResend  pieces of lost packets waiting to go again, both streams
 * @param refusalsQueued  ERROR frames waiting to be sent
 * @param refusedEarly    messages refused before they were complete, waiting their turn
 * @param messageBytes    bytes of incomplete messages, every buffer counted ({@link Reassembly#bytesHeld})
 * @param privateEntries  undelivered entries of the member's private stream
 * @param privateBytes    bytes of those entries
 */
record RetainedState(int packetsInFlight, int framesInFlight, int piecesToResend, int refusalsQueued,
                     int refusedEarly, long messageBytes, int privateEntries, long privateBytes) {
    /** A packet's record in loss recovery: map entry, boxed number, record, and the two lists of what it carried. */
    static final int PACKET_RECORD_BYTES = 192;
    /** A piece or an ERROR frame kept for a packet in flight, with its list slot. */
    static final int FRAME_IN_FLIGHT_BYTES = 40;
    /** A piece waiting to be sent again, with its queue slot. */
    static final int PIECE_TO_RESEND_BYTES = 40;
    /**
     * A queued or early refusal: map entry, boxed id and ERROR frame. Its detail is shared, except a
     * mute's, which says how long is left: at most {@link #MUTED_DETAIL_BYTES} more.
     */
    static final int REFUSAL_BYTES = 96;
    /** The most a mute refusal's own detail adds ("you are muted for another 364 d 23 h"). */
    static final int MUTED_DETAIL_BYTES = 96;
    /** An undelivered private entry's slot and array header, besides its bytes. */
    static final int PRIVATE_ENTRY_BYTES = 24;
    /** The largest confirmation of a private message (they take a place in the private stream, not bytes). */
    static final int CONFIRMATION_BYTES = 1 + 8 + 8 + 1 + 1 + WireFormat.MAX_USERNAME_BYTES + 8;
    /** The smallest frame a packet to a member carries for it: an EVENT of a one-byte username joining. */
    static final int MIN_FRAME_BYTES = 1 + 8 + 8 + 1 + 1 + 1;
    /** The most frames one packet carries, and so the most kept for one packet in flight. */
    static final int MAX_FRAMES_PER_PACKET = (WireFormat.MAX_DATAGRAM_BYTES - ShortHeader.BYTES
            - WireFormat.PROTECTION_OVERHEAD_BYTES) / MIN_FRAME_BYTES;

    /** What {@code member} holds now. */
    static RetainedState of(RoomMember member) {
        int[] frames = new int[1];
        member.connection.forEachInFlight(sent -> {
            if (sent != null) {
                frames[0] += sent.pieces().size() + sent.privatePieces().size() + sent.errors().size();
            }
        });
        return new RetainedState(member.connection.packetsInFlight(), frames[0],
                member.events.piecesToResend() + member.privatePiecesToResend(), member.incoming.refusalsQueued(),
                member.incoming.refusedEarlyCount(), member.incoming.bytesHeld(), member.privateCountHeld(),
                member.privateBytesHeld());
    }

    /** The estimate of these bytes. */
    long estimatedBytes() {
        return (long) packetsInFlight * PACKET_RECORD_BYTES + (long) framesInFlight * FRAME_IN_FLIGHT_BYTES
                + (long) piecesToResend * PIECE_TO_RESEND_BYTES
                + (long) (refusalsQueued + refusedEarly) * (REFUSAL_BYTES + MUTED_DETAIL_BYTES)
                + messageBytes + (long) privateEntries * PRIVATE_ENTRY_BYTES + privateBytes;
    }

    /**
     * The most a member in the room can make the server hold, by the caps a member is removed for
     * exceeding, the budget of incomplete messages and the bound of its private stream: every packet
     * in flight full of the smallest frames, every queue at its cap (each stream's re-sends at
     * theirs), the private stream full (or holding one entry of the largest size).
     *
     * @param packetWindow    the room's packet window ({@link ServerConfig#packetWindow})
     * @param maxMessageBytes the room's message size limit
     */
    static long boundBytes(int packetWindow, int maxMessageBytes) {
        long packets = packetWindow + EventStream.PACKETS_BEYOND_WINDOW;
        long largestEntry = maxMessageBytes + EventFrame.MAX_OVERHEAD_BYTES;
        return packets * (PACKET_RECORD_BYTES + (long) MAX_FRAMES_PER_PACKET * FRAME_IN_FLIGHT_BYTES)
                + 2L * EventStream.MAX_PIECES_TO_RESEND * PIECE_TO_RESEND_BYTES
                + (long) (IncomingMessages.MAX_QUEUED_REFUSALS + 1 + ProtocolLimits.SEND_WINDOW)
                        * (REFUSAL_BYTES + MUTED_DETAIL_BYTES)
                + IncomingMessages.budgetBytes(maxMessageBytes)
                + (long) RoomMember.MAX_PRIVATE_MESSAGES * (PRIVATE_ENTRY_BYTES + CONFIRMATION_BYTES)
                + Math.max(RoomMember.MAX_PRIVATE_BYTES, largestEntry);
    }
}
