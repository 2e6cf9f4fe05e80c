package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.room.Durations;
import io.roomcast.internal.room.Room;
import io.roomcast.internal.room.RoomHistory;
import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.AckFrame;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.UnsupportedVersionException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's endpoint, sans I/O: routes each datagram by its header — handshake packets to
 * the {@link HandshakeResponder}, short-header packets by connection id to the member's
 * {@link Connection} — owns the room and its members, runs their timers in deadline order
 * ({@link MemberDeadlines}), and sends: replies first, then one packet per member with something
 * to send, round robin.
 *
 * <p>Lifecycle: running until {@link #close(long)}, then closing (every member is sent CLOSE
 * until it acknowledges or the close timeout passes), then finished.
 *
 * <p>Not thread-safe: every method runs on the one thread that drives the engine.
 */
public final class ServerEngine implements DatagramEngine {
    private static final Logger log = LoggerFactory.getLogger(ServerEngine.class);

    private final ServerConfig config;
    private final ServerEventSink sink;
    private final Random random;
    private final LongSupplier wallClockMillis;
    private final Room room;
    private final IncomingMessages.Details refusalDetails;
    private final ByteBudget reassemblyBudget; // every member's incomplete messages together
    private final ServerStats stats = new ServerStats();
    private final MalformedDatagrams malformed = new MalformedDatagrams(log);
    private final ArrayDeque<Datagram> replies = new ArrayDeque<>();
    private final MemberTable members = new MemberTable();
    private final HandshakeResponder handshakes;
    private final PrivateMessages privateMessages;
    private boolean closing;

    /**
     * A server engine that does its SRP work on the calling thread.
     *
     * @param config          the room's settings
     * @param sink            where events go
     * @param random          randomness for SRP secrets, nonces and connection ids (a
     *                        {@link java.security.SecureRandom} in production, seeded in the simulator)
     * @param wallClockMillis the wall clock that stamps events
     */
    public ServerEngine(ServerConfig config, ServerEventSink sink, Random random, LongSupplier wallClockMillis) {
        this(config, sink, random, wallClockMillis, Offload.INLINE);
    }

    /**
     * A server engine that does its SRP work through {@code offload}.
     *
     * @param offload where SRP modular exponentiation runs; its results come back to the engine's thread
     */
    public ServerEngine(ServerConfig config, ServerEventSink sink, Random random, LongSupplier wallClockMillis,
                        Offload offload) {
        this.config = config;
        this.sink = sink;
        this.random = random;
        this.wallClockMillis = wallClockMillis;
        this.room = new Room(config.roomName(), config.maxMembers(), config.logCapacity(), config.logBytes(),
                config.historySize());
        this.refusalDetails = IncomingMessages.Details.of(config);
        this.reassemblyBudget = new ByteBudget(config.reassemblyBytes());
        this.handshakes = new HandshakeResponder(config, room, random, offload, stats, replies,
                members::containsConnectionId);
        this.privateMessages = new PrivateMessages(members, sink, stats);
    }

    /** The members' usernames, in the order they joined. */
    public List<String> memberNames() {
        return room.members();
    }

    /** Counters of what the engine did and dropped, live: read them on the engine's thread only. */
    public ServerStats stats() {
        return stats;
    }

    /** A copy of the counters, with the members in the room now, for another thread. */
    public ServerStats statsSnapshot() {
        stats.members = room.size();
        return stats.copy();
    }

    /** The members, for tests that check memory bounds. */
    Collection<RoomMember> members() {
        return members.all();
    }

    /** The handshake responder, for tests that check memory bounds. */
    HandshakeResponder handshakes() {
        return handshakes;
    }

    /** The budget every member's incomplete messages share, for tests that check memory bounds. */
    ByteBudget reassemblyBudget() {
        return reassemblyBudget;
    }

    /** The room, for tests. */
    Room room() {
        return room;
    }

