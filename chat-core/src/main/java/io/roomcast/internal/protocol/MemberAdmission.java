package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.room.Command;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.RoomHistory;
import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.WireFormat;
import java.util.Queue;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a handshake becomes a member, fresh or resuming a {@link HeldSessions held} session, and
 * where a member that timed out leaves with its session held ({@link #timeOut}).
 *
 * <p>A resume: the handshake proved the password and, with the old session's resume key, that it
 * held the session ({@link HeldSessions#claim}); it joins under the held name (a JOINED event
 * every member sees), its messages continue after the last the room processed from it, and its
 * room stream starts right after the last event its listener was given if the log still holds
 * what follows (nothing missed), else with history like a fresh join. A member still in the room
 * under the session being resumed (the client noticed the outage before the server did) is first
 * removed {@code TIMED_OUT}, so every member sees the leave and the join in room order.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class MemberAdmission implements HandshakeResponder.Admission {
    private static final Logger log = LoggerFactory.getLogger(MemberAdmission.class);

    private final ServerConfig config;
    private final Room room;
    private final MemberTable members;
    private final HandshakeResponder handshakes;
    private final HeldSessions held;
    private final Departures departures;
    private final Queue<Datagram> replies;
    private final ServerEventSink sink;
    private final Random random;
    private final IncomingMessages.Details refusalDetails;
    private final ByteBudget reassemblyBudget;
    private final ServerStats stats;
    private final RoomOrder order;

    MemberAdmission(ServerConfig config, Room room, MemberTable members, HandshakeResponder handshakes,
                    HeldSessions held, Departures departures, Queue<Datagram> replies, ServerEventSink sink,
                    Random random, IncomingMessages.Details refusalDetails,
                    ByteBudget reassemblyBudget, ServerStats stats, RoomOrder order) {
        this.order = order;
        this.config = config;
        this.room = room;
        this.members = members;
        this.handshakes = handshakes;
        this.held = held;
        this.departures = departures;
        this.replies = replies;
        this.sink = sink;
        this.random = random;
        this.refusalDetails = refusalDetails;
        this.reassemblyBudget = reassemblyBudget;
        this.stats = stats;
    }

    @Override
    public HeldSessions.Held claim(long now, HandshakeResponder.Handshake handshake, HandshakePacket.Proof proof) {
        RoomMember inRoom = null;
        if (handshake.resumeId().length > 0) {
            for (RoomMember member : members.all()) {
                if (!member.unconfirmed()) {
                    member.dropPreviousResume(); // confirmed: only the rotated id resumes it now
                }
                if (member.resumeKeyFor(handshake.resumeId()) != null
                        && !member.expelled() && !member.connection.isClosing()) {
                    inRoom = member; // still present, or resumed but its WELCOME lost (unconfirmed)
                }
            }
        }
        return held.claim(handshake.resumeId(), handshake.username(), proof.clientProof(), proof.lastDelivered(),
                proof.resumeProof(), inRoom, (member, reason) -> timeOut(now, member, false));
    }

    @Override
    public void unclaim(HeldSessions.Held resumed) {
        held.putBack(resumed);
    }

    @Override
    public void admit(long now, HandshakeResponder.Handshake handshake, SessionKeys keys, byte[] serverProof,
                      HeldSessions.Held resumed, long lastDelivered, HandshakeResponder.Refused refused) {
        byte[] resumeId = new byte[WireFormat.RESUME_ID_BYTES]; // a resume rotates both the id and the key
        random.nextBytes(resumeId);
        byte[] resumeKey = keys.takeResumeKey();
        Command.Resume session = resumed == null
                ? new Command.Resume(resumeId, resumeKey, new byte[0], 0, 0, lastDelivered)
                : new Command.Resume(resumeId, resumeKey, resumed.resumeId().bytes(), resumed.joinSequence(),
                        resumed.lastProcessedId(), lastDelivered);
        order.join(now, new Waiting(handshake, resumed != null ? resumed.displayName() : handshake.username(), now,
                keys, serverProof, resumed, lastDelivered, session, refused));
    }

    /**
     * The room ordered the join: the member is in, with its WELCOME.
     *
     * @param history the room's history before its join
     */
    void joined(long now, WaitingJoins.WaitingJoin waitingJoin, EventFrame joined, RoomHistory.Snapshot history) {
        Waiting waiting = (Waiting) waitingJoin;
        HandshakeResponder.Handshake handshake = waiting.handshake();
        SessionKeys keys = waiting.keys();
        HeldSessions.Held resumed = waiting.resumed();
        long lastDelivered = waiting.lastDelivered();
        byte[] serverProof = waiting.serverProof();
        // the client's position (proved, but a client may be hostile) must lie in its own stream and
        // in the log: not below its floor nor below one before the log's first event, not past the
        // last event before this join; no arithmetic on it, which would overflow at Long.MAX_VALUE
        boolean nothingMissed = RoomOrder.nothingMissed(waiting.session(), room.log().firstSequence(),
                joined.sequence());
        TokenBucket rateLimit = new TokenBucket(config.messagesPerSecond(), config.messageBurst(), now);
        EventStream stream = nothingMissed
                ? new EventStream(room.log(), lastDelivered, config.eventWindow(), config.packetWindow())
                : new EventStream(room.log(), joined.sequence(), history, config.eventWindow(), config.packetWindow());
        RoomMember member = new RoomMember(handshake.connectionId(), handshake.address(), joined.username(),
                handshake.idleTimeoutNanos(), keys, stream,
                new IncomingMessages(config.maxMessageBytes(), rateLimit, refusalDetails, reassemblyBudget, stats),
                config.eventWindow(), config.packetWindow(), now);
        long lastProcessedId = resumed != null ? resumed.lastProcessedId() : 0;
        member.incoming.continueAfter(lastProcessedId);
        if (resumed != null) {
            member.incoming.requeue(resumed.refusals()); // refusals the old connection lost go out first
        }
        // the floor a later resume must reach to continue without a gap: on a gapless resume the
        // member's delivered position (a second outage before the replay caught up is no gap),
        // else the join that history was sent for
        member.joinSequence = nothingMissed ? lastDelivered : joined.sequence();
        member.resumeId = waiting.session().resumeId().clone();
        member.resumeKey = waiting.session().resumeKey().clone();
        if (resumed != null) {
            // the WELCOME with the rotated id may be lost: the resumed id stays valid until the
            // client's first authenticated packet confirms the new connection
            member.previousResumeId = resumed.resumeId().bytes();
            member.previousResumeKey = resumed.resumeKey();
        }
        // the join sequence is the resume's own JOINED even when the stream continues after lastDelivered:
        // the client reports it is back there, after every missed event (its own earlier JOINEDs too)
        member.welcome = handshakes.welcome(handshake, joined.sequence(),
                nothingMissed ? 0 : history.count(),
                new WelcomeParts.Resume(member.resumeId, resumed != null, nothingMissed, lastProcessedId,
                        WelcomeParts.Resume.refusedIds(resumed)), keys,
                serverProof);
        members.add(member);
        member.welcome.sendFirst(member.address, replies); // before anything this join causes
        log.debug("{} {} from {}", member.username, resumed != null ? "resumed" : "joined", member.address);
        sink.memberJoined(joined.sequence(), member.username, member.address);
        departures.eventAppended();
    }

    /** A join waiting for the room's order, with what its WELCOME will need. */
    private record Waiting(HandshakeResponder.Handshake handshake, String username, long since, SessionKeys keys,
                           byte[] serverProof, HeldSessions.Held resumed, long lastDelivered, Command.Resume session,
                           HandshakeResponder.Refused refusedBy) implements WaitingJoins.WaitingJoin {
        @Override
        public void refused(long now, Room.Refusal refusal) {
            java.util.Arrays.fill(session.resumeKey(), (byte) 0);
            refusedBy.refuse(now, refusal);
        }

        @Override
        public void abandon() {
            java.util.Arrays.fill(session.resumeKey(), (byte) 0);
            keys.destroy();
            if (resumed != null) {
                resumed.wipe();
            }
        }
    }

    /**
     * The member timed out: it leaves the room {@code TIMED_OUT}, and its session is held for it
     * to resume (when the server has a resume window).
     *
     * @param tellMember send it a CLOSE, once
     */
    void timeOut(long now, RoomMember member, boolean tellMember) {
        boolean sessionHeld = false;
        if (!member.expelled() && members.contains(member)) {
            held.at(now);
            sessionHeld = held.hold(member); // takes its resume key before leaving wipes the member's
        }
        departures.removeFromRoom(member, CloseReason.TIMED_OUT, tellMember, sessionHeld);
    }
}
