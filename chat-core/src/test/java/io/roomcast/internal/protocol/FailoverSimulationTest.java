package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client given several servers (issue #13's failover), in the deterministic simulator: it joins
 * through the first address that admits it, sharing the connect timeout; after an outage each
 * resume attempt goes to the next address, round robin, from the one after the address it lost.
 * The room is {@link SimulatedRoom}'s server; {@link StandInServer}s play servers that are down or
 * say the room is unavailable; a second {@link ServerEngine} plays a server of another room (there
 * is no cluster here), which does not know the session. A failing seed is printed,
 * {@code -Droomcast.seed=N} replays it.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(120)
class FailoverSimulationTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = SimulatedRoom.DEFAULT_IDLE_TIMEOUT_NANOS;
    private static final long CONNECT = SimulatedRoom.DEFAULT_CONNECT_TIMEOUT_NANOS;
    private static final InetSocketAddress ROOM = SimulatedRoom.SERVER;
    private static final InetSocketAddress DOWN = new InetSocketAddress("127.0.0.1", 9001);
    private static final InetSocketAddress UNAVAILABLE = new InetSocketAddress("127.0.0.1", 9002);
    private static final InetSocketAddress OTHER_ROOM = new InetSocketAddress("127.0.0.1", 9003);
    private static final InetSocketAddress JOAN_AT = new InetSocketAddress("127.0.0.2", 20_000);

    private static SimulatedRoom room(long seed) {
        return SimulatedRoom.builder(seed).configure(config -> config.withResumeWindow(60 * SECOND)).build();
    }

    private static ClientEngine joan(SimulatedRoom room, List<InetSocketAddress> servers, long reconnectNanos) {
        return room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withServers(servers)
                .withReconnect(reconnectNanos), JOAN_AT);
    }

    /** A server of another room with the same name and password, at {@link #OTHER_ROOM}. */
    private static ServerEngine otherRoom(SimulatedRoom room) {
        SimulatedNetwork network = room.network();
        SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
        SrpVerifier verifier = SrpVerifier.create(group, SimulatedRoom.DEFAULT_ROOM_NAME,
                SimulatedRoom.DEFAULT_PASSWORD, network.newRandom());
        ServerConfig config = ServerConfig.of(SimulatedRoom.DEFAULT_ROOM_NAME, group, verifier, IDLE, 16 * 1024, 64)
                .withResumeWindow(60 * SECOND).withHistorySize(10);
        ServerEngine other = new ServerEngine(config, new RecordingServerSink(network), network.newRandom(),
                network::wallClockMillis, Offload.INLINE);
        network.attach(OTHER_ROOM, other);
        return other;
    }

    private static void silence(SimulatedRoom room, InetSocketAddress server) {
        room.network().partition(server, JOAN_AT);
        room.network().partition(JOAN_AT, server);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aFirstAddressThatNeverAnswersGetsItsShareOfTheConnectTimeoutThenTheSecondAdmits(long seed) {
        SimulatedRoom room = room(seed);
        room.network().attach(DOWN, StandInServer.silent());
        long start = room.now();
        ClientEngine joan = joan(room, List.of(DOWN, ROOM), 0);
        RecordingClientSink sink = room.sink("joan");

        assertThat(room.runUntil(sink::joined, 2 * CONNECT)).as(sink.log.toString()).isTrue();

        assertThat(room.network().datagramsSent(JOAN_AT, DOWN)).as("HELLOs to the first").isPositive();
        assertThat(room.now() - start).as("half the connect timeout, then the second")
                .isBetween(CONNECT / 2, CONNECT / 2 + 2 * SECOND);
        assertThat(joan.server()).isEqualTo(ROOM);
        assertThat(room.server().memberNames()).containsExactly("joan");
        assertThat(sink.log).noneMatch(line -> line.startsWith("connect failed"));
    }

    @Test
    void aFirstAddressWhereTheRoomIsUnavailableSendsTheClientToTheNextAtOnce() {
        SimulatedRoom room = room(11);
        StandInServer unavailable = StandInServer.unavailable();
        room.network().attach(UNAVAILABLE, unavailable);
        long start = room.now();
        ClientEngine joan = joan(room, List.of(UNAVAILABLE, ROOM), 0);
        RecordingClientSink sink = room.sink("joan");

        assertThat(room.runUntil(sink::joined, CONNECT)).as(sink.log.toString()).isTrue();

        assertThat(unavailable.hellos).hasSize(1);
        assertThat(room.now() - start).as("no waiting for the first's share").isLessThan(SECOND);
        assertThat(joan.server()).isEqualTo(ROOM);
    }

    @Test
    void whenNoAddressAdmitsTheClientTheFailureSaysUnavailableAndNamesEach() {
        SimulatedRoom room = room(12);
        room.network().attach(DOWN, StandInServer.silent());
        room.network().attach(UNAVAILABLE, StandInServer.unavailable());
        joan(room, List.of(UNAVAILABLE, DOWN), 0);
        RecordingClientSink sink = room.sink("joan");

        assertThat(room.runUntil(() -> sink.connectFailure != null, 2 * CONNECT)).isTrue();

        assertThat(sink.connectFailure).isEqualTo(ClientEventSink.ConnectFailure.ROOM_UNAVAILABLE);
        assertThat(sink.log).singleElement().asString()
                .contains("no server admitted the client: ")
                .contains(UNAVAILABLE + ": " + StandInServer.DETAIL)
                .contains(DOWN + ": no answer from " + DOWN);
    }

    @Test
    void aRefusalThatIsTheRoomsAnswerEndsTheJoinWithoutTryingTheNextAddress() {
        SimulatedRoom room = room(13);
        room.network().attach(UNAVAILABLE, StandInServer.unavailable());
        room.add(room.clientConfig("joan", "wrong").withServers(List.of(ROOM, UNAVAILABLE)), JOAN_AT);
        RecordingClientSink sink = room.sink("joan");

        assertThat(room.runUntil(() -> sink.connectFailure != null, 2 * CONNECT)).isTrue();

        assertThat(sink.connectFailure).isEqualTo(ClientEventSink.ConnectFailure.BAD_PASSWORD);
        assertThat(room.network().datagramsSent(JOAN_AT, UNAVAILABLE)).isZero();
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void aClientWhoseServerFallsSilentComesBackThroughTheNextAddressEvenIfItDoesNotKnowTheSession(long seed) {
        SimulatedRoom room = room(seed);
        ServerEngine other = otherRoom(room);
        RecordingClientSink ega = new RecordingClientSink();
        ClientEngine egaEngine = new ClientEngine(new ClientConfig(OTHER_ROOM, "ega", SimulatedRoom.DEFAULT_PASSWORD,
                SrpGroup.RFC5054_2048_SHA256, CONNECT, IDLE), ega, room.network().newRandom());
        room.network().attach(new InetSocketAddress("127.0.0.3", 20_000), egaEngine);
        room.act(() -> egaEngine.start(room.now()));
        assertThat(room.runUntil(ega::joined, 20 * SECOND)).isTrue();
        room.act(() -> egaEngine.send("ega's word")); // the other room's history, for joan
        assertThat(room.runUntil(() -> ega.accepted.size() == 1, 10 * SECOND)).isTrue();
        ClientEngine joan = joan(room, List.of(ROOM, OTHER_ROOM), 60 * SECOND);
        RecordingClientSink sink = room.sink("joan");
        assertThat(room.runUntil(sink::joined, 20 * SECOND)).isTrue();
        long said = room.send("joan", "first");
        assertThat(room.runUntil(() -> sink.accepted.contains(said), 10 * SECOND)).isTrue();

        silence(room, ROOM);
        assertThat(room.runUntil(() -> sink.log.contains("reconnecting TIMED_OUT"), 2 * IDLE)).isTrue();
        long during = room.send("joan", "while away"); // queued; the other room never had it
        assertThat(room.runUntil(() -> sink.log.contains("reconnected false"), 30 * SECOND))
                .as(sink.log.toString()).isTrue();

        assertThat(joan.server()).isEqualTo(OTHER_ROOM);
        assertThat(joan.isJoined()).isTrue();
        assertThat(sink.log).containsSubsequence("reconnecting TIMED_OUT", "lost " + during, "history 1",
                "reconnected false");
        assertThat(sink.lost).containsExactly(during);
        assertThat(sink.history).extracting(RecordingClientSink.Delivered::text).containsExactly("ega's word");
        assertThat(sink.disconnected).isNull();
        assertThat(joan.members()).containsExactly("ega", "joan");
        assertThat(other.memberNames()).containsExactly("ega", "joan");
        long after = room.send("joan", "hello other room");
        assertThat(room.runUntil(() -> sink.accepted.contains(after), 10 * SECOND)).as(sink.log.toString()).isTrue();
        assertThat(after).as("the new member's message ids start again").isEqualTo(1);
        assertThat(room.runUntil(() -> ega.messages.stream().anyMatch(m -> m.text().equals("hello other room")),
                10 * SECOND)).isTrue();
    }

    @Test
    void theSessionsOwnServerAdmittingTheClientAfreshStillEndsIt() {
        SimulatedRoom room = SimulatedRoom.builder(41).build(); // no resume window: the session is not held
        StandInServer down = StandInServer.silent();
        room.network().attach(DOWN, down);
        ClientEngine joan = joan(room, List.of(ROOM, DOWN), 60 * SECOND);
        RecordingClientSink sink = room.sink("joan");
        assertThat(room.runUntil(sink::joined, 20 * SECOND)).isTrue();

        silence(room, ROOM);
        assertThat(room.runUntil(() -> sink.log.contains("reconnecting TIMED_OUT"), 2 * IDLE)).isTrue();
        room.network().heal(ROOM, JOAN_AT);
        room.network().heal(JOAN_AT, ROOM);
        assertThat(room.runUntil(() -> sink.disconnected != null, 60 * SECOND)).as(sink.log.toString()).isTrue();

        assertThat(down.hellos).as("the address after the lost one first").isNotEmpty();
        assertThat(sink.disconnected).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(sink.log).doesNotContain("reconnected false");
        assertThat(joan.server()).isEqualTo(ROOM);
        assertThat(room.runUntil(() -> room.server().memberNames().isEmpty(), 10 * SECOND)).isTrue();
    }

    @Test
    void resumeAttemptsGoRoundTheAddressesFromTheOneAfterTheLostOne() {
        SimulatedRoom room = room(21);
        StandInServer unavailable = StandInServer.unavailable();
        StandInServer down = StandInServer.silent();
        room.network().attach(UNAVAILABLE, unavailable);
        room.network().attach(DOWN, down);
        // joins through the last (the first two fail), so the one after it is the first again
        ClientEngine joan = joan(room, List.of(UNAVAILABLE, DOWN, ROOM), 60 * SECOND);
        RecordingClientSink sink = room.sink("joan");
        assertThat(room.runUntil(sink::joined, 2 * CONNECT)).as(sink.log.toString()).isTrue();
        assertThat(joan.server()).isEqualTo(ROOM);
        int unavailableJoins = unavailable.hellos.size();
        int downJoins = down.hellos.size();

        silence(room, ROOM);
        assertThat(room.runUntil(() -> sink.log.contains("reconnecting TIMED_OUT"), 2 * IDLE)).isTrue();
        long sentToRoom = room.network().datagramsSent(JOAN_AT, ROOM);
        assertThat(room.runUntil(() -> down.hellos.size() > downJoins, 30 * SECOND)).isTrue();
        assertThat(unavailable.hellos).as("the one after the lost one came first").hasSize(unavailableJoins + 1);
        assertThat(room.network().datagramsSent(JOAN_AT, ROOM)).isEqualTo(sentToRoom);
        assertThat(room.runUntil(() -> room.network().datagramsSent(JOAN_AT, ROOM) > sentToRoom, 30 * SECOND))
                .isTrue();
        assertThat(unavailable.hellos).hasSize(unavailableJoins + 1);
        assertThat(down.hellos.subList(downJoins, down.hellos.size())).allMatch(StandInServer.Hello::resuming);
        long downAttemptStart = down.hellos.get(downJoins).atNanos();
        long unavailableAttempt = unavailable.hellos.get(unavailableJoins).atNanos();
        assertThat(downAttemptStart - unavailableAttempt).as("the existing backoff after a refusal")
                .isBetween(Reconnection.FIRST_BACKOFF_NANOS / 2, Reconnection.FIRST_BACKOFF_NANOS + SECOND / 10);

        room.network().heal(ROOM, JOAN_AT);
        room.network().heal(JOAN_AT, ROOM);
        assertThat(room.runUntil(() -> sink.log.contains("reconnected true"), 60 * SECOND)).as(sink.log.toString())
                .isTrue();
        assertThat(joan.server()).isEqualTo(ROOM);
    }

    @Test
    void aSendRefusedBecauseTheRoomIsUnavailableIsReportedWithThatCode() {
        SimulatedRoom room = room(31);
        assertThat(room.join("joan")).isTrue();
        RecordingClientSink sink = room.sink("joan");
        room.network().partition(room.address("joan"), ROOM); // the SEND never reaches the room
        long id = room.send("joan", "nobody hears this");
        // what a server in a minority partition will do (the server side is not written yet)
        room.act(() -> room.server().members().iterator().next().incoming.refuse(id, ErrorCode.ROOM_UNAVAILABLE,
                StandInServer.DETAIL));

        assertThat(room.runUntil(() -> !sink.refused.isEmpty(), IDLE / 2)).as(sink.log.toString()).isTrue();

        assertThat(sink.refused).containsExactly(id);
        assertThat(sink.refusedWith).containsExactly(ErrorCode.ROOM_UNAVAILABLE);
        assertThat(sink.refusedDetails).containsExactly(StandInServer.DETAIL);
        assertThat(sink.accepted).isEmpty();
    }
}