    /**
     * Starts closing: every member is told {@code SERVER_CLOSED} and reported to the sink as
     * having left. The engine finishes once all have acknowledged or the close timeout passed.
     */
    public void close(long nowNanos) {
        if (closing) {
            return;
        }
        closing = true;
        handshakes.abandonAll();
        for (RoomMember member : members.all()) {
            if (member.connection.isClosing()) {
                continue; // removed by the host, already being told
            }
            if (member.expelled()) {
                member.connection.startClosing(member.expelledFor, nowNanos, Timing.CLOSE_TIMEOUT_NANOS);
                members.enqueue(member);
                continue; // its leave was logged and reported when the host removed it
            }
            member.connection.startClosing(CloseReason.SERVER_CLOSED, nowNanos, Timing.CLOSE_TIMEOUT_NANOS);
            room.leave(member.username, CloseReason.SERVER_CLOSED, wallClockMillis.getAsLong());
            stats.departures[CloseReason.SERVER_CLOSED.ordinal()]++;
            sink.memberLeft(0, member.username, member.address, CloseReason.SERVER_CLOSED);
            members.enqueue(member);
        }
    }

    // ---------------------------------------------------------------- the host's commands

    /**
     * Removes the member named {@code username} (compared as the room compares names) with
     * {@code KICKED}.
     *
     * @return {@code false} if no such member is in the room, or the room is closing
     */
    public boolean kick(long nowNanos, String username) {
        RoomMember member = closing ? null : members.byName(Username.key(username));
        if (member == null) {
            return false;
        }
        expel(nowNanos, member, CloseReason.KICKED);
        return true;
    }

    /**
     * Bans the name, and the address group of its member if one is in the room (which is removed
     * with {@code BANNED}), for {@code durationNanos}.
     */
    public void ban(long nowNanos, String username, long durationNanos) {
        String key = Username.key(username);
        RoomMember member = closing ? null : members.byName(key);
        room.sanctions().ban(key, member == null ? null : member.address.getAddress(),
                saturatedAdd(nowNanos, durationNanos));
        if (member != null) {
            expel(nowNanos, member, CloseReason.BANNED);
        }
    }

    /** Lifts the ban on the name and the address it banned; {@code false} if there was none. */
    public boolean unban(long nowNanos, String username) {
        return room.sanctions().unban(Username.key(username), nowNanos);
    }

    /**
     * Mutes the member named {@code username} for {@code durationNanos}: a room event.
     *
     * @return {@code false} if no such member is in the room, or the room is closing
     */
    public boolean mute(long nowNanos, String username, long durationNanos) {
        if (closing) {
            return false;
        }
        long wallNow = wallClockMillis.getAsLong();
        Optional<EventFrame> muted = room.mute(username, saturatedAdd(nowNanos, durationNanos),
                saturatedAdd(wallNow, durationNanos / 1_000_000), wallNow);
        muted.ifPresent(event -> eventAppended());
        return muted.isPresent();
    }

    /** Lifts the mute on {@code username}: a room event. @return {@code false} if it was not muted */
    public boolean unmute(long nowNanos, String username) {
        Optional<EventFrame> unmuted = room.unmute(username, nowNanos, wallClockMillis.getAsLong());
        unmuted.ifPresent(event -> eventAppended());
        return unmuted.isPresent();
    }

    /** The host's announcement to the room: a room event. @return {@code false} if the room is closing */
    public boolean announce(long nowNanos, String text) {
        if (closing) {
            return false;
        }
        room.announce(text, wallClockMillis.getAsLong());
        eventAppended();
        return true;
    }

    /**
     * The host removes the member: its leave is a room event, and it is sent CLOSE with the reason,
     * re-sent until it acknowledges or the close timeout passes, so it learns why even under loss.
     * Its name is free at once (a kicked member may join again while the old connection closes).
     */
    private void expel(long now, RoomMember member, CloseReason reason) {
        log.debug("the host removed {} ({})", member.username, reason);
        members.leftRoom(member);
        long sequence = room.leave(member.username, reason, wallClockMillis.getAsLong()).map(EventFrame::sequence)
                .orElse(0L);
        // what the room accepted before the removal still reaches the member (its own last message
        // included), for a short while; then CLOSE tells it why
        member.expelledFor = reason;
        member.expelDeadlineNanos = now + Timing.LEAVE_DRAIN_NANOS;
        member.events.endBefore(sequence);
        members.touch(member);
        stats.departures[reason.ordinal()]++;
        sink.memberLeft(sequence, member.username, member.address, reason);
        eventAppended();
        closeIfDrained(now, member);
    }

