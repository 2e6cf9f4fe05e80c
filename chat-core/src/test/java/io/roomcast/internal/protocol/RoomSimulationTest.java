package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.HandshakePacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Protocol rules in the deterministic simulator: virtual time, seeded network faults. A failing
 * seed is printed; {@code -Droomcast.seed=N} replays exactly that run.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(120)
class RoomSimulationTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = 15 * SECOND;
    private static final InetSocketAddress SERVER = SimulatedRoom.SERVER;

    /** A room of the library's defaults; these tests are about delivery, so the rate limit is raised out of their way. */
    private static SimulatedRoom room(long seed) {
        return room(seed, ServerConfig.DEFAULT_LOG_CAPACITY);
    }

    private static SimulatedRoom room(long seed, int logCapacity) {
        return SimulatedRoom.builder(seed)
                .configure(config -> config.withLogCapacity(logCapacity).withRateLimit(10_000, 10_000)).build();
    }

    @Test
    void membersJoinAndTalkOnAPerfectNetwork() {
        SimulatedRoom room = room(1);
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        assertThat(room.sink("ega").joinedMembers).containsExactly("joan", "ega");

        room.act(() -> {
            room.client("joan").send("halo");
            room.client("ega").send("hi joan");
        });
        room.runUntil(() -> room.sinks().stream().allMatch(s -> s.messages.size() == 2), SECOND);

        for (RecordingClientSink sink : room.sinks()) {
            assertThat(sink.messages).extracting(RecordingClientSink.Delivered::text).containsExactly("halo", "hi joan");
        }
        assertThat(room.sink("joan").log).contains("--> ega");
        assertThat(room.sink("joan").accepted).containsExactly(1L);
        assertThat(room.serverSink().messages).containsExactly("joan: halo", "ega: hi joan");
    }

    /** Seeds 1..N, N from {@code -Droomcast.simulations} (default 8); more runs find rarer faults. */
    static LongStream seeds() {
        return LongStream.rangeClosed(1, Integer.getInteger("roomcast.simulations", 8));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nothingIsLostDuplicatedOrReorderedOnABadNetwork(long seed) {
        long replay = Long.getLong("roomcast.seed", seed);
        SimulatedRoom room = room(replay);
        room.network().conditions(SimulatedNetwork.Conditions.lossy(0.20, 0.05, 15));
        List<String> names = List.of("joan", "ega", "budi");
        for (String name : names) {
            assertThat(room.join(name)).as("seed %d: %s joins", replay, name).isTrue();
        }
        int perMember = 30;
        for (int i = 0; i < perMember; i++) {
            int round = i;
            // bursts of three, then a little time: many packets, so the faults bite
            room.act(() -> names.forEach(name -> room.client(name).send(name + " " + round)));
            room.runFor(TimeUnit.MILLISECONDS.toNanos(20));
        }

        int total = perMember * names.size();
        boolean done = room.runUntil(() -> room.sinks().stream()
                .allMatch(s -> s.messages.size() >= total && s.accepted.size() == perMember), 120 * SECOND);

        assertThat(done).as("seed %d: everything delivered and confirmed (replay with -Droomcast.seed=%d)",
                replay, replay).isTrue();
        List<RecordingClientSink.Delivered> order = room.sink("joan").messages;
        assertThat(order).as("seed %d", replay).hasSize(total);
        for (String name : names) {
            RecordingClientSink sink = room.sink(name);
            assertThat(sink.messages).as("seed %d: %s sees the room's order", replay, name).isEqualTo(order);
            List<String> own = order.stream().filter(m -> m.sender().equals(name))
                    .map(RecordingClientSink.Delivered::text).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perMember; i++) {
                expected.add(name + " " + i);
            }
            assertThat(own).as("seed %d: %s's messages in sending order", replay, name).isEqualTo(expected);
            assertThat(sink.refused).isEmpty();
        }
        assertThat(room.serverSink().left).isEmpty();
        assertThat(room.network().dropped()).isPositive();
    }

    @Test
    void aSilentMemberTimesOutAfterTheIdleTimeoutAndNotBefore() {
        SimulatedRoom room = room(21);
        room.join("joan");
        room.join("ega");
        room.runFor(2 * SECOND);

        room.network().cutOff(room.address("ega"));
        room.runUntil(() -> !room.serverSink().left.isEmpty(), 2 * IDLE);

        assertThat(room.serverSink().left).hasSize(1);
        RecordingServerSink.Left left = room.serverSink().left.get(0);
        assertThat(left.username()).isEqualTo("ega");
        assertThat(left.reason()).isEqualTo(CloseReason.TIMED_OUT);
        long lastHeard = room.network().lastDeliveryFrom(room.address("ega"));
        assertThat(left.atNanos() - lastHeard).isGreaterThanOrEqualTo(IDLE).isLessThan(IDLE + SECOND);
        room.runFor(SECOND);
        assertThat(room.sink("joan").log).contains("<-- ega TIMED_OUT");
    }

    @Test
    void idleButAliveMembersStayForever() {
        SimulatedRoom room = room(22);
        room.join("joan");
        room.join("ega");

        long firingsBefore = room.network().timerFirings();
        room.runFor(20 * IDLE);

        // keepalives every third of the idle timeout on three engines, and nothing else: no engine spins
        long firings = room.network().timerFirings() - firingsBefore;
        assertThat(firings).isBetween(20L, 20L * 3 * 3 * 2);
        assertThat(room.serverSink().left).isEmpty();
        assertThat(room.sinks()).allSatisfy(sink -> assertThat(sink.disconnected).isNull());
        assertThat(room.server().memberNames()).containsExactly("joan", "ega");
    }

    @Test
    void aClientNoticesThatTheServerFellSilent() {
        SimulatedRoom room = room(23);
        room.join("joan");
        room.network().cutOff(SERVER);

        room.runUntil(() -> room.sink("joan").disconnected != null, 2 * IDLE);

        assertThat(room.sink("joan").disconnected).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(room.client("joan").isFinished()).isTrue();
    }

    @Test
    void aWrongPasswordIsRefusedEvenOnALossyLink() {
        SimulatedRoom room = room(24);
        room.network().conditions(SimulatedNetwork.Conditions.lossy(0.3, 0.1, 10));
        room.add("mallory", "guess");

        room.runUntil(() -> room.sink("mallory").connectFailure != null, 20 * SECOND);

        assertThat(room.sink("mallory").connectFailure).isEqualTo(ClientEventSink.ConnectFailure.BAD_PASSWORD);
        assertThat(room.server().memberNames()).isEmpty();
        assertThat(room.serverSink().joined).isEmpty();
    }

    @Test
    void leavingIsDeliveredOnALossyLink() {
        SimulatedRoom room = room(25);
        room.join("joan");
        room.join("ega");
        room.network().conditions(SimulatedNetwork.Conditions.lossy(0.3, 0.05, 10));

        room.act(() -> room.client("ega").close(room.now()));
        room.runUntil(() -> room.sink("joan").log.contains("<-- ega LEFT")
                && room.sink("ega").disconnected != null, 5 * SECOND);

        assertThat(room.serverSink().left).extracting(RecordingServerSink.Left::reason).containsExactly(CloseReason.LEFT);
        assertThat(room.sink("ega").disconnected).isEqualTo(CloseReason.LEFT);
    }

    @Test
    void messagesSentJustBeforeCloseStillReachTheRoomBeforeTheLeave() {
        SimulatedRoom room = room(28);
        room.join("joan");
        room.join("ega");
        room.network().conditions(SimulatedNetwork.Conditions.lossy(0.3, 0.05, 10));

        room.act(() -> {
            ClientEngine ega = room.client("ega");
            for (int i = 0; i < 5; i++) {
                ega.send("last words " + i);
            }
            ega.close(room.now());
            assertThat(ega.isJoined()).isFalse();
        });
        room.runUntil(() -> room.sink("joan").log.contains("<-- ega LEFT")
                && room.sink("ega").disconnected != null, 10 * SECOND);

        assertThat(room.sink("ega").accepted).hasSize(5);
        assertThat(room.sink("ega").disconnected).isEqualTo(CloseReason.LEFT);
        List<String> joanSaw = room.sink("joan").log;
        assertThat(joanSaw.stream().filter(line -> line.contains("<ega> last words")).toList())
                .hasSize(5).last().asString().endsWith("last words 4");
        assertThat(joanSaw.indexOf("<-- ega LEFT")).isGreaterThan(lastIndexContaining(joanSaw, "last words 4"));
    }

    @Test
    void closeStopsWaitingForConfirmationsAfterTwoSeconds() {
        SimulatedRoom room = room(29);
        room.join("ega");
        InetSocketAddress ega = room.address("ega");
        room.network().partition(ega, SERVER);
        room.network().partition(SERVER, ega);

        long start = room.now();
        room.act(() -> {
            room.client("ega").send("into the void");
            room.client("ega").close(room.now());
        });
        room.runUntil(() -> room.sink("ega").disconnected != null, 10 * SECOND);

        assertThat(room.sink("ega").disconnected).isEqualTo(CloseReason.LEFT);
        assertThat(room.sink("ega").accepted).isEmpty();
        long took = room.now() - start;
        assertThat(took).isBetween(Timing.LEAVE_DRAIN_NANOS, Timing.LEAVE_DRAIN_NANOS + Timing.CLOSE_TIMEOUT_NANOS + SECOND / 10);
    }

    private static int lastIndexContaining(List<String> lines, String part) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aMemberThatStopsReceivingIsRemovedAsTooSlowAndTheRoomGoesOn() {
        SimulatedRoom room = room(27, 64);
        room.join("joan");
        room.join("ega");
        // ega still talks to the server (its keepalives arrive) but hears nothing back
        room.network().partition(SERVER, room.address("ega"));

        for (int i = 0; i < 100; i++) {
            int n = i;
            room.act(() -> room.client("joan").send("message " + n));
            room.runFor(TimeUnit.MILLISECONDS.toNanos(10));
        }
        room.runUntil(() -> room.sink("joan").messages.size() == 100, 10 * SECOND);

        assertThat(room.serverSink().left).extracting(RecordingServerSink.Left::username, RecordingServerSink.Left::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ega", CloseReason.TOO_SLOW));
        assertThat(room.sink("joan").log).contains("<-- ega TOO_SLOW");
        assertThat(room.sink("joan").messages).hasSize(100);
        assertThat(room.server().members()).extracting(c -> c.username).containsExactly("joan");
        assertThat(room.server().room().log().capacity()).isEqualTo(64);
    }

    @Test
    void aMemberOnAFarSlowerLinkIsRemovedAsTooSlow() {
        SimulatedRoom room = room(28, 256);
        room.join("joan");
        room.join("ega");
        // 500 B/s towards ega, with a router queue of at most a second: far slower than the room
        room.network().conditionsFor(SERVER, room.address("ega"),
                SimulatedNetwork.Conditions.perfect().withBandwidth(500, 1_000));

        for (int i = 0; i < 1000; i++) {
            int n = i;
            room.act(() -> room.client("joan").send("a fairly chatty message number " + n));
            room.runFor(TimeUnit.MILLISECONDS.toNanos(2));
        }
        room.runUntil(() -> !room.serverSink().left.isEmpty(), 30 * SECOND);

        assertThat(room.serverSink().left).extracting(RecordingServerSink.Left::username, RecordingServerSink.Left::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ega", CloseReason.TOO_SLOW));
        room.runUntil(() -> room.sink("joan").messages.size() == 1000, 30 * SECOND);
        assertThat(room.sink("joan").messages).hasSize(1000); // the room went on at its own pace
    }

    @Test
    void underLoadEventsShareDatagrams() {
        SimulatedRoom room = room(29);
        room.join("joan");
        room.join("ega");
        InetSocketAddress ega = room.address("ega");
        long before = room.network().datagramsSent(SERVER, ega);

        room.act(() -> {
            for (int i = 0; i < 200; i++) {
                room.client("joan").send("burst " + i);
            }
        });
        room.runUntil(() -> room.sink("ega").messages.size() == 200, 10 * SECOND);

        long datagrams = room.network().datagramsSent(SERVER, ega) - before;
        assertThat(room.sink("ega").messages).hasSize(200);
        assertThat(datagrams).as("datagrams for 200 messages").isLessThan(200 / 5);
    }

    @Test
    void largeMessagesAreFragmentedAndArriveIntact() {
        SimulatedRoom room = room(30);
        room.network().conditions(SimulatedNetwork.Conditions.lossy(0.2, 0.05, 15));
        room.join("joan");
        room.join("ega");
        String large = "Grüße 😀 — 日本語 ".repeat(16 * 1024 / 30).substring(0, 5000);
        assertThat(large.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isBetween(8_000, 16 * 1024);

        room.act(() -> {
            room.client("joan").send(large);
            room.client("joan").send("after");
        });
        room.runUntil(() -> room.sink("ega").messages.size() == 2
                && room.sink("joan").accepted.size() == 2, 30 * SECOND);

        assertThat(room.sink("ega").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactly(large, "after");
        assertThat(room.serverSink().messages).containsExactly("joan: " + large, "joan: after");
    }

    @Test
    void aMessageOverTheLimitIsRefusedWithAnError() {
        SimulatedRoom room = room(31);
        room.join("joan");
        // a client that ignores the limit it was told (the public API refuses such a send at once)
        room.act(() -> {
            room.client("joan").send("x".repeat(16 * 1024 + 1));
            room.client("joan").send("fine");
        });
        room.runUntil(() -> room.sink("joan").accepted.size() == 1, 10 * SECOND);

        assertThat(room.sink("joan").refused).containsExactly(1L);
        assertThat(room.sink("joan").accepted).containsExactly(2L);
        assertThat(room.serverSink().messages).containsExactly("joan: fine");
    }

    @Test
    void aOneWayPartitionShorterThanTheIdleTimeoutLosesNothing() {
        SimulatedRoom room = room(32);
        room.join("joan");
        room.join("ega");
        InetSocketAddress ega = room.address("ega");
        room.network().partition(SERVER, ega);
        room.act(() -> {
            for (int i = 0; i < 20; i++) {
                room.client("joan").send("during " + i);
            }
        });
        room.runFor(8 * SECOND);
        room.network().heal(SERVER, ega);

        room.runUntil(() -> room.sink("ega").messages.size() == 20, 20 * SECOND);

        assertThat(room.sink("ega").messages).hasSize(20);
        assertThat(room.serverSink().left).isEmpty();
    }

    @Test
    void aFloodingMemberIsRateLimitedWhileOthersStillTalk() {
        SimulatedRoom room = room(33);
        ServerConfig limited = ServerConfig.of("lobby", SrpGroup.RFC5054_2048_SHA256,
                SrpVerifier.create(SrpGroup.RFC5054_2048_SHA256, "lobby", "secret", room.network().newRandom()), IDLE,
                16 * 1024, 64).withRateLimit(20, 40);
        ServerEngine server = room.replaceServer(limited, Offload.INLINE);
        room.join("joan");
        room.join("flood");

        room.act(() -> {
            for (int i = 0; i < 100; i++) {
                room.client("flood").send("spam " + i);
            }
            room.client("joan").send("still here");
        });
        room.runUntil(() -> room.sink("flood").accepted.size() + room.sink("flood").refused.size() == 100
                && room.sink("joan").accepted.size() == 1, 20 * SECOND);

        assertThat(room.sink("flood").accepted).hasSize(40); // the burst
        assertThat(room.sink("flood").refused).hasSize(60);
        assertThat(room.sink("joan").accepted).hasSize(1);
        assertThat(room.sink("joan").messages).extracting(RecordingClientSink.Delivered::text)
                .contains("still here");
        assertThat(server.stats().rateLimited).isEqualTo(60);
    }

    @Test
    void wrongPasswordsFromOneAddressAreThrottledWhileAnotherAddressJoins() {
        SimulatedRoom room = room(34);
        for (int i = 0; i < 5; i++) {
            InetSocketAddress sameIp = new InetSocketAddress("127.0.0.9", 20_000 + i);
            room.add(room.clientConfig("mallory" + i, "guess" + i), sameIp);
            RecordingClientSink sink = room.sink("mallory" + i);
            room.runUntil(() -> sink.connectFailure != null, 10 * SECOND);
            assertThat(sink.connectFailure).isEqualTo(ClientEventSink.ConnectFailure.BAD_PASSWORD);
        }
        room.add(room.clientConfig("mallory", "secret"), new InetSocketAddress("127.0.0.9", 20_100));
        RecordingClientSink sixth = room.sink("mallory");
        room.runUntil(() -> sixth.connectFailure != null || sixth.joined(), 10 * SECOND);

        assertThat(sixth.connectFailure).as("refused before any SRP work").isEqualTo(ClientEventSink.ConnectFailure.REFUSED);
        assertThat(sixth.log).anySatisfy(line -> assertThat(line).contains("too many wrong passwords"));
        assertThat(room.join("joan")).as("another address is unaffected").isTrue();
        assertThat(room.server().stats().throttled).isEqualTo(1);
    }

    @Test
    void underLoadAJoinFirstEchoesARetryTokenAndTheServerDoesNoWorkBefore() {
        SimulatedRoom room = room(35);
        ServerConfig busy = ServerConfig.of("lobby", SrpGroup.RFC5054_2048_SHA256,
                SrpVerifier.create(SrpGroup.RFC5054_2048_SHA256, "lobby", "secret", room.network().newRandom()), IDLE,
                16 * 1024, 64).withRetryThreshold(0);
        ServerEngine server = room.replaceServer(busy, room.network().slowOffload(TimeUnit.MILLISECONDS.toNanos(5)));
        room.network().conditions(SimulatedNetwork.Conditions.lossy(0.2, 0.2, 10));

        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();

        assertThat(server.stats().retries).isGreaterThanOrEqualTo(2);
        assertThat(server.memberNames()).containsExactly("joan", "ega");
    }

    @Test
    void answersToUnvalidatedAddressesNeverExceedThreeTimesWhatTheySent() {
        SimulatedRoom room = room(36);
        InetSocketAddress prober = new InetSocketAddress("127.0.0.7", 7777);
        RawPeer recorder = new RawPeer();
        room.network().attach(prober, recorder);
        // a HELLO in an unknown version, cut to the header and nonce, asks for a VERSION_MISMATCH
        byte[] probe = new byte[HandshakePacket.VERSION_INDEPENDENT_HELLO_PREFIX_BYTES];
        System.arraycopy(new byte[] {(byte) 0xC0, 'R', 'C', 9, 1}, 0, probe, 0, 5);
        room.act(() -> recorder.send(SimulatedRoom.SERVER, probe));
        room.runFor(SECOND);

        assertThat(room.server().stats().versionMismatches).isEqualTo(1);
        assertThat(recorder.received(HandshakePacket.VersionMismatch.class))
                .as("the VERSION_MISMATCH, echoing the nonce").singleElement()
                .satisfies(mismatch -> assertThat(mismatch.clientNonce()).containsOnly(0));
        long answered = recorder.received.stream().mapToLong(a -> a.length).sum();
        assertThat(answered).isLessThanOrEqualTo(3L * probe.length);
    }

    @Test
    void aMemberWhoseAddressChangesKeepsItsSessionAfterThePathIsValidated() {
        SimulatedRoom room = room(37);
        room.join("joan");
        room.join("ega");
        InetSocketAddress before = room.address("ega");
        InetSocketAddress after = new InetSocketAddress("127.0.0.3", 5555);

        room.network().rebind(before, after); // NAT rebinding: same client, new address
        room.act(() -> {
            room.client("ega").send("from my new address");
            room.client("joan").send("welcome back");
        });
        room.runUntil(() -> room.sink("ega").messages.size() == 2
                && room.sink("joan").messages.size() == 2, 10 * SECOND);

        assertThat(room.sink("ega").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactlyInAnyOrder("from my new address", "welcome back");
        assertThat(room.sink("joan").messages).isEqualTo(room.sink("ega").messages);
        assertThat(room.server().members()).filteredOn(c -> c.username.equals("ega"))
                .singleElement().satisfies(c -> assertThat(c.address).isEqualTo(after));
        assertThat(room.server().stats().migrations).isEqualTo(1);
        assertThat(room.serverSink().left).isEmpty();
    }

    @Test
    void aReplayedOrForgedPacketFromAnotherAddressNeitherMovesNorHurtsTheSession() {
        SimulatedRoom room = room(38);
        room.join("joan");
        room.join("ega");
        InetSocketAddress ega = room.address("ega");
        List<byte[]> captured = new ArrayList<>();
        room.network().tap(ega, SERVER, captured);
        room.act(() -> room.client("ega").send("original"));
        room.runUntil(() -> room.sink("joan").messages.size() == 1, 5 * SECOND);
        room.runFor(SECOND); // every captured packet has arrived: copies of them are replays
        List<byte[]> replays = List.copyOf(captured);
        InetSocketAddress attacker = new InetSocketAddress("127.0.0.66", 6666);

        for (byte[] packet : replays) {
            room.act(() -> room.server().handleDatagram(room.now(), java.nio.ByteBuffer.wrap(packet),
                    attacker));
            byte[] flipped = packet.clone();
            flipped[flipped.length - 3] ^= 0x01;
            room.act(() -> room.server().handleDatagram(room.now(), java.nio.ByteBuffer.wrap(flipped),
                    ega));
        }
        room.runFor(2 * SECOND);

        assertThat(room.server().stats().duplicatePackets).isGreaterThanOrEqualTo(replays.size());
        assertThat(room.server().stats().unauthenticated).isEqualTo(replays.size());
        assertThat(room.server().stats().pathChallenges).isZero();
        assertThat(room.server().members()).filteredOn(c -> c.username.equals("ega"))
                .singleElement().satisfies(c -> assertThat(c.address).isEqualTo(ega));
        assertThat(room.sink("joan").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactly("original");
        assertThat(room.serverSink().left).isEmpty();
    }

    @Test
    void aFreshPacketRacedFromAnotherAddressCannotStealTheSession() {
        SimulatedRoom room = room(39);
        room.join("joan");
        room.join("ega");
        InetSocketAddress ega = room.address("ega");
        InetSocketAddress attacker = new InetSocketAddress("127.0.0.66", 6666);
        // an on-path attacker copies ega's next packet and gets its copy to the server first
        room.network().partition(ega, SERVER);
        List<byte[]> captured = new ArrayList<>();
        room.network().tap(ega, SERVER, captured);
        room.act(() -> room.client("ega").send("mine"));
        room.network().heal(ega, SERVER);
        room.act(() -> room.server().handleDatagram(room.now(), java.nio.ByteBuffer.wrap(captured.get(0)),
                attacker));

        room.runUntil(() -> room.sink("joan").messages.size() == 1, 10 * SECOND);
        room.runFor(5 * SECOND);

        assertThat(room.server().stats().pathChallenges).isEqualTo(1); // the attacker's address was challenged...
        assertThat(room.server().stats().migrations).isZero(); // ...and could not answer
        assertThat(room.server().members()).filteredOn(c -> c.username.equals("ega"))
                .singleElement().satisfies(c -> assertThat(c.address).isEqualTo(ega));
        assertThat(room.sink("joan").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactly("mine");
        assertThat(room.sink("ega").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactly("mine");
    }

    @Test
    void aConnectWithNoServerTimesOut() {
        SimulatedRoom room = room(26);
        room.network().cutOff(SERVER);
        room.add("joan", "secret");
        long start = room.now();

        room.runUntil(() -> room.sink("joan").connectFailure != null, 60 * SECOND);

        assertThat(room.sink("joan").connectFailure).isEqualTo(ClientEventSink.ConnectFailure.TIMED_OUT);
        assertThat(room.now() - start).isEqualTo(10 * SECOND);
    }
}
