package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;
import io.roomcast.internal.wire.CloseReason;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Protocol rules in the deterministic simulator: virtual time, seeded network faults. A failing
 * seed is printed; {@code -Droomcast.seed=N} replays exactly that run.
 */
@Timeout(120)
class RoomSimulationTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = 15 * SECOND;
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 9000);

    /** One simulated room: a server engine and client engines on one network. */
    private static final class Room {
        final SimulatedNetwork network;
        final ServerEngine server;
        final RecordingServerSink serverSink;
        final Map<String, ClientEngine> clients = new LinkedHashMap<>();
        final Map<String, RecordingClientSink> sinks = new LinkedHashMap<>();
        final Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();

        Room(long seed, String password) {
            this(seed, password, ServerConfig.DEFAULT_LOG_CAPACITY);
        }

        Room(long seed, String password, int logCapacity) {
            network = new SimulatedNetwork(seed);
            serverSink = new RecordingServerSink(network);
            SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
            // these tests are about delivery: the rate limit is raised out of their way
            ServerConfig config = ServerConfig.of("lobby", group,
                    SrpVerifier.create(group, "lobby", password, network.newRandom()), IDLE, 16 * 1024, 64)
                    .withLogCapacity(logCapacity).withRateLimit(10_000, 10_000);
            server = new ServerEngine(config, serverSink, network.newRandom(), network::wallClockMillis);
            network.attach(SERVER, server);
        }

        ClientEngine add(String username, String password) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.2", 10_000 + clients.size());
            RecordingClientSink sink = new RecordingClientSink();
            ClientEngine client = new ClientEngine(new ClientConfig(SERVER, username, password,
                    SrpGroup.RFC5054_2048_SHA256, 10 * SECOND, IDLE), sink, network.newRandom());
            clients.put(username, client);
            sinks.put(username, sink);
            addresses.put(username, address);
            network.attach(address, client);
            network.act(() -> client.start(network.now()));
            return client;
        }

        boolean join(String username) {
            add(username, "secret");
            return network.runUntil(() -> sinks.get(username).joined() || sinks.get(username).connectFailure != null,
                    20 * SECOND) && sinks.get(username).joined();
        }
    }

    @Test
    void membersJoinAndTalkOnAPerfectNetwork() {
        Room room = new Room(1, "secret");
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        assertThat(room.sinks.get("ega").joinedMembers).containsExactly("joan", "ega");

        room.network.act(() -> {
            room.clients.get("joan").send("halo");
            room.clients.get("ega").send("hi joan");
        });
        room.network.runUntil(() -> room.sinks.values().stream().allMatch(s -> s.messages.size() == 2), SECOND);

        for (RecordingClientSink sink : room.sinks.values()) {
            assertThat(sink.messages).extracting(RecordingClientSink.Delivered::text).containsExactly("halo", "hi joan");
        }
        assertThat(room.sinks.get("joan").log).contains("--> ega");
        assertThat(room.sinks.get("joan").accepted).containsExactly(1L);
        assertThat(room.serverSink.messages).containsExactly("joan: halo", "ega: hi joan");
    }

    /** Seeds 1..N, N from {@code -Droomcast.simulations} (default 8); more runs find rarer faults. */
    static LongStream seeds() {
        return LongStream.rangeClosed(1, Integer.getInteger("roomcast.simulations", 8));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nothingIsLostDuplicatedOrReorderedOnABadNetwork(long seed) {
        long replay = Long.getLong("roomcast.seed", seed);
        Room room = new Room(replay, "secret");
        room.network.conditions(SimulatedNetwork.Conditions.lossy(0.20, 0.05, 15));
        List<String> names = List.of("joan", "ega", "budi");
        for (String name : names) {
            assertThat(room.join(name)).as("seed %d: %s joins", replay, name).isTrue();
        }
        int perMember = 30;
        for (int i = 0; i < perMember; i++) {
            int round = i;
            // bursts of three, then a little time: many packets, so the faults bite
            room.network.act(() -> names.forEach(name -> room.clients.get(name).send(name + " " + round)));
            room.network.runFor(TimeUnit.MILLISECONDS.toNanos(20));
        }

        int total = perMember * names.size();
        boolean done = room.network.runUntil(() -> room.sinks.values().stream()
                .allMatch(s -> s.messages.size() >= total && s.accepted.size() == perMember), 120 * SECOND);

        assertThat(done).as("seed %d: everything delivered and confirmed (replay with -Droomcast.seed=%d)",
                replay, replay).isTrue();
        List<RecordingClientSink.Delivered> order = room.sinks.get("joan").messages;
        assertThat(order).as("seed %d", replay).hasSize(total);
        for (String name : names) {
            RecordingClientSink sink = room.sinks.get(name);
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
        assertThat(room.serverSink.left).isEmpty();
        assertThat(room.network.dropped()).isPositive();
    }

    @Test
    void aSilentMemberTimesOutAfterTheIdleTimeoutAndNotBefore() {
        Room room = new Room(21, "secret");
        room.join("joan");
        room.join("ega");
        room.network.runFor(2 * SECOND);

        room.network.cutOff(room.addresses.get("ega"));
        room.network.runUntil(() -> !room.serverSink.left.isEmpty(), 2 * IDLE);

        assertThat(room.serverSink.left).hasSize(1);
        RecordingServerSink.Left left = room.serverSink.left.get(0);
        assertThat(left.username()).isEqualTo("ega");
        assertThat(left.reason()).isEqualTo(CloseReason.TIMED_OUT);
        long lastHeard = room.network.lastDeliveryFrom(room.addresses.get("ega"));
        assertThat(left.atNanos() - lastHeard).isGreaterThanOrEqualTo(IDLE).isLessThan(IDLE + SECOND);
        room.network.runFor(SECOND);
        assertThat(room.sinks.get("joan").log).contains("<-- ega TIMED_OUT");
    }

    @Test
    void idleButAliveMembersStayForever() {
        Room room = new Room(22, "secret");
        room.join("joan");
        room.join("ega");

        long firingsBefore = room.network.timerFirings();
        room.network.runFor(20 * IDLE);

        // keepalives every third of the idle timeout on three engines, and nothing else: no engine spins
        long firings = room.network.timerFirings() - firingsBefore;
        assertThat(firings).isBetween(20L, 20L * 3 * 3 * 2);
        assertThat(room.serverSink.left).isEmpty();
        assertThat(room.sinks.values()).allSatisfy(sink -> assertThat(sink.disconnected).isNull());
        assertThat(room.server.memberNames()).containsExactly("joan", "ega");
    }

    @Test
    void aClientNoticesThatTheServerFellSilent() {
        Room room = new Room(23, "secret");
        room.join("joan");
        room.network.cutOff(SERVER);

        room.network.runUntil(() -> room.sinks.get("joan").disconnected != null, 2 * IDLE);

        assertThat(room.sinks.get("joan").disconnected).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(room.clients.get("joan").isFinished()).isTrue();
    }

    @Test
    void aWrongPasswordIsRefusedEvenOnALossyLink() {
        Room room = new Room(24, "secret");
        room.network.conditions(SimulatedNetwork.Conditions.lossy(0.3, 0.1, 10));
        room.add("mallory", "guess");

        room.network.runUntil(() -> room.sinks.get("mallory").connectFailure != null, 20 * SECOND);

        assertThat(room.sinks.get("mallory").connectFailure).isEqualTo(ClientEventSink.ConnectFailure.BAD_PASSWORD);
        assertThat(room.server.memberNames()).isEmpty();
        assertThat(room.serverSink.joined).isEmpty();
    }

    @Test
    void leavingIsDeliveredOnALossyLink() {
        Room room = new Room(25, "secret");
        room.join("joan");
        room.join("ega");
        room.network.conditions(SimulatedNetwork.Conditions.lossy(0.3, 0.05, 10));

        room.network.act(() -> room.clients.get("ega").close(room.network.now()));
        room.network.runUntil(() -> room.sinks.get("joan").log.contains("<-- ega LEFT")
                && room.sinks.get("ega").disconnected != null, 5 * SECOND);

        assertThat(room.serverSink.left).extracting(RecordingServerSink.Left::reason).containsExactly(CloseReason.LEFT);
        assertThat(room.sinks.get("ega").disconnected).isEqualTo(CloseReason.LEFT);
    }

    @Test
    void messagesSentJustBeforeCloseStillReachTheRoomBeforeTheLeave() {
        Room room = new Room(28, "secret");
        room.join("joan");
        room.join("ega");
        room.network.conditions(SimulatedNetwork.Conditions.lossy(0.3, 0.05, 10));

        room.network.act(() -> {
            ClientEngine ega = room.clients.get("ega");
            for (int i = 0; i < 5; i++) {
                ega.send("last words " + i);
            }
            ega.close(room.network.now());
            assertThat(ega.isJoined()).isFalse();
        });
        room.network.runUntil(() -> room.sinks.get("joan").log.contains("<-- ega LEFT")
                && room.sinks.get("ega").disconnected != null, 10 * SECOND);

        assertThat(room.sinks.get("ega").accepted).hasSize(5);
        assertThat(room.sinks.get("ega").disconnected).isEqualTo(CloseReason.LEFT);
        List<String> joanSaw = room.sinks.get("joan").log;
        assertThat(joanSaw.stream().filter(line -> line.contains("<ega> last words")).toList())
                .hasSize(5).last().asString().endsWith("last words 4");
        assertThat(joanSaw.indexOf("<-- ega LEFT")).isGreaterThan(lastIndexContaining(joanSaw, "last words 4"));
    }

    @Test
    void closeStopsWaitingForConfirmationsAfterTwoSeconds() {
        Room room = new Room(29, "secret");
        room.join("ega");
        InetSocketAddress ega = room.addresses.get("ega");
        room.network.partition(ega, SERVER);
        room.network.partition(SERVER, ega);

        long start = room.network.now();
        room.network.act(() -> {
            room.clients.get("ega").send("into the void");
            room.clients.get("ega").close(room.network.now());
        });
        room.network.runUntil(() -> room.sinks.get("ega").disconnected != null, 10 * SECOND);

        assertThat(room.sinks.get("ega").disconnected).isEqualTo(CloseReason.LEFT);
        assertThat(room.sinks.get("ega").accepted).isEmpty();
        long took = room.network.now() - start;
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
        Room room = new Room(27, "secret", 64);
        room.join("joan");
        room.join("ega");
        // ega still talks to the server (its keepalives arrive) but hears nothing back
        room.network.partition(SERVER, room.addresses.get("ega"));

        for (int i = 0; i < 100; i++) {
            int n = i;
            room.network.act(() -> room.clients.get("joan").send("message " + n));
            room.network.runFor(TimeUnit.MILLISECONDS.toNanos(10));
        }
        room.network.runUntil(() -> room.sinks.get("joan").messages.size() == 100, 10 * SECOND);

        assertThat(room.serverSink.left).extracting(RecordingServerSink.Left::username, RecordingServerSink.Left::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ega", CloseReason.TOO_SLOW));
        assertThat(room.sinks.get("joan").log).contains("<-- ega TOO_SLOW");
        assertThat(room.sinks.get("joan").messages).hasSize(100);
        assertThat(room.server.members()).extracting(c -> c.username).containsExactly("joan");
        assertThat(room.server.room().log().capacity()).isEqualTo(64);
    }

    @Test
    void aMemberOnAFarSlowerLinkIsRemovedAsTooSlow() {
        Room room = new Room(28, "secret", 256);
        room.join("joan");
        room.join("ega");
        // 500 B/s towards ega, with a router queue of at most a second: far slower than the room
        room.network.conditionsFor(SERVER, room.addresses.get("ega"),
                SimulatedNetwork.Conditions.perfect().withBandwidth(500, 1_000));

        for (int i = 0; i < 1000; i++) {
            int n = i;
            room.network.act(() -> room.clients.get("joan").send("a fairly chatty message number " + n));
            room.network.runFor(TimeUnit.MILLISECONDS.toNanos(2));
        }
        room.network.runUntil(() -> !room.serverSink.left.isEmpty(), 30 * SECOND);

        assertThat(room.serverSink.left).extracting(RecordingServerSink.Left::username, RecordingServerSink.Left::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ega", CloseReason.TOO_SLOW));
        room.network.runUntil(() -> room.sinks.get("joan").messages.size() == 1000, 30 * SECOND);
        assertThat(room.sinks.get("joan").messages).hasSize(1000); // the room went on at its own pace
    }

    @Test
    void underLoadEventsShareDatagrams() {
        Room room = new Room(29, "secret");
        room.join("joan");
        room.join("ega");
        InetSocketAddress ega = room.addresses.get("ega");
        long before = room.network.datagramsSent(SERVER, ega);

        room.network.act(() -> {
            for (int i = 0; i < 200; i++) {
                room.clients.get("joan").send("burst " + i);
            }
        });
        room.network.runUntil(() -> room.sinks.get("ega").messages.size() == 200, 10 * SECOND);

        long datagrams = room.network.datagramsSent(SERVER, ega) - before;
        assertThat(room.sinks.get("ega").messages).hasSize(200);
        assertThat(datagrams).as("datagrams for 200 messages").isLessThan(200 / 5);
    }

    @Test
    void largeMessagesAreFragmentedAndArriveIntact() {
        Room room = new Room(30, "secret");
        room.network.conditions(SimulatedNetwork.Conditions.lossy(0.2, 0.05, 15));
        room.join("joan");
        room.join("ega");
        String large = "Grüße 😀 — 日本語 ".repeat(16 * 1024 / 30).substring(0, 5000);
        assertThat(large.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isBetween(8_000, 16 * 1024);

        room.network.act(() -> {
            room.clients.get("joan").send(large);
            room.clients.get("joan").send("after");
        });
        room.network.runUntil(() -> room.sinks.get("ega").messages.size() == 2
                && room.sinks.get("joan").accepted.size() == 2, 30 * SECOND);

        assertThat(room.sinks.get("ega").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactly(large, "after");
        assertThat(room.serverSink.messages).containsExactly("joan: " + large, "joan: after");
    }

    @Test
    void aMessageOverTheLimitIsRefusedWithAnError() {
        Room room = new Room(31, "secret");
        room.join("joan");
        // a client that ignores the limit it was told (the public API refuses such a send at once)
        room.network.act(() -> {
            room.clients.get("joan").send("x".repeat(16 * 1024 + 1));
            room.clients.get("joan").send("fine");
        });
        room.network.runUntil(() -> room.sinks.get("joan").accepted.size() == 1, 10 * SECOND);

        assertThat(room.sinks.get("joan").refused).containsExactly(1L);
        assertThat(room.sinks.get("joan").accepted).containsExactly(2L);
        assertThat(room.serverSink.messages).containsExactly("joan: fine");
    }

    @Test
    void aOneWayPartitionShorterThanTheIdleTimeoutLosesNothing() {
        Room room = new Room(32, "secret");
        room.join("joan");
        room.join("ega");
        InetSocketAddress ega = room.addresses.get("ega");
        room.network.partition(SERVER, ega);
        room.network.act(() -> {
            for (int i = 0; i < 20; i++) {
                room.clients.get("joan").send("during " + i);
            }
        });
        room.network.runFor(8 * SECOND);
        room.network.heal(SERVER, ega);

        room.network.runUntil(() -> room.sinks.get("ega").messages.size() == 20, 20 * SECOND);

        assertThat(room.sinks.get("ega").messages).hasSize(20);
        assertThat(room.serverSink.left).isEmpty();
    }

    @Test
    void aFloodingMemberIsRateLimitedWhileOthersStillTalk() {
        Room room = new Room(33, "secret");
        ServerConfig limited = ServerConfig.of("lobby", SrpGroup.RFC5054_2048_SHA256,
                SrpVerifier.create(SrpGroup.RFC5054_2048_SHA256, "lobby", "secret", room.network.newRandom()), IDLE,
                16 * 1024, 64).withRateLimit(20, 40);
        ServerEngine server = new ServerEngine(limited, room.serverSink, room.network.newRandom(),
                room.network::wallClockMillis);
        room.network.attach(SERVER, server);
        room.join("joan");
        room.join("flood");

        room.network.act(() -> {
            for (int i = 0; i < 100; i++) {
                room.clients.get("flood").send("spam " + i);
            }
            room.clients.get("joan").send("still here");
        });
        room.network.runUntil(() -> room.sinks.get("flood").accepted.size() + room.sinks.get("flood").refused.size() == 100
                && room.sinks.get("joan").accepted.size() == 1, 20 * SECOND);

        assertThat(room.sinks.get("flood").accepted).hasSize(40); // the burst
        assertThat(room.sinks.get("flood").refused).hasSize(60);
        assertThat(room.sinks.get("joan").accepted).hasSize(1);
        assertThat(room.sinks.get("joan").messages).extracting(RecordingClientSink.Delivered::text)
                .contains("still here");
        assertThat(server.stats().rateLimited).isEqualTo(60);
    }

    @Test
    void wrongPasswordsFromOneAddressAreThrottledWhileAnotherAddressJoins() {
        Room room = new Room(34, "secret");
        for (int i = 0; i < 5; i++) {
            InetSocketAddress sameIp = new InetSocketAddress("127.0.0.9", 20_000 + i);
            RecordingClientSink sink = new RecordingClientSink();
            ClientEngine guesser = new ClientEngine(new ClientConfig(SERVER, "mallory" + i, "guess" + i,
                    SrpGroup.RFC5054_2048_SHA256, 10 * SECOND, IDLE), sink, room.network.newRandom());
            room.network.attach(sameIp, guesser);
            room.network.act(() -> guesser.start(room.network.now()));
            room.network.runUntil(() -> sink.connectFailure != null, 10 * SECOND);
            assertThat(sink.connectFailure).isEqualTo(ClientEventSink.ConnectFailure.BAD_PASSWORD);
        }
        RecordingClientSink sixth = new RecordingClientSink();
        ClientEngine rightPasswordSameIp = new ClientEngine(new ClientConfig(SERVER, "mallory", "secret",
                SrpGroup.RFC5054_2048_SHA256, 10 * SECOND, IDLE), sixth, room.network.newRandom());
        room.network.attach(new InetSocketAddress("127.0.0.9", 20_100), rightPasswordSameIp);
        room.network.act(() -> rightPasswordSameIp.start(room.network.now()));
        room.network.runUntil(() -> sixth.connectFailure != null || sixth.joined(), 10 * SECOND);

        assertThat(sixth.connectFailure).as("refused before any SRP work").isEqualTo(ClientEventSink.ConnectFailure.REFUSED);
        assertThat(sixth.log).anySatisfy(line -> assertThat(line).contains("too many wrong passwords"));
        assertThat(room.join("joan")).as("another address is unaffected").isTrue();
        assertThat(room.server.stats().throttled).isEqualTo(1);
    }

    @Test
    void underLoadAJoinFirstEchoesARetryTokenAndTheServerDoesNoWorkBefore() {
        Room room = new Room(35, "secret");
        ServerConfig busy = ServerConfig.of("lobby", SrpGroup.RFC5054_2048_SHA256,
                SrpVerifier.create(SrpGroup.RFC5054_2048_SHA256, "lobby", "secret", room.network.newRandom()), IDLE,
                16 * 1024, 64).withRetryThreshold(0);
        ServerEngine server = new ServerEngine(busy, room.serverSink, room.network.newRandom(),
                room.network::wallClockMillis, room.network.slowOffload(TimeUnit.MILLISECONDS.toNanos(5)));
        room.network.attach(SERVER, server);
        room.network.conditions(SimulatedNetwork.Conditions.lossy(0.2, 0.2, 10));

        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();

        assertThat(server.stats().retries).isGreaterThanOrEqualTo(2);
        assertThat(server.memberNames()).containsExactly("joan", "ega");
    }

    @Test
    void answersToUnvalidatedAddressesNeverExceedThreeTimesWhatTheySent() {
        Room room = new Room(36, "secret");
        InetSocketAddress prober = new InetSocketAddress("127.0.0.7", 7777);
        List<byte[]> answers = new ArrayList<>();
        DatagramEngine recorder = new DatagramEngine() {
            @Override
            public void handleDatagram(long nowNanos, java.nio.ByteBuffer datagram, InetSocketAddress source) {
                byte[] bytes = new byte[datagram.remaining()];
                datagram.get(bytes);
                answers.add(bytes);
            }

            @Override
            public void handleTimeout(long nowNanos) {
            }

            @Override
            public InetSocketAddress pollDatagram(long nowNanos, java.nio.ByteBuffer out) {
                return null;
            }

            @Override
            public long nextDeadlineNanos() {
                return Long.MAX_VALUE;
            }

            @Override
            public boolean isFinished() {
                return false;
            }
        };
        room.network.attach(prober, recorder);
        // a 5-byte handshake header in an unknown version asks for a VERSION_MISMATCH
        byte[] probe = {(byte) 0xC0, 'R', 'C', 9, 1};
        room.network.act(() -> room.server.handleDatagram(room.network.now(), java.nio.ByteBuffer.wrap(probe), prober));
        room.network.runFor(SECOND);

        assertThat(room.server.stats().versionMismatches).isEqualTo(1);
        long answered = answers.stream().mapToLong(a -> a.length).sum();
        assertThat(answered).isLessThanOrEqualTo(3L * probe.length);
    }

    @Test
    void aMemberWhoseAddressChangesKeepsItsSessionAfterThePathIsValidated() {
        Room room = new Room(37, "secret");
        room.join("joan");
        room.join("ega");
        InetSocketAddress before = room.addresses.get("ega");
        InetSocketAddress after = new InetSocketAddress("127.0.0.3", 5555);

        room.network.rebind(before, after); // NAT rebinding: same client, new address
        room.network.act(() -> {
            room.clients.get("ega").send("from my new address");
            room.clients.get("joan").send("welcome back");
        });
        room.network.runUntil(() -> room.sinks.get("ega").messages.size() == 2
                && room.sinks.get("joan").messages.size() == 2, 10 * SECOND);

        assertThat(room.sinks.get("ega").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactlyInAnyOrder("from my new address", "welcome back");
        assertThat(room.sinks.get("joan").messages).isEqualTo(room.sinks.get("ega").messages);
        assertThat(room.server.members()).filteredOn(c -> c.username.equals("ega"))
                .singleElement().satisfies(c -> assertThat(c.address).isEqualTo(after));
        assertThat(room.server.stats().migrations).isEqualTo(1);
        assertThat(room.serverSink.left).isEmpty();
    }

    @Test
    void aReplayedOrForgedPacketFromAnotherAddressNeitherMovesNorHurtsTheSession() {
        Room room = new Room(38, "secret");
        room.join("joan");
        room.join("ega");
        InetSocketAddress ega = room.addresses.get("ega");
        List<byte[]> captured = new ArrayList<>();
        room.network.tap(ega, SERVER, captured);
        room.network.act(() -> room.clients.get("ega").send("original"));
        room.network.runUntil(() -> room.sinks.get("joan").messages.size() == 1, 5 * SECOND);
        room.network.runFor(SECOND); // every captured packet has arrived: copies of them are replays
        List<byte[]> replays = List.copyOf(captured);
        InetSocketAddress attacker = new InetSocketAddress("127.0.0.66", 6666);

        for (byte[] packet : replays) {
            room.network.act(() -> room.server.handleDatagram(room.network.now(), java.nio.ByteBuffer.wrap(packet),
                    attacker));
            byte[] flipped = packet.clone();
            flipped[flipped.length - 3] ^= 0x01;
            room.network.act(() -> room.server.handleDatagram(room.network.now(), java.nio.ByteBuffer.wrap(flipped),
                    ega));
        }
        room.network.runFor(2 * SECOND);

        assertThat(room.server.stats().duplicatePackets).isGreaterThanOrEqualTo(replays.size());
        assertThat(room.server.stats().unauthenticated).isEqualTo(replays.size());
        assertThat(room.server.stats().pathChallenges).isZero();
        assertThat(room.server.members()).filteredOn(c -> c.username.equals("ega"))
                .singleElement().satisfies(c -> assertThat(c.address).isEqualTo(ega));
        assertThat(room.sinks.get("joan").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactly("original");
        assertThat(room.serverSink.left).isEmpty();
    }

    @Test
    void aFreshPacketRacedFromAnotherAddressCannotStealTheSession() {
        Room room = new Room(39, "secret");
        room.join("joan");
        room.join("ega");
        InetSocketAddress ega = room.addresses.get("ega");
        InetSocketAddress attacker = new InetSocketAddress("127.0.0.66", 6666);
        // an on-path attacker copies ega's next packet and gets its copy to the server first
        room.network.partition(ega, SERVER);
        List<byte[]> captured = new ArrayList<>();
        room.network.tap(ega, SERVER, captured);
        room.network.act(() -> room.clients.get("ega").send("mine"));
        room.network.heal(ega, SERVER);
        room.network.act(() -> room.server.handleDatagram(room.network.now(), java.nio.ByteBuffer.wrap(captured.get(0)),
                attacker));

        room.network.runUntil(() -> room.sinks.get("joan").messages.size() == 1, 10 * SECOND);
        room.network.runFor(5 * SECOND);

        assertThat(room.server.stats().pathChallenges).isEqualTo(1); // the attacker's address was challenged...
        assertThat(room.server.stats().migrations).isZero(); // ...and could not answer
        assertThat(room.server.members()).filteredOn(c -> c.username.equals("ega"))
                .singleElement().satisfies(c -> assertThat(c.address).isEqualTo(ega));
        assertThat(room.sinks.get("joan").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactly("mine");
        assertThat(room.sinks.get("ega").messages).extracting(RecordingClientSink.Delivered::text)
                .containsExactly("mine");
    }

    @Test
    void aConnectWithNoServerTimesOut() {
        Room room = new Room(26, "secret");
        room.network.cutOff(SERVER);
        room.add("joan", "secret");
        long start = room.network.now();

        room.network.runUntil(() -> room.sinks.get("joan").connectFailure != null, 60 * SECOND);

        assertThat(room.sinks.get("joan").connectFailure).isEqualTo(ClientEventSink.ConnectFailure.TIMED_OUT);
        assertThat(room.network.now() - start).isEqualTo(10 * SECOND);
    }
}
