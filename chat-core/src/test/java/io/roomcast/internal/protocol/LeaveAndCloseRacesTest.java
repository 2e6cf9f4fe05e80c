package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.roomcast.internal.room.RoomLog;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.HandshakePacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Leaving and closing racing with what is already on its way, in the simulator: three faults a
 * review found, each arranged exactly (one fixed seed per test, named in every failure message).
 *
 * <ul>
 *   <li>A member that left by its own CLOSE must stay out of the server's timer order: a closing
 *       server whose order still held it, with a deadline that passed while it waited for another
 *       member's CLOSE_ACK, fired its timer again and again without time moving.</li>
 *   <li>Messages complete and queued behind one whose appending pushed their sender out of the
 *       room (TOO_SLOW) must not be appended after its leave.</li>
 *   <li>A client closed while its PROOF was out ignores the room's events that reach it while it
 *       closes: it has no event buffer or send window to give them to.</li>
 * </ul>
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(60)
class LeaveAndCloseRacesTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MILLISECOND = TimeUnit.MILLISECONDS.toNanos(1);
    private static final InetSocketAddress SERVER = SimulatedRoom.SERVER;

    /** A path with a fixed delay and nothing else: datagrams on it arrive in order, each exactly so late. */
    private static SimulatedNetwork.Conditions delayed(long delayNanos) {
        return new SimulatedNetwork.Conditions(0, 0, delayNanos, 0, 0, 0);
    }

    private static RoomMember member(ServerEngine server, String username) {
        return server.members().stream().filter(m -> m.username.equals(username)).findFirst().orElseThrow();
    }

    @Test
    void aClosingServerFinishesAtTheCloseTimeoutThoughAMemberThatLeftByItsOwnCloseHadADeadlineInTheWindow() {
        SimulatedRoom room = SimulatedRoom.builder(61).build();
        SimulatedNetwork network = room.network();
        ServerEngine server = room.server();
        String seed = "seed " + network.seed();
        assertThat(room.join("joan")).as("%s: joan joins", seed).isTrue();
        assertThat(room.join("ega")).as("%s: ega joins", seed).isTrue();
        room.runFor(SECOND);
        RoomMember joan = member(server, "joan");

        // joan leaves: her own CLOSE takes her out of the room
        room.act(() -> room.client("joan").close(room.now()));
        assertThat(room.runUntil(() -> !room.serverSink().left.isEmpty(), SECOND)).as(seed).isTrue();
        assertThat(room.serverSink().left).as(seed).extracting(RecordingServerSink.Left::username,
                RecordingServerSink.Left::reason).containsExactly(tuple("joan", CloseReason.LEFT));
        // the deadline joan's state still gives (a keepalive or loss timer, seconds away): where a
        // departed member put back in the timer order would sit
        long departedDeadline = joan.nextDeadlineNanos();

        // a little before it, ega stops acknowledging and the server closes
        room.runFor(departedDeadline - 500 * MILLISECOND - room.now());
        assertThat(server.memberNames()).as(seed).containsExactly("ega");
        network.partition(room.address("ega"), SERVER);
        long closedAt = room.now();
        room.act(() -> server.close(closedAt));
        assertThat(departedDeadline).as("%s: joan's old deadline falls while the server waits for ega", seed)
                .isGreaterThan(closedAt).isLessThan(closedAt + Timing.CLOSE_TIMEOUT_NANOS);

        long firingsAtClose = network.timerFirings();
        long[] instant = {room.now(), firingsAtClose};
        long[] mostFiringsInOneInstant = {0};
        List<String> deadlinesInThePast = new ArrayList<>();
        boolean finished = room.runUntil(() -> {
            long now = network.now();
            if (now != instant[0]) {
                instant[0] = now;
                instant[1] = network.timerFirings();
            }
            long firingsNow = network.timerFirings() - instant[1];
            mostFiringsInOneInstant[0] = Math.max(mostFiringsInOneInstant[0], firingsNow);
            if (!server.isFinished() && server.nextDeadlineNanos() < now) {
                deadlinesInThePast.add("at " + now + " the server's deadline was " + server.nextDeadlineNanos());
            }
            // stop a spinning server: with time standing still, no amount of running would end it
            return server.isFinished() || firingsNow > 10_000 || !deadlinesInThePast.isEmpty();
        }, 5 * SECOND);

        assertThat(mostFiringsInOneInstant[0]).as("%s: most timer firings without the clock moving", seed)
                .isLessThan(10);
        assertThat(deadlinesInThePast).as("%s: the server's deadline after each step", seed).isEmpty();
        assertThat(finished).as("%s: the server finished", seed).isTrue();
        assertThat(room.now() - closedAt).as("%s: finished after closing for", seed)
                .isBetween(Timing.CLOSE_TIMEOUT_NANOS, Timing.CLOSE_TIMEOUT_NANOS + MILLISECOND);
        assertThat(network.timerFirings() - firingsAtClose).as("%s: timer firings while closing", seed)
                .isLessThan(100);
        assertThat(room.serverSink().left).as(seed).extracting(RecordingServerSink.Left::username,
                RecordingServerSink.Left::reason).containsExactly(tuple("joan", CloseReason.LEFT),
                tuple("ega", CloseReason.SERVER_CLOSED));
    }

    @Test
    void messagesQueuedBehindTheOneThatPushedTheirSenderOutAreNotAppendedAfterItsLeave() {
        SimulatedRoom room = SimulatedRoom.builder(62).configure(config -> config.withLogCapacity(16)).build();
        SimulatedNetwork network = room.network();
        ServerEngine server = room.server();
        String seed = "seed " + network.seed();
        assertThat(room.join("joan")).as("%s: joan joins", seed).isTrue();
        assertThat(room.join("ega")).as("%s: ega joins", seed).isTrue();
        room.runFor(SECOND);
        InetSocketAddress ega = room.address("ega");
        ClientEngine egaClient = room.client("ega");
        RoomMember egaMember = member(server, "ega");
        RoomMember joanMember = member(server, "joan");
        RoomLog log = server.room().log();

        // ega hears nothing more, so it reports nothing more delivered; it can still send
        network.partition(SERVER, ega);
        long egaDelivered = egaMember.events.delivered();
        // joan fills the log until the event after ega's last delivered one is the oldest it holds
        long fillers = egaDelivered + log.capacity() - log.lastSequence();
        assertThat(fillers).as(seed).isPositive();
        room.act(() -> {
            for (int i = 0; i < fillers; i++) {
                room.client("joan").send("filler " + i);
            }
        });
        assertThat(room.runUntil(() -> room.sink("joan").accepted.size() == fillers
                && joanMember.events.delivered() == log.lastSequence(), 5 * SECOND))
                .as("%s: joan's fillers are in the room and she has them all", seed).isTrue();
        assertThat(log.firstSequence()).as("%s: the log still holds what ega needs next", seed)
                .isEqualTo(egaDelivered + 1);
        assertThat(server.memberNames()).as(seed).containsExactly("joan", "ega");

        // ega's first message is lost on its first try, so its next two arrive first and wait for it
        network.partition(ega, SERVER);
        long egaSentBefore = network.datagramsSent(ega, SERVER);
        room.act(() -> egaClient.send("one"));
        assertThat(network.datagramsSent(ega, SERVER) - egaSentBefore).as("%s: 'one' went, and was lost", seed)
                .isEqualTo(1);
        network.heal(ega, SERVER);
        room.act(() -> {
            egaClient.send("two");
            egaClient.send("three");
        });
        assertThat(room.runUntil(() -> egaMember.incoming.messagesHeld() == 2, SECOND))
                .as("%s: 'two' and 'three' are held complete, waiting for 'one'", seed).isTrue();
        assertThat(room.serverSink().accepted).as(seed).noneMatch(m -> m.sender().equals("ega"));

        // 'one' goes again (ega gets no ACKs: a probe timeout); appending it pushes ega out of the log
        assertThat(room.runUntil(() -> !room.serverSink().left.isEmpty(), 5 * SECOND))
                .as("%s: ega is removed", seed).isTrue();
        room.runFor(5 * SECOND); // 'two' and 'three' are re-sent too, and joan hears what the room did

        assertThat(room.serverSink().left).as(seed).singleElement().satisfies(left -> {
            assertThat(left.username()).as(seed).isEqualTo("ega");
            assertThat(left.reason()).as(seed).isEqualTo(CloseReason.TOO_SLOW);
        });
        long leftAt = room.serverSink().left.get(0).sequence();
        assertThat(room.serverSink().accepted).as("%s: nothing from ega after its leave (#%d)", seed, leftAt)
                .noneMatch(m -> m.sender().equals("ega") && m.sequence() > leftAt);
        assertThat(room.serverSink().accepted).as("%s: the server's record of ega's messages", seed)
                .filteredOn(m -> m.sender().equals("ega"))
                .extracting(RecordingServerSink.Message::sequence, RecordingServerSink.Message::text)
                .containsExactly(tuple(leftAt - 1, "one"));
        assertThat(log.lastSequence()).as("%s: ega's leave is the last event in the room", seed).isEqualTo(leftAt);
        for (String name : List.of("joan", "ega")) {
            List<String> seen = room.sink(name).log;
            int leave = seen.indexOf("<-- ega TOO_SLOW");
            List<String> after = leave < 0 ? List.of() : seen.subList(leave + 1, seen.size());
            assertThat(after).as("%s: what %s saw after ega's leave", seed, name)
                    .noneMatch(line -> line.contains("<ega>"));
        }
        assertThat(room.sink("joan").log).as(seed).contains("<-- ega TOO_SLOW");
        assertThat(room.sink("joan").messages).as(seed).filteredOn(m -> m.sender().equals("ega"))
                .extracting(RecordingClientSink.Delivered::text).containsExactly("one");
        assertThat(room.sink("ega").messages).as("%s: ega heard nothing after the partition", seed).isEmpty();
    }

    @Test
    void aClientClosedWhileItsProofWasOutIgnoresTheRoomsEventsAndLeavesWithOneClose() {
        long welcomeDelay = 5 * SECOND;
        long eventDelay = 100 * MILLISECOND; // less than the PROOF's first re-send (200 ms)
        SimulatedRoom room = SimulatedRoom.builder(63).build();
        SimulatedNetwork network = room.network();
        ServerEngine server = room.server();
        String seed = "seed " + network.seed();
        assertThat(room.join("joan")).as("%s: joan joins", seed).isTrue();
        room.runFor(SECOND);

        InetSocketAddress ega = new InetSocketAddress("127.0.0.3", 7000);
        ClientEngine client = room.add(room.clientConfig("ega", SimulatedRoom.DEFAULT_PASSWORD), ega);
        Watched watched = new Watched(client);
        network.attach(ega, watched); // the same engine, watched
        RecordingClientSink sink = room.sink("ega");
        assertThat(room.runUntil(() -> network.datagramsSent(ega, SERVER) == 2, SECOND))
                .as("%s: HELLO, then the PROOF", seed).isTrue();

        // the WELCOME is slow; the room's event after it takes a faster path
        network.conditionsFor(SERVER, ega, delayed(welcomeDelay));
        assertThat(room.runUntil(() -> server.memberNames().contains("ega"), SECOND))
                .as("%s: the server admits ega", seed).isTrue();
        network.conditionsFor(SERVER, ega, delayed(eventDelay));
        List<byte[]> toEga = new ArrayList<>();
        network.tap(SERVER, ega, toEga);
        room.act(() -> room.client("joan").send("welcome, ega"));
        assertThat(room.runUntil(() -> toEga.stream().anyMatch(d -> !isHandshake(d)), SECOND))
                .as("%s: the server sends ega the room's event", seed).isTrue();

        // ega is closed in the instant that event reaches it (tasks come before arrivals): still joining,
        // its PROOF out, its WELCOME still on the way
        long[] closed = new long[2];
        network.later(eventDelay, () -> {
            closed[0] = network.now();
            closed[1] = network.datagramsSent(ega, SERVER);
            watched.closedAt = network.now();
            client.close(network.now());
        });
        assertThat(room.runUntil(client::isFinished, SECOND)).as("%s: ega's engine finishes", seed).isTrue();
        assertThat(room.runUntil(() -> !room.serverSink().left.isEmpty(), welcomeDelay))
                .as("%s: the server sees ega leave", seed).isTrue();
        room.runFor(welcomeDelay); // the WELCOME and the server's re-sends arrive, to a finished engine

        assertThat(watched.escaped).as("%s: exceptions out of handleDatagram", seed).isEmpty();
        assertThat(watched.eventsWhileClosing).as("%s: room packets that reached ega while it was closing", seed)
                .isPositive();
        assertThat(sink.log).as("%s: all ega's sink was told", seed)
                .containsExactly("connect failed CLOSED: the client was closed");
        assertThat(sink.joined()).as(seed).isFalse();
        assertThat(sink.disconnected).as(seed).isNull();
        assertThat(client.isFinished()).as(seed).isTrue();
        assertThat(network.datagramsSent(ega, SERVER) - closed[1]).as("%s: what ega sent after its close", seed)
                .isEqualTo(1);
        assertThat(room.serverSink().joined).as(seed).containsExactly("joan", "ega");
        assertThat(room.serverSink().left).as(seed).singleElement().satisfies(left -> {
            assertThat(left.username()).as(seed).isEqualTo("ega");
            assertThat(left.reason()).as("%s: ega's own CLOSE, not a time-out", seed).isEqualTo(CloseReason.LEFT);
            assertThat(left.atNanos() - closed[0]).as("%s: heard after", seed).isLessThan(MILLISECOND);
        });
        assertThat(server.memberNames()).as(seed).containsExactly("joan");
        assertThat(room.sink("joan").log).as(seed).contains("--> ega", "<-- ega LEFT");
    }

    private static boolean isHandshake(byte[] datagram) {
        return HandshakePacket.isLongHeader(ByteBuffer.wrap(datagram));
    }

    /**
     * A client engine as the network sees it: counts the room's packets that reach it after
     * {@link #closedAt}, and keeps what its {@code handleDatagram} throws instead of letting it
     * end the run, so that the test can say so with its seed.
     */
    private static final class Watched extends ForwardingEngine {
        private final ClientEngine engine;
        final List<RuntimeException> escaped = new ArrayList<>();
        long closedAt = Long.MAX_VALUE;
        int eventsWhileClosing;

        Watched(ClientEngine engine) {
            super(engine);
            this.engine = engine;
        }

        @Override
        public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
            if (nowNanos >= closedAt && !engine.isFinished() && !HandshakePacket.isLongHeader(datagram)) {
                eventsWhileClosing++;
            }
            try {
                engine.handleDatagram(nowNanos, datagram, source);
            } catch (RuntimeException e) {
                escaped.add(e);
            }
        }

    }
}
