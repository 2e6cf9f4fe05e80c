package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resuming a session (issue #12) at the edges, in the deterministic simulator: a resume HELLO
 * answered with RETRY, partitions that cut only one direction, and a resume proof (valid, from an
 * authenticated but hostile client) whose {@code lastDelivered} lies outside the member's stream.
 * {@link ResumeSimulationTest} has the main cases; a failing seed is printed.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(120)
class ResumeEdgeCasesTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = SimulatedRoom.DEFAULT_IDLE_TIMEOUT_NANOS;
    private static final long WINDOW = 60 * SECOND;
    private static final InetSocketAddress JOAN_AT = new InetSocketAddress("127.0.0.5", 30_000);
    private static final InetSocketAddress SERVER = SimulatedRoom.SERVER;

    /** A room whose server holds sessions for {@link #WINDOW}, with joan (reconnecting by itself) and ega in it. */
    private static SimulatedRoom joanAndEga(long seed, boolean retryEveryHello) {
        SimulatedRoom room = SimulatedRoom.builder(seed).configure(config -> {
            ServerConfig resuming = config.withRateLimit(10_000, 10_000).withResumeWindow(WINDOW);
            return retryEveryHello ? resuming.withRetryThreshold(0) : resuming;
        }).build();
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(WINDOW), JOAN_AT);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        return room;
    }

    private static List<String> from(RecordingClientSink sink, String sender) {
        List<String> texts = new ArrayList<>();
        sink.messages.forEach(message -> {
            if (message.sender().equals(sender)) {
                texts.add(message.text());
            }
        });
        return texts;
    }

    private static int indexOfEnding(List<String> log, String suffix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).endsWith(suffix)) {
                return i;
            }
        }
        return -1;
    }

    private static HandshakePacket handshakePacket(byte[] datagram) {
        try {
            return HandshakePacket.isLongHeader(ByteBuffer.wrap(datagram))
                    ? HandshakePacket.decode(ByteBuffer.wrap(datagram)) : null;
        } catch (MalformedPacketException e) {
            return null;
        }
    }

    /**
     * What joan's listener got is the room as ega said it, once, in order; joan's sends landed once
     * each with ega and were confirmed once each; joan was told it was back once, with nothing
     * missed, after the last event it had missed.
     */
    private static void assertGaplessAndOnce(SimulatedRoom room, List<String> egaSaid, List<Long> joanSent,
                                             String lastMissed) {
        RecordingClientSink joan = room.sink("joan");
        String seed = "seed " + room.network().seed() + ": " + joan.log;
        assertThat(from(joan, "ega")).as(seed).isEqualTo(egaSaid);
        assertThat(joan.sequences).as("in room order, no duplicate: %s", seed).isSorted().doesNotHaveDuplicates();
        assertThat(joan.history).isEmpty();
        assertThat(joan.accepted).as("confirmed once each").containsExactlyInAnyOrderElementsOf(joanSent);
        List<String> joanTexts = new ArrayList<>();
        for (int i = 0; i < joanSent.size(); i++) {
            joanTexts.add("j" + i);
        }
        assertThat(from(room.sink("ega"), "joan")).as("joan's sends landed once each")
                .containsExactlyInAnyOrderElementsOf(joanTexts);
        assertThat(joan.log).containsSubsequence("reconnecting TIMED_OUT", "reconnected true")
                .containsOnlyOnce("reconnected true").doesNotContain("reconnected false");
        assertThat(indexOfEnding(joan.log, lastMissed)).as("missed events before onReconnected: %s", seed)
                .isBetween(0, joan.log.indexOf("reconnected true") - 1);
        assertThat(joan.disconnected).isNull();
        assertThat(Collections.frequency(room.sink("ega").log, "<-- joan TIMED_OUT")).isEqualTo(1);
        assertThat(room.sink("ega").log).containsSubsequence("<-- joan TIMED_OUT", "--> joan");
        assertThat(room.server().memberNames()).containsExactlyInAnyOrder("ega", "joan");
        assertThat(room.server().heldSessions().size()).isZero();
    }

    /** ega says {@code text}, remembered in {@code said}. */
    private static void egaSays(SimulatedRoom room, List<String> said, String text) {
        room.send("ega", text);
        said.add(text);
    }

    /** joan sends the next of its numbered messages, if its client takes sends. */
    private static void joanSends(SimulatedRoom room, List<Long> sent) {
        room.act(() -> {
            if (room.client("joan").acceptsSends()) {
                sent.add(room.client("joan").send("j" + sent.size()));
            }
        });
    }

    // ------------------------------------------------------------------ a resume through a RETRY round trip

    @ParameterizedTest
    @ValueSource(longs = {71, 72, 73})
    void aResumeHelloAnsweredWithRetryStillCarriesTheResumeIdAndResumesGapless(long seed) {
        SimulatedRoom room = joanAndEga(seed, true); // every HELLO without a token is answered RETRY
        RecordingClientSink joan = room.sink("joan");
        List<String> said = new ArrayList<>();
        egaSays(room, said, "a1");
        assertThat(room.runUntil(() -> joan.messages.size() == 1, 10 * SECOND)).isTrue();
        byte[] resumeId = room.client("joan").session().resumeTicket().resumeId().clone();

        room.network().partition(JOAN_AT, SERVER);
        room.network().partition(SERVER, JOAN_AT);
        List<Long> joanSent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            egaSays(room, said, "b" + i);
            joanSends(room, joanSent);
            room.runFor(IDLE / 2);
        }
        assertThat(room.server().memberNames()).containsExactly("ega");
        assertThat(room.client("joan").isReconnecting()).isTrue();
        List<byte[]> toServer = new ArrayList<>();
        List<byte[]> toJoan = new ArrayList<>();
        room.network().tap(JOAN_AT, SERVER, toServer);
        room.network().tap(SERVER, JOAN_AT, toJoan);
        room.network().heal(JOAN_AT, SERVER);
        room.network().heal(SERVER, JOAN_AT);
        assertThat(room.runUntil(() -> joan.log.contains("reconnected true")
                && joan.accepted.size() == joanSent.size(), 30 * SECOND)).as(joan.log.toString()).isTrue();
        egaSays(room, said, "c1");
        assertThat(room.runUntil(() -> from(joan, "ega").contains("c1"), 10 * SECOND)).isTrue();
        room.runFor(2 * SECOND);

        List<HandshakePacket.Hello> hellos = new ArrayList<>();
        toServer.forEach(datagram -> {
            if (handshakePacket(datagram) instanceof HandshakePacket.Hello hello) {
                hellos.add(hello);
            }
        });
        assertThat(toJoan).as("the server answered RETRY")
                .anyMatch(datagram -> handshakePacket(datagram) instanceof HandshakePacket.Retry);
        assertThat(hellos).as("a HELLO without a token, then one echoing the RETRY's")
                .anyMatch(hello -> hello.retryToken().length == 0)
                .anyMatch(hello -> hello.retryToken().length > 0);
        assertThat(hellos).as("every HELLO of the resume carries its resume id")
                .allMatch(hello -> java.util.Arrays.equals(hello.resumeId(), resumeId));
        assertThat(joanSent).isNotEmpty();
        assertGaplessAndOnce(room, said, joanSent, "<ega> b3");
        assertThat(indexOfEnding(joan.log, "<ega> c1")).as("live after it")
                .isGreaterThan(joan.log.indexOf("reconnected true"));
    }

    // ------------------------------------------------------------------ partitions of one direction

    /**
     * The server hears joan but joan hears nothing: joan's idle timeout fires first and it comes
     * back while the server still has it in the room (the still-present member is replaced: others
     * see TIMED_OUT, then JOINED). What joan sent while deaf reached the room once.
     */
    @ParameterizedTest
    @ValueSource(longs = {81, 82, 83})
    void aClientThatHearsNothingWhileTheServerHearsItIsReplacedGaplessAndItsSendsLandOnce(long seed) {
        SimulatedRoom room = joanAndEga(seed, false);
        RecordingClientSink joan = room.sink("joan");
        List<String> said = new ArrayList<>();
        egaSays(room, said, "a1");
        assertThat(room.runUntil(() -> joan.messages.size() == 1, 10 * SECOND)).isTrue();

        room.network().partition(SERVER, JOAN_AT); // joan hears nothing; the server still hears joan
        List<Long> joanSent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            egaSays(room, said, "b" + i);
            joanSends(room, joanSent); // reaches the room; its confirmation does not reach joan
            room.runFor(IDLE / 8);
        }
        assertThat(room.runUntil(() -> room.client("joan").isReconnecting(), 2 * IDLE)).isTrue();
        assertThat(room.server().memberNames()).as("the server has not noticed").contains("joan");
        assertThat(from(room.sink("ega"), "joan")).as("joan's sends reached the room").hasSize(joanSent.size());
        joanSends(room, joanSent); // queued while reconnecting
        room.network().heal(SERVER, JOAN_AT);
        long healed = room.now();
        assertThat(room.runUntil(() -> joan.log.contains("reconnected true"), 30 * SECOND)).as(joan.log.toString())
                .isTrue();
        assertThat(room.now() - healed).as("replaced at once, not held after the server's idle timeout")
                .isLessThan(IDLE / 2);
        assertThat(room.runUntil(() -> joan.accepted.size() == joanSent.size(), 10 * SECOND)).isTrue();
        room.runFor(2 * SECOND);

        assertThat(joanSent).hasSize(5);
        assertGaplessAndOnce(room, said, joanSent, "<ega> b3");
    }

    /**
     * Joan hears the server but the server hears nothing from joan: the server times joan out and
     * holds its session without telling it (no CLOSE, which would end joan for good); joan, no longer
     * sent anything, times out in turn, and resumes once its packets get through again. Its sends
     * from the cut land once.
     */
    @ParameterizedTest
    @ValueSource(longs = {91, 92, 93})
    void aClientTheServerCannotHearIsHeldWithoutACloseAndResumesGapless(long seed) {
        SimulatedRoom room = joanAndEga(seed, false);
        RecordingClientSink joan = room.sink("joan");
        List<String> said = new ArrayList<>();
        egaSays(room, said, "a1");
        assertThat(room.runUntil(() -> joan.messages.size() == 1, 10 * SECOND)).isTrue();

        room.network().partition(JOAN_AT, SERVER); // joan still hears the server; the server hears nothing
        List<Long> joanSent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            egaSays(room, said, "b" + i);
            joanSends(room, joanSent);
            room.runFor(IDLE / 8);
        }
        assertThat(room.runUntil(() -> !room.server().memberNames().contains("joan"), 2 * IDLE)).isTrue();
        assertThat(room.server().heldSessions().size()).as("held for joan").isEqualTo(1);
        assertThat(room.client("joan").isReconnecting()).as("not told CLOSE").isFalse();
        egaSays(room, said, "b4"); // after the server let joan go: joan gets it only from the replay
        assertThat(room.runUntil(() -> room.client("joan").isReconnecting(), 2 * IDLE)).as(joan.log.toString())
                .isTrue();
        assertThat(joan.disconnected).isNull();
        joanSends(room, joanSent); // queued while reconnecting
        room.network().heal(JOAN_AT, SERVER);
        assertThat(room.runUntil(() -> joan.log.contains("reconnected true")
                && joan.accepted.size() == joanSent.size(), 30 * SECOND)).as(joan.log.toString()).isTrue();
        room.runFor(2 * SECOND);

        assertThat(joanSent).hasSize(5);
        assertGaplessAndOnce(room, said, joanSent, "<ega> b4");
    }

    // ------------------------------------------------------------------ lastDelivered out of bounds

    /**
     * An authenticated but hostile client proves its session with a {@code lastDelivered} outside
     * its stream: below its join, or after the room's last event. The resume proof is valid (the
     * ticket's position is what the client signs), so only the server's bound keeps the stream
     * sane: history, as a fresh join, and then every live event.
     */
    @ParameterizedTest
    @ValueSource(strings = {"join-1", "join-2", "join-3", "last+1", "last+2", "last+1000", "0", "max"})
    void aResumeProofForAPositionOutsideTheStreamGetsHistoryAndEveryLiveEvent(String position) {
        HostileResume resume = HostileResume.setUp(53);
        long lastDelivered = switch (position) {
            case "min" -> Long.MIN_VALUE;
            case "max" -> Long.MAX_VALUE;
            default -> position.startsWith("join-") ? resume.joinSequence - Long.parseLong(position.substring(5))
                    : position.startsWith("last+") ? resume.last + Long.parseLong(position.substring(5))
                    : Long.parseLong(position);
        };
        RecordingClientSink after = resume.resumeAt(lastDelivered);
        assertThat(after.joinSequence).as("history, as a fresh join: %s", after.log).isGreaterThan(resume.last);
        List<String> history = new ArrayList<>();
        after.history.forEach(message -> history.add(message.text()));
        assertThat(history).containsExactly("x0", "a1");
        assertThat(from(after, "ega")).as("every live event, nothing skipped").containsExactly("c1", "c2");
    }

    /** A negative position is not a PROOF at all: dropped unanswered, it resumes nobody, and the session stays held. */
    @ParameterizedTest
    @ValueSource(longs = {-1, Long.MIN_VALUE})
    void aResumeProofForANegativePositionResumesNobody(long lastDelivered) {
        HostileResume resume = HostileResume.setUp(53);
        SimulatedRoom room = resume.room;
        room.resume("joan", new ResumeTicket(resume.ticket.resumeId().clone(), resume.ticket.resumeKey().clone(),
                lastDelivered), new InetSocketAddress("127.0.0.3", 20_000));
        RecordingClientSink hostile = room.sink("joan");
        assertThat(room.runUntil(() -> hostile.joined() || hostile.connectFailure != null, 20 * SECOND)).isTrue();
        assertThat(hostile.connectFailure).as(hostile.log.toString()).isEqualTo(ClientEventSink.ConnectFailure.TIMED_OUT);
        assertThat(room.server().memberNames()).containsExactly("ega");
        assertThat(room.server().heldSessions().size()).as("still held").isEqualTo(1);

        RecordingClientSink honest = resume.resumeAt(resume.ticket.lastDelivered());
        assertThat(from(honest, "ega")).containsExactly("c1", "c2");
        assertThat(honest.joinSequence).isEqualTo(resume.ticket.lastDelivered());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aResumeProofAtEitherEndOfTheStreamContinuesRightAfterIt(boolean atJoin) {
        HostileResume resume = HostileResume.setUp(53);
        long lastDelivered = atJoin ? resume.joinSequence : resume.last;
        RecordingClientSink after = resume.resumeAt(lastDelivered);
        assertThat(after.joinSequence).as("nothing missed: %s", after.log).isEqualTo(lastDelivered);
        assertThat(after.history).isEmpty();
        assertThat(from(after, "ega")).as("the stream after that position, once").isEqualTo(atJoin
                ? List.of("a1", "c1", "c2") : List.of("c1", "c2"));
        assertThat(after.sequences).isSorted().doesNotHaveDuplicates();
    }

    /** joan joined after ega's x0, heard a1, and timed out; the room's last event is joan's TIMED_OUT. */
    private record HostileResume(SimulatedRoom room, ResumeTicket ticket, long joinSequence, long last) {
        static HostileResume setUp(long seed) {
            SimulatedRoom room = SimulatedRoom.builder(seed).configure(config -> config.withRateLimit(10_000, 10_000)
                    .withResumeWindow(WINDOW).withHistorySize(3)).build();
            assertThat(room.join("ega")).isTrue();
            room.send("ega", "x0");
            room.runFor(SECOND);
            assertThat(room.join("joan")).isTrue();
            long joinSequence = room.sink("joan").joinSequence;
            room.send("ega", "a1");
            assertThat(room.runUntil(() -> room.sink("joan").messages.size() == 1, 10 * SECOND)).isTrue();
            ResumeTicket ticket = room.client("joan").session().resumeTicket();
            room.network().partition(room.address("joan"), SERVER);
            room.network().partition(SERVER, room.address("joan"));
            RecordingClientSink ega = room.sink("ega");
            assertThat(room.runUntil(() -> ega.log.contains("<-- joan TIMED_OUT"), 2 * IDLE)).isTrue();
            room.runFor(SECOND);
            long last = ega.sequences.get(ega.sequences.size() - 1);
            assertThat(last).isEqualTo(joinSequence + 2); // a1, joan's TIMED_OUT
            return new HostileResume(room, ticket, joinSequence, last);
        }

        RecordingClientSink resumeAt(long lastDelivered) {
            room.resume("joan", new ResumeTicket(ticket.resumeId().clone(), ticket.resumeKey().clone(),
                    lastDelivered), new InetSocketAddress("127.0.0.3", 20_000));
            RecordingClientSink after = room.sink("joan");
            assertThat(room.runUntil(after::joined, 10 * SECOND)).as(after.log.toString()).isTrue();
            assertThat(room.server().memberNames()).containsExactlyInAnyOrder("ega", "joan");
            room.send("ega", "c1");
            room.send("ega", "c2");
            assertThat(room.runUntil(() -> from(after, "ega").contains("c2"), 10 * SECOND)).as(after.log.toString())
                    .isTrue();
            room.runFor(SECOND);
            return after;
        }
    }
}