    /** An expelled member that has everything from before its removal (or has had its time) is sent CLOSE. */
    private void closeIfDrained(long now, RoomMember member) {
        if (member.expelled() && !member.connection.isClosing()
                && (member.events.drained() || now >= member.expelDeadlineNanos)) {
            member.connection.startClosing(member.expelledFor, now, Timing.CLOSE_TIMEOUT_NANOS);
            members.touch(member);
            members.enqueue(member);
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    @Override
    public boolean isFinished() {
        return closing && replies.isEmpty() && members.isEmpty();
    }

    // ---------------------------------------------------------------- input

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        int received = datagram.remaining();
        stats.datagramsIn++;
        stats.bytesIn += received;
        try {
            if (HandshakePacket.isLongHeader(datagram)) {
                handleHandshake(nowNanos, HandshakePacket.decode(datagram), source, received);
            } else {
                handleShort(nowNanos, datagram, source);
            }
        } catch (UnsupportedVersionException e) {
            stats.versionMismatches++;
            handshakes.unsupportedVersion(e.clientNonce(), source, received);
        } catch (MalformedPacketException e) {
            stats.malformed++;
            malformed.dropped(source, e.getMessage());
        }
    }

    private void handleHandshake(long now, HandshakePacket packet, InetSocketAddress source, int received) {
        if (closing) {
            return;
        }
        if (packet instanceof HandshakePacket.Hello hello) {
            handshakes.hello(now, hello, source, received);
        } else if (packet instanceof HandshakePacket.Proof proof) {
            RoomMember member = members.get(proof.connectionId());
            if (handshakes.isPending(proof.connectionId())) {
                handshakes.proof(now, proof, source, received, this::admit);
            } else if (member != null && member.welcomeAgain(source, now)) {
                members.touch(member); // its WELCOME was lost, not the member: it goes again, within 3x
                member.welcome.sendAgain(source, received, replies);
            } else {
                handshakes.repeatAnswer(proof.connectionId(), source, received);
            }
        }
    }

    /** Makes the handshake a member: it joins the room, and its WELCOME goes out. */
    private void admit(long now, HandshakeResponder.Handshake handshake, SessionKeys keys, byte[] serverProof) {
        RoomHistory.Snapshot history = room.history().snapshot(); // before the join: its own join is not history
        EventFrame joined = room.join(handshake.username(), wallClockMillis.getAsLong());
        TokenBucket rateLimit = new TokenBucket(config.messagesPerSecond(), config.messageBurst(), now);
        RoomMember member = new RoomMember(handshake.connectionId(), handshake.address(), joined.username(),
                handshake.idleTimeoutNanos(), keys,
                new EventStream(room.log(), joined.sequence(), history, config.eventWindow(), config.packetWindow()),
                new IncomingMessages(config.maxMessageBytes(), rateLimit, refusalDetails, reassemblyBudget, stats),
                config.eventWindow(), config.packetWindow(), now);
        member.welcome = handshakes.welcome(handshake, joined.sequence(), history.count(), keys, serverProof);
        members.add(member);
        member.welcome.sendFirst(member.address, replies); // before anything this join causes
        log.debug("{} joined from {}", member.username, member.address);
        sink.memberJoined(joined.sequence(), member.username, member.address);
        eventAppended();
    }

    private void handleShort(long now, ByteBuffer datagram, InetSocketAddress source) throws MalformedPacketException {
        ShortHeader header = ProtectedPackets.peekHeader(datagram);
        RoomMember member = members.get(header.connectionId());
        if (member == null) {
            // a CLOSE retransmitted after the member left gets its CLOSE_ACK again
            handshakes.repeatAnswer(header.connectionId(), source, datagram.remaining());
            return;
        }
        int bytes = datagram.remaining();
        Connection.Arrival arrival = member.connection.receive(now, datagram, header, new Connection.Frames() {
            @Override
            public void fresh(long nowNanos) {
                member.welcome = null;
                if (!member.address.equals(source) && member.path.packetFrom(source, bytes, nowNanos, random)) {
                    // an authentic, fresh packet from a new address (NAT rebinding, roaming): validate the path
                    stats.pathChallenges++;
                    log.debug("{} speaks from {}: validating the new path", member.username, source);
                }
            }

            @Override
            public boolean take(Frame frame, long nowNanos) {
                return handleFrame(nowNanos, member, frame, source);
            }

            @Override
            public boolean ended() {
                return !members.contains(member);
            }
        });
        members.touch(member);
        if (removeIfPastLimits(member)) {
            return; // what it acknowledged (or did not) sent it past a cap
        }
        if (arrival == Connection.Arrival.UNAUTHENTICATED) {
            stats.unauthenticated++;
            return;
        }
        stats.duplicatePackets += arrival == Connection.Arrival.DUPLICATE ? 1 : 0;
        members.enqueue(member); // an ACK is owed, or something acknowledged frees the windows
    }

    /** Handles one frame; {@code false} if it carried data the server could not take now. */
    private boolean handleFrame(long now, RoomMember member, Frame frame, InetSocketAddress source) {
        if (frame instanceof Frame.Send || frame instanceof Frame.PrivateSend) {
            IncomingMessages.Acceptor acceptor = (id, recipient, text) -> accepted(now, member, id, recipient, text);
            IncomingMessages.Taken taken = frame instanceof Frame.Send send ? member.incoming.take(send, now, acceptor)
                    : member.incoming.take((Frame.PrivateSend) frame, now, acceptor);
            removeIfPastLimits(member); // it may keep sending what is refused and never acknowledge the refusals
            return taken != IncomingMessages.Taken.NO_ROOM;
        } else if (frame instanceof Frame.Delivered delivered) {
            long before = member.events.delivered();
            member.events.delivered(delivered.sequence());
            stats.deliveries += member.events.delivered() - before;
            closeIfDrained(now, member);
        } else if (frame instanceof Frame.PrivateDelivered delivered) {
            privateMessages.delivered(member, delivered.sequence());
        } else if (frame instanceof Frame.Close close) {
            handleClose(now, member, close.reason());
        } else if (frame instanceof Frame.CloseAck) {
            if (member.connection.isClosing()) {
                forget(member);
            }
        } else if (frame instanceof Frame.PathResponse response) {
            InetSocketAddress validated = member.path.response(response, source);
            if (validated != null) {
                log.debug("{} moved from {} to {}", member.username, member.address, validated);
                member.address = validated;
                stats.migrations++;
            }
        }
        return true;
    }

    /** @return {@code false} if the member is no longer in the room (appending it pushed it out) */
    private boolean accepted(long now, RoomMember member, long messageId, String recipient, String text) {
        if (closing || member.connection.isClosing() || member.expelled()) {
            return true; // the room is closing, or the member is out of it: nothing more is appended
        }
        long mutedFor = room.sanctions().mutedFor(member.nameKey, now);
        if (mutedFor > 0) {
            member.incoming.refuse(messageId, ErrorCode.MUTED, "you are muted for another " + Durations.describe(mutedFor));
            return true;
        }
        if (recipient != null) {
            privateMessages.send(member, messageId, recipient, text, wallClockMillis.getAsLong());
            return true;
        }
        EventFrame event = room.message(member.username, messageId, text, wallClockMillis.getAsLong());
        stats.messagesAccepted++;
        sink.message(event.sequence(), event.username(), event.text(), event.timestampMillis());
        eventAppended();
        return members.contains(member);
    }

    private void handleClose(long now, RoomMember member, CloseReason reason) {
        byte[] closeAck = member.connection.packetOf(Frame.CloseAck.INSTANCE);
        replies.add(new Datagram(member.address, closeAck));
        handshakes.keepAnswer(member.connectionId(), member.address, closeAck, now);
        if (member.connection.isClosing()) {
            forget(member);
        } else {
            removeFromRoom(member, CloseReason.LEFT, false);
        }
        log.debug("{} closed the connection ({})", member.username, reason);
    }

    // ---------------------------------------------------------------- timers

    @Override
    public void handleTimeout(long nowNanos) {
        handshakes.expire(nowNanos);
        // while closing every member is visited (its CLOSE re-sends); otherwise only those due
        List<RoomMember> due = members.due(nowNanos, closing);
        for (RoomMember member : due) {
            if (!members.contains(member)) {
                continue; // it left while an earlier member's timer was handled
            }
            members.touch(member);
            memberTimers(nowNanos, member);
        }
    }

    private void memberTimers(long now, RoomMember member) {
        Connection<RoomMember.Sent> connection = member.connection;
        if (connection.isClosing()) {
            if (connection.closeFinished(now)) {
                forget(member);
            } else {
                members.enqueue(member);
            }
            return;
        }
        closeIfDrained(now, member);
        if (connection.isClosing()) {
            members.enqueue(member);
            return;
        }
        if (connection.idleExpired(now)) {
            log.debug("{} timed out", member.username);
            removeFromRoom(member, CloseReason.TIMED_OUT, false);
            return;
        }
        if (now >= member.incoming.staleAtNanos(connection.idleTimeoutNanos())) {
            // a live client re-sends until acknowledged, so a message this stale will never complete:
            // the member stopped delivering what it started, which the room treats as a time-out
            log.debug("{} left a message incomplete for twice the idle timeout", member.username);
            removeFromRoom(member, CloseReason.TIMED_OUT, true);
            return;
        }
        connection.onTimers(now);
        if (removeIfPastLimits(member)) {
            return; // it fell behind the log, or a probe re-queued what the oldest packet carried
        }
        member.path.onTimer(now);
        members.enqueue(member);
    }

    @Override
    public long nextDeadlineNanos() {
        return Math.min(handshakes.nextExpiryNanos(), members.firstDeadlineNanos());
    }

    // ---------------------------------------------------------------- output

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        int start = out.position();
        InetSocketAddress destination = nextDatagram(nowNanos, out);
        if (destination != null) {
            stats.datagramsOut++;
            stats.bytesOut += out.position() - start;
        }
        return destination;
    }

