package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resuming a session (issue #12) as protocol rules, in the deterministic simulator: the server
 * holds a timed-out member's session and name for its resume window; a client that proves it held
 * the session comes back as itself with every event it missed, once, in order. These tests drive
 * the resume at the protocol level (a new engine started with the old one's {@link ResumeTicket});
 * a failing seed is printed, {@code -Droomcast.seed=N} replays it.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(120)
class ResumeSimulationTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = SimulatedRoom.DEFAULT_IDLE_TIMEOUT_NANOS;
    private static final long WINDOW = 60 * SECOND;

    private static SimulatedRoom room(long seed, int logCapacity, int historySize) {
        return SimulatedRoom.builder(seed).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(WINDOW).withLogCapacity(logCapacity).withHistorySize(historySize)).build();
    }

    private static void cut(SimulatedRoom room, InetSocketAddress address) {
        room.network().partition(address, SimulatedRoom.SERVER);
        room.network().partition(SimulatedRoom.SERVER, address);
    }

    private static void heal(SimulatedRoom room, InetSocketAddress address) {
        room.network().heal(address, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, address);
    }

    private static ResumeTicket copy(ResumeTicket ticket) {
        return new ResumeTicket(ticket.resumeId().clone(), ticket.resumeKey().clone(), ticket.lastDelivered());
    }

    private static List<String> texts(List<RecordingClientSink.Delivered> delivered) {
        List<String> texts = new ArrayList<>();
        delivered.forEach(message -> texts.add(message.text()));
        return texts;
    }

    /** joan and ega in the room; ega says {@code before}, and joan has it all. */
    private static ResumeTicket joanHeardEverything(SimulatedRoom room, List<String> before) {
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        before.forEach(text -> room.send("ega", text));
        assertThat(room.runUntil(() -> room.sink("joan").messages.size() == before.size(), 10 * SECOND)).isTrue();
        return room.client("joan").session().resumeTicket();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aMemberCutOffForTwiceTheIdleTimeoutResumesWithEverythingItMissedOnce(long seed) {
        SimulatedRoom room = room(seed, 8192, 0);
        ResumeTicket ticket = joanHeardEverything(room, List.of("a1", "a2"));
        RecordingClientSink before = room.sink("joan");
        cut(room, room.address("joan"));
        List<String> during = List.of("b1", "b2", "b3", "b4", "b5");
        for (String text : during) {
            room.send("ega", text);
            room.runFor(IDLE / 3);
        }
        room.runFor(2 * IDLE - 5 * IDLE / 3);
        assertThat(before.disconnected).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(room.server().memberNames()).containsExactly("ega");
        assertThat(room.server().heldSessions().size()).isEqualTo(1);

        room.resume("joan", ticket, new InetSocketAddress("127.0.0.3", 20_000));
        RecordingClientSink after = room.sink("joan");
        assertThat(room.runUntil(() -> after.messages.size() == during.size(), 10 * SECOND)).as(after.log.toString())
                .isTrue();
        room.send("ega", "c1");
        assertThat(room.runUntil(() -> after.messages.size() == during.size() + 1, 10 * SECOND)).isTrue();
        room.runFor(2 * SECOND);

        assertThat(texts(before.messages)).containsExactly("a1", "a2");
        assertThat(texts(after.messages)).containsExactly("b1", "b2", "b3", "b4", "b5", "c1");
        assertThat(after.history).isEmpty();
        assertThat(after.joinSequence).isEqualTo(ticket.lastDelivered());
        assertThat(after.log).noneMatch(line -> line.startsWith("<--") || line.startsWith("-->")); // not itself
        assertThat(room.server().memberNames()).containsExactly("ega", "joan");
        assertThat(room.server().heldSessions().size()).isZero();
        assertThat(room.sink("ega").log).containsSubsequence("<-- joan TIMED_OUT", "--> joan");
    }

    @Test
    void aRefusalLostWithTheOldConnectionReachesTheClientOnceWhenItResumes() {
        SimulatedRoom room = SimulatedRoom.builder(23).configure(config -> config.withRateLimit(0.5, 1)
                .withResumeWindow(6 * IDLE)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(6 * IDLE), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        RecordingClientSink joan = room.sink("joan");
        room.runFor(3 * SECOND); // joan's bucket is full: one message, then refusals for two seconds

        room.network().partition(SimulatedRoom.SERVER, joanAt); // nothing more reaches joan
        long accepted = room.send("joan", "r0");
        long refused = room.send("joan", "r1"); // over the rate limit: its ERROR goes into the cut
        assertThat(room.runUntil(() -> texts(room.sink("ega").messages).contains("r0")
                && room.server().memberNames().contains("joan"), 10 * SECOND)).isTrue();
        room.runFor(SECOND); // the ERROR went out, and was lost, more than once
        room.network().partition(joanAt, SimulatedRoom.SERVER);
        long during = room.send("joan", "r2"); // sent while away: goes again after the resume
        room.runFor(2 * IDLE);
        assertThat(room.server().memberNames()).containsExactly("ega");
        assertThat(joan.refused).as("the ERROR never reached joan").isEmpty();

        room.network().heal(joanAt, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, joanAt);
        assertThat(room.runUntil(() -> joan.accepted.size() == 2 && !joan.refused.isEmpty(), 60 * SECOND))
                .as(joan.log.toString()).isTrue();
        room.runFor(5 * SECOND);

        assertThat(joan.refused).as("refused once, with its refusal").containsExactly(refused);
        assertThat(joan.refusedWith).containsExactly(ErrorCode.RATE_LIMITED);
        assertThat(joan.accepted).as("confirmed once each").containsExactlyInAnyOrder(accepted, during);
        assertThat(texts(room.sink("ega").messages)).containsExactly("r0", "r2");
        assertThat(joan.log).containsSubsequence("reconnecting TIMED_OUT", "reconnected true");
        assertThat(joan.disconnected).isNull();
    }

    @Test
    void aPrivateMessageRefusedWhileItsErrorWasLostFailsOnceAfterTheResumeAndIsNeverReportedSent() {
        SimulatedRoom room = SimulatedRoom.builder(29).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(6 * IDLE)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(6 * IDLE), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        RecordingClientSink joan = room.sink("joan");

        room.network().partition(SimulatedRoom.SERVER, joanAt); // nothing more reaches joan
        long[] ids = new long[2];
        room.act(() -> {
            ids[0] = room.client("joan").sendPrivate("nobody", "hello?"); // refused: its ERROR goes into the cut
            ids[1] = room.client("joan").sendPrivate("ega", "hi"); // delivered: its confirmation is lost too
        });
        assertThat(room.runUntil(() -> room.sink("ega").privates.size() == 1, 10 * SECOND)).isTrue();
        room.runFor(SECOND); // the ERROR went out, and was lost, more than once
        room.network().partition(joanAt, SimulatedRoom.SERVER);
        room.runFor(2 * IDLE);
        assertThat(room.server().memberNames()).containsExactly("ega");
        assertThat(joan.refused).as("the ERROR never reached joan").isEmpty();

        room.network().heal(joanAt, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, joanAt);
        assertThat(room.runUntil(() -> !joan.refused.isEmpty() && !joan.privateSent.isEmpty(), 60 * SECOND))
                .as(joan.log.toString()).isTrue();
        room.runFor(5 * SECOND);

        assertThat(joan.refused).as("refused once, with its refusal").containsExactly(ids[0]);
        assertThat(joan.refusedWith).containsExactly(ErrorCode.NO_SUCH_MEMBER);
        assertThat(joan.privateSent).as("only the delivered one, once").containsExactly(ids[1]);
        assertThat(room.sink("ega").privates).hasSize(1);
        assertThat(joan.log).containsSubsequence("reconnecting TIMED_OUT", "reconnected true");
        assertThat(joan.disconnected).isNull();
    }

    @Test
    void theHeldNameCannotBeTakenDuringTheWindowAndIsFreeAfterIt() {
        SimulatedRoom room = room(7, 8192, 0);
        joanHeardEverything(room, List.of("a1"));
        cut(room, room.address("joan"));
        room.runFor(IDLE + 2 * SECOND);
        assertThat(room.server().memberNames()).containsExactly("ega");

        room.add("JOAN", SimulatedRoom.DEFAULT_PASSWORD);
        assertThat(room.runUntil(() -> room.sink("JOAN").connectFailure != null, 20 * SECOND)).isTrue();
        assertThat(room.sink("JOAN").connectFailure).isEqualTo(ClientEventSink.ConnectFailure.USERNAME_TAKEN);

        room.runFor(WINDOW);
        assertThat(room.server().heldSessions().size()).isZero();
        assertThat(room.join("Joan")).as("the window is over: the name is free").isTrue();
    }

    @Test
    void aResumeCredentialCapturedFromTheWireResumesNobody() throws MalformedPacketException {
        SimulatedRoom room = room(11, 8192, 0);
        ResumeTicket first = joanHeardEverything(room, List.of("a1"));
        cut(room, room.address("joan"));
        room.runFor(IDLE + 2 * SECOND);
        InetSocketAddress second = new InetSocketAddress("127.0.0.3", 20_000);
        List<byte[]> wire = new ArrayList<>();
        room.network().tap(second, SimulatedRoom.SERVER, wire);
        room.resume("joan", first, second);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        ResumeTicket rotated = room.client("joan").session().resumeTicket();
        assertThat(rotated.resumeId()).as("rotated").isNotEqualTo(first.resumeId());
        byte[] capturedId = null;
        HandshakePacket.Proof captured = null;
        for (byte[] datagram : wire) {
            if (HandshakePacket.isLongHeader(ByteBuffer.wrap(datagram))) {
                HandshakePacket packet = HandshakePacket.decode(ByteBuffer.wrap(datagram));
                if (packet instanceof HandshakePacket.Hello hello) {
                    capturedId = hello.resumeId();
                } else if (packet instanceof HandshakePacket.Proof proof) {
                    captured = proof;
                }
            }
        }
        assertThat(capturedId).isEqualTo(first.resumeId());
        assertThat(captured).isNotNull();
        assertThat(captured.resumeProof()).hasSize(32);

        cut(room, second); // joan is held again, under its new session
        room.runFor(IDLE + 2 * SECOND);
        assertThat(room.server().heldSessions().size()).isEqualTo(1);
        // joan tries to resume that session: mallory, on the path, takes the PROOF and drops it, so
        // the session stays held under the rotated id, with a resume proof for it that the server never saw
        InetSocketAddress third = new InetSocketAddress("127.0.0.4", 20_001);
        List<HandshakePacket.Proof> intercepted = new ArrayList<>();
        room.network().rewrite(third, SimulatedRoom.SERVER, datagram -> {
            try {
                if (HandshakePacket.isLongHeader(ByteBuffer.wrap(datagram))
                        && HandshakePacket.decode(ByteBuffer.wrap(datagram)) instanceof HandshakePacket.Proof proof) {
                    intercepted.add(proof);
                    room.network().partition(third, SimulatedRoom.SERVER); // this one is dropped
                }
            } catch (MalformedPacketException e) {
                // not a handshake packet: as it was
            }
            return datagram;
        });
        room.resume("joan", copy(rotated), third);
        assertThat(room.runUntil(() -> !intercepted.isEmpty(), 10 * SECOND)).isTrue();
        assertThat(room.server().heldSessions().size()).isEqualTo(1);

        // mallory knows the room password and has what crossed the wire, not the sessions' keys: her
        // own PROOF goes out with a captured resume proof (and its delivered position) in place of
        // hers, unchanged: the first resume's for the first id, the intercepted one for the rotated id
        List<byte[]> ids = List.of(capturedId, rotated.resumeId());
        List<HandshakePacket.Proof> proofs = List.of(captured, intercepted.get(0));
        for (int attempt = 0; attempt < ids.size(); attempt++) {
            byte[] id = ids.get(attempt);
            HandshakePacket.Proof replayed = proofs.get(attempt);
            InetSocketAddress mallory = new InetSocketAddress("127.0.0.9", 1 + attempt);
            List<byte[]> injected = new ArrayList<>();
            room.network().rewrite(mallory, SimulatedRoom.SERVER, datagram -> {
                try {
                    if (HandshakePacket.isLongHeader(ByteBuffer.wrap(datagram))
                            && HandshakePacket.decode(ByteBuffer.wrap(datagram)) instanceof HandshakePacket.Proof own) {
                        injected.add(own.resumeProof());
                        return new HandshakePacket.Proof(own.connectionId(), own.clientProof(),
                                replayed.resumeProof().clone(), replayed.lastDelivered()).toBytes();
                    }
                } catch (MalformedPacketException e) {
                    // not a handshake packet: as it was
                }
                return datagram;
            });
            room.resume("joan", new ResumeTicket(id.clone(), new byte[32], replayed.lastDelivered()), mallory);
            RecordingClientSink attacker = room.sink("joan");
            assertThat(room.runUntil(() -> attacker.connectFailure != null || attacker.joined(), 20 * SECOND))
                    .isTrue();
            assertThat(injected).as("the captured proof went in place of hers").isNotEmpty();
            assertThat(attacker.joined()).as(attacker.log.toString()).isFalse();
            assertThat(attacker.connectFailure).isEqualTo(ClientEventSink.ConnectFailure.USERNAME_TAKEN);
            assertThat(room.server().memberNames()).containsExactly("ega");
            assertThat(room.server().heldSessions().size()).as("still held for joan").isEqualTo(1);
        }

        room.resume("joan", rotated, new InetSocketAddress("127.0.0.4", 20_000));
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).as("the real one still can").isTrue();
        assertThat(room.server().memberNames()).containsExactly("ega", "joan");
    }

    /** Someone on the path rewrites the PROOF's lastDelivered (review bug 5): the server must not skip events. */
    @Test
    void aPathThatRewritesLastDeliveredInTheProofResumesNobodyAndSkipsNothing() {
        SimulatedRoom room = room(12, 8192, 0);
        ResumeTicket ticket = joanHeardEverything(room, List.of("a1", "a2"));
        cut(room, room.address("joan"));
        List<String> during = List.of("b1", "b2", "b3", "b4", "b5");
        during.forEach(text -> room.send("ega", text));
        room.runFor(IDLE + 2 * SECOND);
        assertThat(room.server().heldSessions().size()).isEqualTo(1);

        InetSocketAddress second = new InetSocketAddress("127.0.0.3", 20_000);
        List<Long> rewritten = new ArrayList<>();
        room.network().rewrite(second, SimulatedRoom.SERVER, datagram -> {
            try {
                if (HandshakePacket.isLongHeader(ByteBuffer.wrap(datagram))
                        && HandshakePacket.decode(ByteBuffer.wrap(datagram)) instanceof HandshakePacket.Proof proof
                        && proof.resumeProof().length > 0) {
                    rewritten.add(proof.lastDelivered());
                    return new HandshakePacket.Proof(proof.connectionId(), proof.clientProof(), proof.resumeProof(),
                            proof.lastDelivered() + 3).toBytes(); // skip b1..b3
                }
            } catch (MalformedPacketException e) {
                // not a handshake packet: as it was
            }
            return datagram;
        });
        room.resume("joan", copy(ticket), second);
        RecordingClientSink tampered = room.sink("joan");
        assertThat(room.runUntil(() -> tampered.connectFailure != null || tampered.joined(), 20 * SECOND)).isTrue();
        room.runFor(2 * SECOND);
        assertThat(rewritten).as("the PROOF was rewritten").isNotEmpty().allMatch(at -> at == ticket.lastDelivered());
        assertThat(tampered.joined()).as("no resume from a rewritten position: " + tampered.log).isFalse();
        assertThat(tampered.messages).isEmpty();
        assertThat(room.server().memberNames()).containsExactly("ega");
        assertThat(room.server().heldSessions().size()).as("the session is still held").isEqualTo(1);

        room.network().rewrite(second, SimulatedRoom.SERVER, null);
        room.resume("joan", ticket, new InetSocketAddress("127.0.0.4", 20_000));
        RecordingClientSink after = room.sink("joan");
        assertThat(room.runUntil(() -> after.messages.size() == during.size(), 10 * SECOND)).as(after.log.toString())
                .isTrue();
        assertThat(after.joinSequence).isEqualTo(ticket.lastDelivered());
        assertThat(texts(after.messages)).containsExactlyElementsOf(during);
    }

    @Test
    void aResumeAfterTheLogWrappedGetsHistoryInstead() {
        SimulatedRoom room = room(13, 16, 5);
        ResumeTicket ticket = joanHeardEverything(room, List.of("a1"));
        cut(room, room.address("joan"));
        for (int i = 0; i < 30; i++) {
            room.send("ega", "b" + i);
            room.runFor(SECOND / 5); // ega keeps up with the small log
        }
        assertThat(room.server().memberNames()).containsExactly("ega");
        room.runFor(IDLE + 2 * SECOND);

        room.resume("joan", ticket, new InetSocketAddress("127.0.0.3", 20_000));
        RecordingClientSink after = room.sink("joan");
        assertThat(room.runUntil(after::joined, 10 * SECOND)).isTrue();
        room.runFor(2 * SECOND);

        assertThat(after.joinSequence).isGreaterThan(ticket.lastDelivered() + 30);
        assertThat(texts(after.history)).containsExactly("b25", "b26", "b27", "b28", "b29");
        assertThat(after.messages).isEmpty();
    }

    @Test
    void aMemberStillInTheRoomIsReplacedByItsResume() {
        SimulatedRoom room = room(17, 8192, 0);
        ResumeTicket ticket = joanHeardEverything(room, List.of("a1"));
        cut(room, room.address("joan")); // the client notices first; the server has not yet
        room.send("ega", "b1");
        room.runFor(SECOND);
        assertThat(room.server().memberNames()).containsExactly("joan", "ega");

        room.resume("joan", ticket, new InetSocketAddress("127.0.0.3", 20_000));
        RecordingClientSink after = room.sink("joan");
        assertThat(room.runUntil(() -> after.messages.size() == 1, 10 * SECOND)).as(after.log.toString()).isTrue();
        room.runFor(2 * SECOND);

        assertThat(texts(after.messages)).containsExactly("b1");
        assertThat(room.server().memberNames()).containsExactly("ega", "joan");
        assertThat(room.sink("ega").log).containsSubsequence("<-- joan TIMED_OUT", "--> joan");
        assertThat(room.server().heldSessions().size()).isZero();
    }

    @Test
    void withoutAResumeWindowNothingIsHeld() {
        SimulatedRoom room = SimulatedRoom.builder(19).build();
        assertThat(room.join("joan")).isTrue();
        ResumeTicket ticket = room.client("joan").session().resumeTicket();
        cut(room, room.address("joan"));
        room.runFor(IDLE + 2 * SECOND);
        assertThat(room.server().heldSessions().size()).isZero();

        room.resume("joan", ticket, new InetSocketAddress("127.0.0.3", 20_000));
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.sink("joan").joinSequence).as("a fresh join").isGreaterThan(ticket.lastDelivered());
    }

    // ------------------------------------------------------------------ the client reconnects by itself

    @ParameterizedTest(name = "partition of {0}x the idle timeout")
    @ValueSource(ints = {1, 2, 5})
    void aClientCutOffReconnectsByItselfGaplessWithItsSendsLandingOnce(int idleTimeouts) {
        for (long seed = 1; seed <= 3; seed++) {
            SimulatedRoom room = SimulatedRoom.builder(seed * 100 + idleTimeouts).configure(config -> config
                    .withRateLimit(10_000, 10_000).withResumeWindow(6 * IDLE)).build();
            InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
            room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(6 * IDLE), joanAt);
            assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
            assertThat(room.join("ega")).isTrue();
            RecordingClientSink joan = room.sink("joan");
            room.send("ega", "a1");
            assertThat(room.runUntil(() -> joan.messages.size() == 1, 10 * SECOND)).isTrue();

            cut(room, joanAt);
            List<Long> joanSent = new ArrayList<>();
            List<String> egaSaid = new ArrayList<>(List.of("a1"));
            long partition = idleTimeouts * IDLE;
            for (int i = 0; i < 10; i++) {
                String text = "b" + i;
                room.send("ega", text);
                egaSaid.add(text);
                if (i % 3 == 0) {
                    room.act(() -> {
                        if (room.client("joan").acceptsSends()) {
                            joanSent.add(room.client("joan").send("j" + joanSent.size()));
                        }
                    });
                }
                room.runFor(partition / 10);
            }
            assertThat(joan.disconnected).as("not terminal while reconnecting").isNull();
            room.network().heal(joanAt, SimulatedRoom.SERVER);
            room.network().heal(SimulatedRoom.SERVER, joanAt);
            room.send("ega", "c1");
            egaSaid.add("c1");
            assertThat(room.runUntil(() -> joan.messages.size() >= egaSaid.size() + joanSent.size()
                    && joan.accepted.size() == joanSent.size(), 60 * SECOND)).as("seed " + seed + " " + joan.log)
                    .isTrue();
            room.runFor(2 * SECOND);

            List<String> expected = new ArrayList<>(egaSaid);
            List<String> seen = new ArrayList<>();
            for (RecordingClientSink.Delivered message : joan.messages) {
                if (message.sender().equals("ega")) {
                    seen.add(message.text());
                }
            }
            assertThat(seen).as("seed %d: gapless, in order, once", seed).isEqualTo(expected);
            List<Long> sequences = new ArrayList<>();
            joan.messages.forEach(message -> sequences.add(message.sequence()));
            assertThat(sequences).as("in room order, no duplicate").isSorted().doesNotHaveDuplicates();
            assertThat(joan.accepted).containsExactlyInAnyOrderElementsOf(joanSent);
            List<String> egaGot = new ArrayList<>();
            room.sink("ega").messages.forEach(message -> {
                if (message.sender().equals("joan")) {
                    egaGot.add(message.text());
                }
            });
            assertThat(egaGot).as("joan's sends landed exactly once").hasSize(joanSent.size()).doesNotHaveDuplicates();
            assertThat(joan.history).isEmpty();
            assertThat(joan.disconnected).isNull();
            assertThat(joanSent).as("joan sent during the partition").isNotEmpty();
            assertThat(joan.log).containsSubsequence("reconnecting TIMED_OUT", "reconnected true");
            assertThat(joan.log).as("reported back once").containsOnlyOnce("reconnected true");
            int back = joan.log.indexOf("reconnected true");
            int lastMissed = indexOfEnding(joan.log, "<ega> b9");
            assertThat(lastMissed).as("seed %d: every missed event before onReconnected: %s", seed, joan.log)
                    .isBetween(0, back - 1);
            for (int i = 0; i < joan.log.size(); i++) {
                if (joan.log.get(i).contains("<joan> j")) {
                    assertThat(i).as("joan's own sends, processed after its return, come after it").isGreaterThan(back);
                }
            }
            room.send("ega", "c2");
            assertThat(room.runUntil(() -> indexOfEnding(joan.log, "<ega> c2") >= 0, 10 * SECOND)).isTrue();
            assertThat(indexOfEnding(joan.log, "<ega> c2")).as("live events after it").isGreaterThan(back);
            assertThat(room.server().memberNames()).containsExactlyInAnyOrder("joan", "ega");
        }
    }

    @Test
    void aClientThatCannotComeBackInTimeEndsTimedOut() {
        SimulatedRoom room = SimulatedRoom.builder(23).configure(config -> config.withResumeWindow(WINDOW)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(10 * SECOND), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        cut(room, joanAt);
        room.runFor(IDLE + 5 * SECOND);
        assertThat(room.client("joan").isReconnecting()).isTrue();
        assertThat(room.sink("joan").disconnected).isNull();

        room.runFor(6 * SECOND);
        assertThat(room.sink("joan").disconnected).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(room.client("joan").isFinished()).isTrue();
    }

    @Test
    void closingWhileReconnectingEndsAtOnce() {
        SimulatedRoom room = SimulatedRoom.builder(29).configure(config -> config.withResumeWindow(WINDOW)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(WINDOW), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        cut(room, joanAt);
        room.runFor(IDLE + SECOND);
        assertThat(room.client("joan").isReconnecting()).isTrue();

        room.act(() -> room.client("joan").close(room.now()));
        assertThat(room.sink("joan").disconnected).isEqualTo(CloseReason.LEFT);
        assertThat(room.client("joan").isFinished()).isTrue();
    }

    @Test
    void aClientBackAfterTheLogWrappedGetsHistoryAndIsToldItMissedSome() {
        SimulatedRoom room = SimulatedRoom.builder(31).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(WINDOW).withLogCapacity(16).withHistorySize(5)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(WINDOW), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        cut(room, joanAt);
        for (int i = 0; i < 30; i++) {
            room.send("ega", "b" + i);
            room.runFor(SECOND / 5);
        }
        room.runFor(IDLE);
        room.network().heal(joanAt, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, joanAt);
        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> joan.log.contains("reconnected false") && joan.historyCalls > 1, 30 * SECOND))
                .as(joan.log.toString()).isTrue();
        room.send("ega", "c1");
        assertThat(room.runUntil(() -> !joan.messages.isEmpty(), 10 * SECOND)).isTrue();

        assertThat(texts(joan.history)).endsWith("b25", "b26", "b27", "b28", "b29");
        int back = joan.log.indexOf("reconnected false");
        assertThat(joan.log.get(back - 1)).as("onReconnected(false) right after the history: %s", joan.log)
                .startsWith("history ");
        assertThat(indexOfEnding(joan.log, "<ega> c1")).isGreaterThan(back);
        assertThat(texts(joan.messages)).containsExactly("c1");
        assertThat(joan.disconnected).isNull();
    }

    @Test
    void sendsQueueWhileReconnectingUpToTheSendWindowThenAreRefusedAtOnce() {
        SimulatedRoom room = SimulatedRoom.builder(37).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(WINDOW)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(WINDOW), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        cut(room, joanAt);
        room.runFor(IDLE + SECOND);
        ClientEngine joan = room.client("joan");
        assertThat(joan.isReconnecting()).isTrue();
        int queued = 0;
        while (joan.acceptsSends()) {
            room.send("joan", "q" + queued++);
        }
        assertThat(queued).isEqualTo(ProtocolLimits.SEND_WINDOW);

        room.network().heal(joanAt, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, joanAt);
        int expected = queued;
        assertThat(room.runUntil(() -> room.sink("joan").accepted.size() == expected, 30 * SECOND)).isTrue();
        List<String> egaGot = new ArrayList<>();
        room.sink("ega").messages.forEach(message -> egaGot.add(message.text()));
        assertThat(egaGot).hasSize(expected).doesNotHaveDuplicates().startsWith("q0", "q1").endsWith("q63");
        assertThat(joan.acceptsSends()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {41, 42, 43})
    void aReconnectUnderTwentyPercentLossIsStillGaplessAndOnce(long seed) {
        SimulatedRoom room = SimulatedRoom.builder(seed).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(WINDOW)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(WINDOW), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        room.network().conditions(SimulatedNetwork.Conditions.lossy(0.2, 0.05, 20));
        RecordingClientSink joan = room.sink("joan");
        List<String> said = new ArrayList<>();
        List<Long> joanSent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            if (i == 10) {
                cut(room, joanAt);
            }
            if (i == 20) {
                room.network().heal(joanAt, SimulatedRoom.SERVER);
                room.network().heal(SimulatedRoom.SERVER, joanAt);
            }
            said.add("m" + i);
            room.send("ega", "m" + i);
            if (i % 5 == 2) {
                room.act(() -> joanSent.add(room.client("joan").send("j" + joanSent.size())));
            }
            room.runFor(i >= 10 && i < 20 ? 2 * SECOND : SECOND / 2);
        }
        assertThat(room.runUntil(() -> joan.accepted.size() == joanSent.size()
                && joan.messages.stream().filter(m -> m.sender().equals("ega")).count() == said.size(), 60 * SECOND))
                .as(joan.log.toString()).isTrue();

        List<String> fromEga = new ArrayList<>();
        joan.messages.forEach(message -> {
            if (message.sender().equals("ega")) {
                fromEga.add(message.text());
            }
        });
        assertThat(fromEga).isEqualTo(said);
        List<String> egaGot = new ArrayList<>();
        room.sink("ega").messages.forEach(message -> {
            if (message.sender().equals("joan")) {
                egaGot.add(message.text());
            }
        });
        assertThat(egaGot).hasSize(joanSent.size()).doesNotHaveDuplicates();
        assertThat(joan.log).contains("reconnected true");
        assertThat(joan.disconnected).isNull();
    }

    @Test
    void aClientBackAfterTheServerLostItsSessionEndsAndLeavesNoGhost() {
        SimulatedRoom room = SimulatedRoom.builder(47).build(); // the engine-level default: no resume window
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(WINDOW), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        cut(room, joanAt);
        room.runFor(IDLE + 2 * SECOND);
        room.network().heal(joanAt, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, joanAt);
        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> joan.disconnected != null, 20 * SECOND)).as(joan.log.toString()).isTrue();
        room.runFor(2 * SECOND);

        assertThat(joan.disconnected).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(joan.log).contains("reconnecting TIMED_OUT").doesNotContain("reconnected true", "reconnected false");
        assertThat(joan.log.get(joan.log.size() - 1)).isEqualTo("disconnected TIMED_OUT");
        assertThat(room.server().memberNames()).as("the member admitted by mistake left at once")
                .containsExactly("ega");
        assertThat(room.client("joan").isFinished()).isTrue();
    }

    @Test
    void aMemberBannedWhileAwayIsRefusedItsResumeAndEndsBanned() {
        SimulatedRoom room = SimulatedRoom.builder(53).configure(config -> config.withResumeWindow(WINDOW)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(WINDOW), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        cut(room, joanAt);
        room.runFor(IDLE + 2 * SECOND);
        assertThat(room.server().heldSessions().size()).isEqualTo(1);
        room.act(() -> room.server().ban(room.now(), "joan", 60 * SECOND));
        room.network().heal(joanAt, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, joanAt);

        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> joan.disconnected != null, 20 * SECOND)).as(joan.log.toString()).isTrue();
        assertThat(joan.disconnected).isEqualTo(CloseReason.BANNED);
        assertThat(room.server().memberNames()).isEmpty();
        assertThat(room.server().heldSessions().size()).as("the refused resume used the session up").isZero();
    }

    /**
     * A resume refused ROOM_FULL is retried (the server keeps the session held for it) until the
     * reconnect time is over; then the client ends TIMED_OUT and the name lapses with the window.
     */
    @Test
    void aResumeRefusedBecauseTheRoomFilledWhileAwayIsRetriedUntilTheReconnectTimeIsOver() {
        SimulatedRoom room = SimulatedRoom.builder(61).maxMembers(2)
                .configure(config -> config.withResumeWindow(WINDOW)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(4 * IDLE), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        long cutAt = room.now();
        cut(room, joanAt);
        room.runFor(IDLE + 2 * SECOND);
        assertThat(room.server().memberNames()).containsExactly("ega");
        assertThat(room.join("kai")).as("a held name does not count towards the room's size").isTrue();
        heal(room, joanAt);

        RecordingClientSink joan = room.sink("joan");
        room.runFor(20 * SECOND);
        assertThat(joan.disconnected).as("refused ROOM_FULL, still trying: %s", joan.log).isNull();
        assertThat(room.client("joan").isReconnecting()).isTrue();
        assertThat(room.server().heldSessions().size()).as("the session is still held").isEqualTo(1);
        assertThat(room.runUntil(() -> joan.disconnected != null, 4 * IDLE)).as(joan.log.toString()).isTrue();
        assertThat(room.now() - cutAt).as("at the end of the reconnect time").isGreaterThanOrEqualTo(4 * IDLE);
        assertThat(joan.disconnected).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(joan.log).contains("reconnecting TIMED_OUT").doesNotContain("reconnected true", "reconnected false");
        assertThat(room.client("joan").isFinished()).isTrue();
        assertThat(room.server().memberNames()).containsExactlyInAnyOrder("ega", "kai");
    }

    @Test
    void eventsHeldBackForASlowApplicationAcrossAnOutageArriveOnceInOrder() {
        SimulatedRoom room = SimulatedRoom.builder(59).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(WINDOW)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(WINDOW), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        RecordingClientSink joan = room.sink("joan");
        joan.room = false; // the application takes nothing for a while
        List<String> said = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            said.add("a" + i);
            room.send("ega", "a" + i);
        }
        room.runFor(SECOND); // received and held back, not delivered
        cut(room, joanAt);
        for (int i = 0; i < 5; i++) {
            said.add("b" + i);
            room.send("ega", "b" + i);
        }
        room.runFor(IDLE + SECOND);
        assertThat(room.client("joan").isReconnecting()).isTrue();
        joan.room = true; // it catches up on what it held while the client is away
        room.act(() -> room.client("joan").resumeDelivery(room.now()));
        assertThat(joan.messages).hasSize(5);
        room.network().heal(joanAt, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, joanAt);

        assertThat(room.runUntil(() -> joan.messages.size() == said.size(), 30 * SECOND)).as(joan.log.toString())
                .isTrue();
        room.runFor(2 * SECOND);
        assertThat(texts(joan.messages)).isEqualTo(said);
        assertThat(joan.log).contains("reconnected true");
    }

    /** The index of the first log line ending with {@code suffix}, or -1. */
    private static int indexOfEnding(List<String> log, String suffix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).endsWith(suffix)) {
                return i;
            }
        }
        return -1;
    }

    /** Second outage before the replay of the first resume reached the resume's own JOINED: the log still holds everything. */
    @Test
    void aSecondResumeBeforeTheReplayCaughtUpIsNotAGap() {
        SimulatedRoom room = SimulatedRoom.builder(41).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(WINDOW).withLogCapacity(8192).withHistorySize(0)).build();
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        room.send("ega", "a1");
        assertThat(room.runUntil(() -> room.sink("joan").messages.size() == 1, 10 * SECOND)).isTrue();
        ResumeTicket first = room.client("joan").session().resumeTicket();
        cut(room, room.address("joan"));
        room.send("ega", "b1");
        room.send("ega", "b2");
        room.runFor(IDLE + 2 * SECOND);

        InetSocketAddress second = new InetSocketAddress("127.0.0.3", 20_000);
        ClientEngine resumed = room.resume("joan", first, second);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        ResumeTicket rotated = resumed.session().resumeTicket();
        // the client lost the link again before its listener was given b1 (it reports what it delivered)
        ResumeTicket again = new ResumeTicket(rotated.resumeId(), rotated.resumeKey(), first.lastDelivered());
        cut(room, second);
        room.runFor(IDLE + 2 * SECOND);
        assertThat(room.server().heldSessions().size()).isEqualTo(1);

        room.resume("joan", again, new InetSocketAddress("127.0.0.4", 20_000));
        RecordingClientSink third = room.sink("joan");
        assertThat(room.runUntil(third::joined, 10 * SECOND)).isTrue();
        room.runFor(2 * SECOND);
        List<String> texts = new ArrayList<>();
        third.messages.forEach(m -> texts.add(m.text()));
        assertThat(third.joinSequence).as("stream continues after lastDelivered (nothingMissed)")
                .isEqualTo(first.lastDelivered());
        assertThat(texts).containsExactly("b1", "b2");
    }

    /** The server admits the resume, but the WELCOME is lost until the attempt times out. */
    @Test
    void aLostResumeWelcomeDoesNotEndTheSession() {
        SimulatedRoom room = SimulatedRoom.builder(43).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(6 * IDLE)).build();
        InetSocketAddress joanAt = new InetSocketAddress("127.0.0.5", 30_000);
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(6 * IDLE), joanAt);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        cut(room, joanAt);
        room.runFor(2 * IDLE);
        assertThat(room.server().memberNames()).containsExactly("ega");
        long c0 = room.network().datagramsSent(joanAt, SimulatedRoom.SERVER);
        heal(room, joanAt);
        assertThat(room.runUntil(() -> room.network().datagramsSent(joanAt, SimulatedRoom.SERVER) >= c0 + 2,
                30 * SECOND)).isTrue();
        room.network().partition(SimulatedRoom.SERVER, joanAt); // the PROOF is on its way; what answers it is lost
        room.runFor(6 * SECOND);
        heal(room, joanAt);
        room.runFor(20 * SECOND);
        RecordingClientSink joan = room.sink("joan");
        assertThat(joan.disconnected).as(joan.log.toString()).isNull();
        assertThat(joan.log).as("resumed, not a fresh join").anyMatch(line -> line.startsWith("reconnected"));
        assertThat(room.server().memberNames()).containsExactly("ega", "joan");
        assertThat(room.server().heldSessions().size()).isZero();
        room.send("ega", "after");
        assertThat(room.runUntil(() -> texts(joan.messages).contains("after"), 10 * SECOND)).isTrue();
    }

    /** A resume refused ROOM_FULL keeps its held session: once there is room, the same ticket resumes, gapless. */
    @Test
    void aResumeRefusedBecauseTheRoomIsFullKeepsTheSessionHeld() {
        SimulatedRoom room = SimulatedRoom.builder(59).maxMembers(2).configure(config -> config
                .withRateLimit(10_000, 10_000).withResumeWindow(WINDOW).withLogCapacity(8192).withHistorySize(0))
                .build();
        ResumeTicket ticket = joanHeardEverything(room, List.of("a1"));
        cut(room, room.address("joan"));
        room.send("ega", "b1");
        room.runFor(IDLE + 2 * SECOND);
        assertThat(room.server().heldSessions().size()).isEqualTo(1);
        assertThat(room.join("bob")).as("a held name does not count towards the room's size").isTrue();

        room.resume("joan", copy(ticket), new InetSocketAddress("127.0.0.3", 20_000));
        RecordingClientSink refused = room.sink("joan");
        assertThat(room.runUntil(() -> refused.connectFailure != null, 10 * SECOND)).as(refused.log.toString())
                .isTrue();
        assertThat(refused.log.toString()).contains("the room is full");
        assertThat(room.server().heldSessions().size()).as("the session is still held").isEqualTo(1);
        assertThat(room.join("joan")).as("and so is its name").isFalse();

        room.act(() -> room.client("bob").close(room.now()));
        assertThat(room.runUntil(() -> room.server().memberNames().size() == 1, 10 * SECOND)).isTrue();
        room.resume("joan", copy(ticket), new InetSocketAddress("127.0.0.4", 20_000));
        RecordingClientSink after = room.sink("joan");
        assertThat(room.runUntil(() -> texts(after.messages).contains("b1"), 10 * SECOND)).as(after.log.toString())
                .isTrue();
        assertThat(after.joinSequence).isEqualTo(ticket.lastDelivered());
        assertThat(room.server().memberNames()).containsExactly("ega", "joan");
        assertThat(room.server().heldSessions().size()).isZero();
    }
}
