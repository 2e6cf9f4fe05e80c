package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random scenarios of issue #12: three members talk at random while each is, at random
 * moments, cut off from the server for 0.5 to 6 idle timeouts, in both directions or in one
 * only; every member reconnects by itself. A fourth member on a sound link records the room as it
 * happened. Afterwards every member's listener must have seen that room, from its join on, in room
 * order, once, with no gap (but for events about itself, which a client skips), and every message
 * a member was told the room accepted must be in every other member's view exactly once. Seeds
 * above 5 run over a link that loses 5 % and duplicates 2 % of datagrams.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(120)
class ResumePartitionScenarioTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = SimulatedRoom.DEFAULT_IDLE_TIMEOUT_NANOS;
    private static final int MEMBERS = 3;
    private static final int STEPS = 40;

    /** One talking member and what the scenario did to it. */
    private static final class Actor {
        final String name;
        final InetSocketAddress address;
        final Map<Long, String> sent = new HashMap<>();
        long joinSequence;
        long partitionedUntil;

        Actor(String name, InetSocketAddress address) {
            this.name = name;
            this.address = address;
        }
    }

    /** A room event as a listener saw it: its sequence and its log line. */
    private record Seen(long sequence, String line) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyMemberSeesTheRoomGaplessAndOnceAndItsAcceptedSendsLandOnce(long seed) {
        Random script = new Random(seed);
        SimulatedRoom room = SimulatedRoom.builder(seed * 6151).configure(config -> config
                .withRateLimit(10_000, 10_000).withResumeWindow(10 * IDLE).withLogCapacity(8192)).build();
        if (seed > 5) {
            room.network().conditions(SimulatedNetwork.Conditions.lossy(0.05, 0.02, 10));
        }
        assertThat(room.join("obs")).isTrue();
        List<Actor> actors = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            Actor actor = new Actor("m" + i, new InetSocketAddress("127.0.0.5", 30_000 + i));
            room.add(room.clientConfig(actor.name, SimulatedRoom.DEFAULT_PASSWORD).withReconnect(10 * IDLE),
                    actor.address);
            assertThat(room.runUntil(() -> room.sink(actor.name).joined(), 10 * SECOND)).isTrue();
            actor.joinSequence = room.sink(actor.name).joinSequence;
            actors.add(actor);
        }
        String replay = "seed " + seed;

        for (int step = 0; step < STEPS; step++) {
            Actor actor = actors.get(script.nextInt(MEMBERS));
            if (script.nextInt(4) == 0 && room.now() >= actor.partitionedUntil) {
                long length = IDLE / 2 + (long) (script.nextDouble() * (6 * IDLE - IDLE / 2));
                int kind = script.nextInt(3); // 0 both directions, 1 it hears nothing, 2 the server hears nothing
                if (kind != 2) {
                    room.network().partition(SimulatedRoom.SERVER, actor.address);
                }
                if (kind != 1) {
                    room.network().partition(actor.address, SimulatedRoom.SERVER);
                }
                actor.partitionedUntil = room.now() + length;
                room.network().later(length, () -> heal(room, actor));
            }
            for (Actor talker : actors) {
                if (script.nextInt(3) == 0) {
                    send(room, talker, talker.name + "-" + step);
                }
            }
            room.runFor(SECOND / 2 + (long) (script.nextDouble() * 5 * SECOND));
        }
        actors.forEach(actor -> heal(room, actor));
        assertThat(room.runUntil(() -> actors.stream().allMatch(actor -> settled(room, actor)), 12 * IDLE))
                .as("%s: every member back with every send settled: %s", replay, logs(room, actors)).isTrue();
        actors.forEach(actor -> send(room, actor, actor.name + "-last"));
        assertThat(room.runUntil(() -> actors.stream().allMatch(actor -> settled(room, actor))
                && List.of("obs", "m0", "m1", "m2").stream().allMatch(name -> heardTheLastOfAll(room, name)),
                30 * SECOND)).as("%s: %s", replay, logs(room, actors)).isTrue();
        room.runFor(2 * SECOND);

        List<Seen> truth = seen(room.sink("obs"));
        assertThat(truth).extracting(Seen::sequence).as(replay).isSorted().doesNotHaveDuplicates();
        for (Actor actor : actors) {
            RecordingClientSink sink = room.sink(actor.name);
            String about = replay + ", " + actor.name;
            assertThat(sink.disconnected).as(about).isNull();
            assertThat(sink.log).as("%s: the log never wrapped: no gap to report", about)
                    .doesNotContain("reconnected false");
            List<Seen> expected = new ArrayList<>();
            for (Seen event : truth) {
                if (event.sequence() > actor.joinSequence && !event.line().equals("--> " + actor.name)
                        && !event.line().startsWith("<-- " + actor.name + " ")) {
                    expected.add(event);
                }
            }
            assertThat(seen(sink)).as("%s: the room from its join, gapless, in order, once", about)
                    .isEqualTo(expected);
            assertThat(sink.accepted).as("%s: each send confirmed once", about).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(actor.sent.keySet());
            for (long id : sink.accepted) {
                String line = "<" + actor.name + "> " + actor.sent.get(id);
                for (String other : List.of("obs", "m0", "m1", "m2")) {
                    if (!other.equals(actor.name)) {
                        assertThat(room.sink(other).log.stream().filter(each -> each.endsWith(line)).count())
                                .as("%s: %s in %s's view", about, line, other).isEqualTo(1);
                    }
                }
            }
        }
        assertThat(logs(room, actors)).as("%s: the scenario did cut members off", replay)
                .contains("reconnected true");
    }

    private static void heal(SimulatedRoom room, Actor actor) {
        room.network().heal(SimulatedRoom.SERVER, actor.address);
        room.network().heal(actor.address, SimulatedRoom.SERVER);
    }

    private static void send(SimulatedRoom room, Actor actor, String text) {
        room.act(() -> {
            ClientEngine client = room.client(actor.name);
            if (client.acceptsSends()) {
                actor.sent.put(client.send(text), text);
            }
        });
    }

    private static boolean settled(SimulatedRoom room, Actor actor) {
        ClientEngine client = room.client(actor.name);
        return client.isJoined() && !client.isReconnecting()
                && room.sink(actor.name).accepted.size() >= actor.sent.size();
    }

    private static boolean heardTheLastOfAll(SimulatedRoom room, String name) {
        List<String> log = room.sink(name).log;
        for (int i = 0; i < MEMBERS; i++) {
            String last = "<m" + i + "> m" + i + "-last";
            if (log.stream().noneMatch(line -> line.endsWith(last))) {
                return false;
            }
        }
        return true;
    }

    /** The room events a listener was given, paired with their sequences in the order given. */
    private static List<Seen> seen(RecordingClientSink sink) {
        List<Seen> seen = new ArrayList<>();
        int next = 0;
        for (String line : sink.log) {
            if (line.startsWith("#") || line.startsWith("--> ") || line.startsWith("<-- ") || line.startsWith("!! ")) {
                // a message's line starts with its sequence; compare the rest
                String text = line.startsWith("#") ? line.substring(line.indexOf(' ') + 1) : line;
                seen.add(new Seen(sink.sequences.get(next++), text));
            }
        }
        assertThat(next).as("every room event has a line").isEqualTo(sink.sequences.size());
        return seen;
    }

    private static String logs(SimulatedRoom room, List<Actor> actors) {
        StringBuilder all = new StringBuilder();
        for (Actor actor : actors) {
            all.append('\n').append(actor.name).append(": ").append(room.sink(actor.name).log);
        }
        return all.toString();
    }
}
