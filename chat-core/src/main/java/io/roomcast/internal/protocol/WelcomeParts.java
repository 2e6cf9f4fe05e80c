package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.WelcomeBody;
import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * The WELCOME for a member just admitted: the member list split over as many datagrams as it
 * needs, each body sealed with the welcome key. It goes once in full, then again to a repeated
 * PROOF until the member's first packet shows it arrived, but only within the handshake's
 * {@link AmplificationBudget}: a PROOF can be replayed from the member's address by anyone who saw
 * it. Repeats go round the parts, so that a member missing the last one gets it in turn.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class WelcomeParts {
    private final byte[][] parts;
    private final AmplificationBudget budget;
    /** The part the next repeat starts with. */
    private int nextAgain;

    /**
     * What a WELCOME says about resumption ({@link WelcomeBody}).
     *
     * @param resumeId        the new session's handle
     * @param resumed         whether this admits a resume
     * @param nothingMissed   whether the stream starts right after the client's last delivered event
     * @param lastProcessedId the last message id the room processed from the member (0 for a fresh join)
     * @param refusedIds      ids of the refusals re-sent after the WELCOME ({@link WelcomeBody#refusedIds})
     */
    record Resume(byte[] resumeId, boolean resumed, boolean nothingMissed, long lastProcessedId, long[] refusedIds) {
        /** A fresh join's fields. */
        static Resume fresh(byte[] resumeId) {
            return new Resume(resumeId, false, false, 0, new long[0]);
        }

        /**
         * The ids of a held session's refusals as a WELCOME names them: in increasing order, at
         * most {@link WelcomeBody#MAX_REFUSED_IDS}, within {@link WelcomeBody#MAX_REFUSED_DISTANCE}
         * below {@code lastProcessedId} (a client's send window keeps them far closer); none for a
         * fresh join.
         */
        static long[] refusedIds(HeldSessions.Held held) {
            if (held == null) {
                return new long[0];
            }
            return held.refusals().stream().mapToLong(Frame.Error::messageId)
                    .filter(id -> id > 0 && id <= held.lastProcessedId()
                            && held.lastProcessedId() - id <= WelcomeBody.MAX_REFUSED_DISTANCE)
                    .sorted().distinct().limit(WelcomeBody.MAX_REFUSED_IDS).toArray();
        }
    }

    private WelcomeParts(byte[][] parts, AmplificationBudget budget) {
        this.parts = parts;
        this.budget = budget;
    }

    /**
     * Encodes the WELCOME for {@code handshake}.
     *
     * @param members the room's usernames, the new member's included
     * @param resume  the resume fields every part carries
     */
    static WelcomeParts of(HandshakeResponder.Handshake handshake, List<String> members, long joinSequence,
                           int maxMessageBytes, int historyCount, Resume resume, SessionKeys keys,
                           byte[] serverProof) {
        List<List<String>> split = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int fixed = HandshakePacket.Welcome.CLEAR_BYTES + PacketProtector.TAG_BYTES
                + WelcomeBody.FIXED_BYTES + WelcomeBody.refusedIdsBytes(resume.refusedIds().length);
        int size = fixed;
        for (String name : members) {
            int nameBytes = 1 + name.getBytes(StandardCharsets.UTF_8).length;
            if (size + nameBytes > WireFormat.MAX_DATAGRAM_BYTES) {
                split.add(current);
                current = new ArrayList<>();
                size = fixed;
            }
            current.add(name);
            size += nameBytes;
        }
        split.add(current);
        byte[][] encoded = new byte[split.size()][];
        for (int i = 0; i < split.size(); i++) {
            WelcomeBody body = new WelcomeBody(joinSequence, maxMessageBytes,
                    TimeUnit.NANOSECONDS.toMillis(handshake.idleTimeoutNanos()), historyCount, resume.resumeId(),
                    resume.resumed(), resume.nothingMissed(), resume.lastProcessedId(), resume.refusedIds(),
                    split.get(i));
            HandshakePacket.Welcome clear = new HandshakePacket.Welcome(handshake.connectionId(), serverProof, i,
                    split.size(), new byte[0]);
            byte[] sealed = keys.welcome().seal(i, clear.associatedData(), body.toBytes());
            encoded[i] = new HandshakePacket.Welcome(handshake.connectionId(), serverProof, i, split.size(), sealed)
                    .toBytes();
        }
        keys.welcome().destroy(); // the WELCOME is sealed once and repeated as these bytes
        return new WelcomeParts(encoded, handshake.budget());
    }

    /**
     * Every part, for the PROOF that was just checked. They go whatever the budget says: only who
     * received the CHALLENGE at that address could make the PROOF, so the address is proved. They
     * are counted in the budget, so that repeats stay within it.
     */
    void sendFirst(InetSocketAddress to, Queue<Datagram> replies) {
        for (byte[] part : parts) {
            budget.sentAnyway(part.length);
            replies.add(new Datagram(to, part));
        }
    }

    /**
     * A repeated PROOF of {@code received} bytes: as many parts as the budget allows, at most one
     * round, from where the last repeat stopped.
     */
    void sendAgain(InetSocketAddress to, int received, Queue<Datagram> replies) {
        budget.received(received);
        for (int sent = 0; sent < parts.length && budget.trySend(parts[nextAgain].length); sent++) {
            replies.add(new Datagram(to, parts[nextAgain]));
            nextAgain = (nextAgain + 1) % parts.length;
        }
    }
}