    private InetSocketAddress nextDatagram(long nowNanos, ByteBuffer out) {
        Datagram reply = replies.poll();
        if (reply != null) {
            out.put(reply.bytes());
            return reply.destination();
        }
        RoomMember member;
        while ((member = members.nextToSend()) != null) {
            if (member.path.challengeDue()) {
                byte[] challenge = member.path.challenge(member.connection, nowNanos, Math.max(Timing.INITIAL_RTO_NANOS,
                        member.connection.rtt().probeTimeout(ReceivedPackets.MAX_ACK_DELAY_NANOS)));
                if (challenge != null) {
                    out.put(challenge);
                    members.enqueue(member);
                    return member.path.candidate();
                }
            }
            if (removeIfPastLimits(member)) {
                continue; // no packet beyond the caps
            }
            if (member.connection.writePacket(nowNanos, out)) {
                if (member.connection.hasSomethingToSend(nowNanos)) {
                    members.enqueue(member); // round robin: one packet per member per turn
                }
                return member.address;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- members

    /** Removes the member {@code TOO_SLOW} if it is {@link RoomMember#pastLimits}; {@code true} if it was. */
    private boolean removeIfPastLimits(RoomMember member) {
        if (!members.contains(member) || member.connection.isClosing() || !member.pastLimits()) {
            return false;
        }
        log.debug("{} holds more than a member that keeps up can: removed", member.username);
        removeFromRoom(member, CloseReason.TOO_SLOW, true);
        return true;
    }

    /** The member is gone from the engine: no more routing or timers, and its private stream is freed. */
    private void forget(RoomMember member) {
        members.remove(member);
        privateMessages.forget(member);
    }

    /**
     * The member leaves the room for {@code reason}: its leave is an event every member sees.
     *
     * @param tellMember send it a CLOSE, once: it may still be listening
     */
    private void removeFromRoom(RoomMember member, CloseReason reason, boolean tellMember) {
        if (!members.contains(member)) {
            return; // already gone: a leave that removed others found it too slow as well
        }
        if (tellMember && !member.expelled()) {
            // best effort: it is being dropped because it is not keeping up, so no retransmission;
            // sealed before it leaves the table, which wipes its keys
            replies.add(new Datagram(member.address, member.connection.packetOf(new Frame.Close(reason))));
        }
        forget(member);
        if (member.expelled()) {
            return; // already out of the room: its leave was logged when the host removed it
        }
        long sequence = room.leave(member.username, reason, wallClockMillis.getAsLong()).map(EventFrame::sequence)
                .orElse(0L);
        eventAppended();
        stats.departures[reason.ordinal()]++;
        sink.memberLeft(sequence, member.username, member.address, reason);
    }

    private void eventAppended() {
        List<RoomMember> tooSlow = null;
        for (RoomMember member : members.all()) {
            if (!member.connection.isClosing() && member.events.fellBehind()) {
                if (tooSlow == null) {
                    tooSlow = new ArrayList<>();
                }
                tooSlow.add(member);
            } else {
                members.enqueue(member);
            }
        }
        if (tooSlow != null) {
            // the next event such a member needs has left the log: it can never catch up
            for (RoomMember member : tooSlow) {
                log.debug("{} fell too far behind the room", member.username);
                removeFromRoom(member, CloseReason.TOO_SLOW, true);
            }
        }
    }
}
