package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Room;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.UnsupportedVersionException;
import io.roomcast.spi.RoomBackend;
import io.roomcast.spi.RoomStateMachine;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's endpoint, sans I/O: routes each datagram by its header — handshake packets to
 * the {@link HandshakeResponder}, short-header packets by connection id to the member's
 * {@link Connection}, whose frames go to {@link MemberFrames} — owns the room and its members,
 * runs their timers in deadline order ({@link MemberDeadlines}), and sends: replies first, then
 * one packet per member with something to send, round robin. The host's commands are
 * {@link Moderation}'s; every way a member leaves is {@link Departures}'.
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
    private final Departures departures;
    private final Moderation moderation;
    private final MemberFrames memberFrames;
    private final HeldSessions held;
    private final MemberAdmission admission;
    private final RoomOrder order;
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
        this(config, sink, random, wallClockMillis, offload, null);
    }

    /**
     * A server engine whose room's commands {@code backend} orders.
     *
     * @param backend orders the room's commands; the caller starts it with {@link #roomStateMachine()}
     *                and hands the calls it makes from other threads over to the engine's. If
     *                {@code null}, the room orders them itself, in process, as they come.
     */
    public ServerEngine(ServerConfig config, ServerEventSink sink, Random random, LongSupplier wallClockMillis,
                        Offload offload, RoomBackend backend) {
        this.config = config;
        this.sink = sink;
        this.random = random;
        this.wallClockMillis = wallClockMillis;
        this.room = new Room(config.roomName(), config.maxMembers(), config.logCapacity(), config.logBytes(),
                config.historySize());
        this.refusalDetails = IncomingMessages.Details.of(config);
        this.reassemblyBudget = new ByteBudget(config.reassemblyBytes());
        this.held = new HeldSessions(config.resumeWindowNanos(), config.maxMembers());
        this.order = new RoomOrder(room, members, held, sink, stats, wallClockMillis, held::now);
        this.handshakes = new HandshakeResponder(config, room, random, offload, stats, replies,
                members::containsConnectionId, order::roomNanosNow);
        this.privateMessages = new PrivateMessages(members, sink, stats, room, order);
        this.departures = new Departures(members, privateMessages, replies, stats, held, order);
        this.moderation = new Moderation(members, room, departures, order, () -> closing);
        this.admission = new MemberAdmission(config, room, members, handshakes, held, departures, replies, sink,
                random, refusalDetails, reassemblyBudget, stats, order);
        this.memberFrames = new MemberFrames(room, members, departures, privateMessages, handshakes, replies, stats,
                order, wallClockMillis, () -> closing);
        order.wire(departures, admission, privateMessages, moderation);
        if (backend == null) {
            LocalRoomBackend local = new LocalRoomBackend();
            order.orderThrough(local);
            local.start(order);
        } else {
            order.orderThrough(backend);
        }
    }

    /**
     * The room as the state machine a backend feeds; its methods must run on the engine's thread.
     * {@link RoomOrder}.
     */
    public RoomStateMachine roomStateMachine() {
        return order;
    }

    /** Applies what a backend handed over from another thread, on the engine's thread, at {@code nowNanos}. */
    public void onBackend(long nowNanos, java.util.function.Consumer<RoomStateMachine> call) {
        held.at(nowNanos);
        call.accept(order);
    }

    /** The members' usernames, in the order they joined. */
    public List<String> memberNames() {
        return room.members();
    }

    /** Counters of what the engine did and dropped, live: read them on the engine's thread only. */
    public ServerStats stats() {
        return stats;
    }

    /** Bytes of undelivered private messages held for all members, for tests of the room's budget. */
    long privateBytesHeld() {
        return privateMessages.bytesHeld();
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

    /** The held sessions, for tests that check their bounds. */
    HeldSessions heldSessions() {
        return held;
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
        held.at(nowNanos);
        if (closing) {
            return;
        }
        closing = true;
        handshakes.abandonAll();
        order.abandonAll();
        order.closing();
        held.clear();
        departures.closeAll(nowNanos);
    }

    // ---------------------------------------------------------------- the host's commands

    /**
     * Removes the member named {@code username} (compared as the room compares names) with
     * {@code KICKED}.
     *
     * @return {@code false} if no such member is in the room, or the room is closing
     */
    public boolean kick(long nowNanos, String username) {
        held.at(nowNanos);
        return moderation.kick(nowNanos, username);
    }

    /**
     * Bans the name, and the address group of its member if one is in the room (which is removed
     * with {@code BANNED}), for {@code durationNanos}.
     */
    public void ban(long nowNanos, String username, long durationNanos) {
        held.at(nowNanos);
        moderation.ban(nowNanos, username, durationNanos);
    }

    /** Lifts the ban on the name and the address it banned; {@code false} if there was none. */
    public boolean unban(long nowNanos, String username) {
        return moderation.unban(nowNanos, username);
    }

    /**
     * Mutes the member named {@code username} for {@code durationNanos}: a room event.
     *
     * @return {@code false} if no such member is in the room, or the room is closing
     */
    public boolean mute(long nowNanos, String username, long durationNanos) {
        held.at(nowNanos);
        return moderation.mute(nowNanos, username, durationNanos);
    }

    /** Lifts the mute on {@code username}: a room event. @return {@code false} if it was not muted */
    public boolean unmute(long nowNanos, String username) {
        return moderation.unmute(nowNanos, username);
    }

    /** The host's announcement to the room: a room event. @return {@code false} if the room is closing */
    public boolean announce(long nowNanos, String text) {
        held.at(nowNanos);
        return moderation.announce(text);
    }

    @Override
    public boolean isFinished() {
        return closing && replies.isEmpty() && members.isEmpty();
    }

    // ---------------------------------------------------------------- input

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        held.at(nowNanos);
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
                handshakes.proof(now, proof, source, received, admission);
            } else if (member != null && member.welcomeAgain(source, now)) {
                members.touch(member); // its WELCOME was lost, not the member: it goes again, within 3x
                member.welcome.sendAgain(source, received, replies);
            } else {
                handshakes.repeatAnswer(proof.connectionId(), source, received);
            }
        }
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
                return memberFrames.take(nowNanos, member, frame, source);
            }

            @Override
            public boolean ended() {
                return !members.contains(member);
            }
        });
        members.touch(member);
        if (departures.removeIfPastLimits(member)) {
            return; // what it acknowledged (or did not) sent it past a cap
        }
        if (arrival == Connection.Arrival.UNAUTHENTICATED) {
            stats.unauthenticated++;
            return;
        }
        stats.duplicatePackets += arrival == Connection.Arrival.DUPLICATE ? 1 : 0;
        members.enqueue(member); // an ACK is owed, or something acknowledged frees the windows
    }

    // ---------------------------------------------------------------- timers

    @Override
    public void handleTimeout(long nowNanos) {
        held.at(nowNanos);
        handshakes.expire(nowNanos);
        held.expire(nowNanos);
        order.expire(nowNanos);
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
                departures.forget(member);
            } else {
                members.enqueue(member);
            }
            return;
        }
        departures.closeIfDrained(now, member);
        if (connection.isClosing()) {
            members.enqueue(member);
            return;
        }
        if (connection.idleExpired(now)) {
            log.debug("{} timed out", member.username);
            admission.timeOut(now, member, false);
            return;
        }
        if (now >= member.incoming.staleAtNanos(connection.idleTimeoutNanos())) {
            // a live client re-sends until acknowledged, so a message this stale will never complete:
            // the room treats it as a time-out. As in Departures.eventAppended, a member that looks
            // cut off is held (to resume and send it again) and not told; one still answering is
            // told TIMED_OUT (it ends) and nothing is held
            log.debug("{} left a message incomplete for twice the idle timeout", member.username);
            if (held.enabled() && connection.unanswered(now)) {
                admission.timeOut(now, member, false);
            } else {
                departures.removeFromRoom(member, CloseReason.TIMED_OUT, true);
            }
            return;
        }
        if (now >= member.privateStalledAtNanos()) {
            // its private stream has been full, with nothing delivered, for twice the idle timeout
            log.debug("{} stopped reading its private messages", member.username);
            departures.removeFromRoom(member, CloseReason.TOO_SLOW, true);
            return;
        }
        connection.onTimers(now);
        if (departures.removeIfPastLimits(member)) {
            return; // it fell behind the log, or a probe re-queued what the oldest packet carried
        }
        member.path.onTimer(now);
        members.enqueue(member);
    }

    @Override
    public long nextDeadlineNanos() {
        return Math.min(Math.min(handshakes.nextExpiryNanos(), members.firstDeadlineNanos()),
                Math.min(held.nextExpiryNanos(), order.nextExpiryNanos()));
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
            if (departures.removeIfPastLimits(member)) {
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
}
