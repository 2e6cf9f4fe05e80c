package io.roomcast.internal.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a part of a {@link HandshakePacket.Welcome} says, once opened. Every part carries the
 * same fixed fields.
 *
 * @param joinSequence      the room sequence number of this member's own join event (for a
 *                          resume, the JOINED the resume logged); a fresh join or a resume
 *                          with a gap receives every event after it, history before it. For a
 *                          resume with {@code nothingMissed} the stream starts right after the
 *                          client's last delivered event instead (which the client knows and
 *                          its resume proof covers), the missed events first, then this JOINED,
 *                          then live ones: a resuming client treats a WELCOME whose JOINED is
 *                          not after its last delivered event as a failed resume
 * @param maxMessageBytes   the room's limit on message text, in UTF-8 bytes
 * @param idleTimeoutMillis the connection's idle timeout: the smaller of the server's and the
 *                          HELLO's; the client takes the smaller of this and its own
 * @param historyCount      how many history messages follow the welcome (each an event before
 *                          {@code joinSequence}), at most {@link WireFormat#MAX_HISTORY_MESSAGES}
 * @param resumeId          {@link WireFormat#RESUME_ID_BYTES} random bytes: the server's handle
 *                          for this session, which the client's next HELLO names to resume it
 * @param resumed           {@code true} if this admitted a resume of a held session
 * @param nothingMissed     for a resume: the stream starts right after the client's last
 *                          delivered event; {@code false} means normal history instead (a gap)
 * @param lastProcessedId   for a resume: the highest message id the room processed from this
 *                          member, accepted or refused, so the client re-sends only later ones
 *                          (refusals whose ERROR it may not have had are in {@code refusedIds});
 *                          0 otherwise
 * @param refusedIds        for a resume: ids at or below {@code lastProcessedId} that the room
 *                          refused and whose ERROR goes again right after this WELCOME (the
 *                          old connection may have lost it), in increasing order, at most
 *                          {@link #MAX_REFUSED_IDS}, each within {@link #MAX_REFUSED_DISTANCE}
 *                          below {@code lastProcessedId}; the client leaves them for their ERROR
 * @param members           this part's share of the usernames in the room, the new member included
 */
public record WelcomeBody(long joinSequence, int maxMessageBytes, long idleTimeoutMillis, int historyCount,
                   byte[] resumeId, boolean resumed, boolean nothingMissed, long lastProcessedId,
                   long[] refusedIds, List<String> members) {
    /** At most this many refused ids in a WELCOME (as many as a held session keeps refusals). */
    public static final int MAX_REFUSED_IDS = 128;
    /** How far below {@code lastProcessedId} a refused id may be: each goes as a u16 distance. */
    public static final int MAX_REFUSED_DISTANCE = 0xFFFF;
    /** Bytes of a body besides its member names and refused ids. */
    public static final int FIXED_BYTES = 8 + 4 + 8 + 2 + WireFormat.RESUME_ID_BYTES + 1 + 1 + 8 + 1 + 2;

    /** Defensive copies of the member list and the ids; checks the resume id's length and the ids. */
    public WelcomeBody {
        members = List.copyOf(members);
        refusedIds = refusedIds.clone();
        if (resumeId.length != WireFormat.RESUME_ID_BYTES) {
            throw new IllegalArgumentException("resume id of " + resumeId.length + " bytes");
        }
        if (!refusedIdsValid(refusedIds, lastProcessedId)) {
            throw new IllegalArgumentException("refused ids out of order, range or bound");
        }
    }

    /** A body without refused ids. */
    public WelcomeBody(long joinSequence, int maxMessageBytes, long idleTimeoutMillis, int historyCount,
                       byte[] resumeId, boolean resumed, boolean nothingMissed, long lastProcessedId,
                       List<String> members) {
        this(joinSequence, maxMessageBytes, idleTimeoutMillis, historyCount, resumeId, resumed, nothingMissed,
                lastProcessedId, new long[0], members);
    }

    /** The refused ids, a copy. */
    @Override
    public long[] refusedIds() {
        return refusedIds.clone();
    }

    /** Bytes the refused ids take in a body. */
    public static int refusedIdsBytes(int count) {
        return 2 * count;
    }

    private static boolean refusedIdsValid(long[] ids, long lastProcessedId) {
        if (ids.length > MAX_REFUSED_IDS) {
            return false;
        }
        long previous = 0;
        for (long id : ids) {
            if (id <= previous || id > lastProcessedId || lastProcessedId - id > MAX_REFUSED_DISTANCE) {
                return false;
            }
            previous = id;
        }
        return true;
    }

    /** A body for a fresh join. */
    public WelcomeBody(long joinSequence, int maxMessageBytes, long idleTimeoutMillis, int historyCount,
                       byte[] resumeId, List<String> members) {
        this(joinSequence, maxMessageBytes, idleTimeoutMillis, historyCount, resumeId, false, false, 0, new long[0],
                members);
    }

    /** The body's bytes, to be sealed. */
    public byte[] toBytes() {
        int length = FIXED_BYTES + refusedIdsBytes(refusedIds.length);
        for (String member : members) {
            length += 1 + member.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        out.putLong(joinSequence).putInt(maxMessageBytes).putLong(idleTimeoutMillis)
                .putShort((short) historyCount).put(resumeId).put((byte) (resumed ? 1 : 0))
                .put((byte) (nothingMissed ? 1 : 0)).putLong(lastProcessedId).put((byte) refusedIds.length);
        for (long id : refusedIds) {
            out.putShort((short) (lastProcessedId - id));
        }
        out.putShort((short) members.size());
        for (String member : members) {
            WireWriter.string8(out, member);
        }
        return out.array();
    }

    /** Decodes an opened body. */
    public static WelcomeBody decode(ByteBuffer body) throws MalformedPacketException {
        WireReader in = new WireReader(body);
        long joinSequence = in.i64();
        int maxMessageBytes = in.i32();
        long idleTimeoutMillis = in.i64();
        int historyCount = in.u16();
        if (maxMessageBytes <= 0 || idleTimeoutMillis <= 0 || historyCount > WireFormat.MAX_HISTORY_MESSAGES
                || historyCount >= joinSequence) {
            throw new MalformedPacketException("welcome with impossible limits");
        }
        byte[] resumeId = in.bytes(WireFormat.RESUME_ID_BYTES);
        boolean resumed = flag(in);
        boolean nothingMissed = flag(in);
        long lastProcessedId = in.i64();
        if (lastProcessedId < 0 || (!resumed && (nothingMissed || lastProcessedId != 0))) {
            throw new MalformedPacketException("welcome with impossible resume fields");
        }
        int refusedCount = in.u8();
        if (refusedCount > MAX_REFUSED_IDS || (!resumed && refusedCount != 0)) {
            throw new MalformedPacketException("welcome with " + refusedCount + " refused ids");
        }
        long[] refusedIds = new long[refusedCount];
        for (int i = 0; i < refusedCount; i++) {
            refusedIds[i] = lastProcessedId - in.u16();
        }
        if (!refusedIdsValid(refusedIds, lastProcessedId)) {
            throw new MalformedPacketException("welcome with refused ids out of order or range");
        }
        int count = in.u16();
        // every name takes at least two bytes, so an absurd count fails here, before any allocation
        if (count * 2 > in.remaining()) {
            throw new MalformedPacketException("welcome claims " + count + " members");
        }
        List<String> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(in.string8());
        }
        in.expectEnd();
        return new WelcomeBody(joinSequence, maxMessageBytes, idleTimeoutMillis, historyCount, resumeId, resumed,
                nothingMissed, lastProcessedId, refusedIds, members);
    }

    private static boolean flag(WireReader in) throws MalformedPacketException {
        int value = in.u8();
        if (value > 1) {
            throw new MalformedPacketException("welcome flag " + value);
        }
        return value == 1;
    }

    /** Equal when every field is, the resume id by content. */
    @Override
    public boolean equals(Object other) {
        return other instanceof WelcomeBody that && joinSequence == that.joinSequence
                && maxMessageBytes == that.maxMessageBytes && idleTimeoutMillis == that.idleTimeoutMillis
                && historyCount == that.historyCount && Arrays.equals(resumeId, that.resumeId)
                && resumed == that.resumed && nothingMissed == that.nothingMissed
                && lastProcessedId == that.lastProcessedId && Arrays.equals(refusedIds, that.refusedIds)
                && members.equals(that.members);
    }

    @Override
    public int hashCode() {
        return Objects.hash(joinSequence, Arrays.hashCode(resumeId), members);
    }
}
