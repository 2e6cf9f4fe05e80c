package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hundreds of seeded scenarios in the simulator: members join, talk in bursts (some messages
 * large enough to be fragmented), leave and crash, over a network that loses, duplicates,
 * reorders and delays, sometimes with limited bandwidth. After each, the invariants of the
 * room must hold. A failure names its seed; {@code -Droomcast.seed=N} runs only that one.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(180)
class RoomPropertyTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = 15 * SECOND;
    private static final int MAX_MESSAGE_BYTES = 32 * 1024;

    static LongStream seeds() {
        Long only = Long.getLong("roomcast.seed");
        if (only != null) {
            return LongStream.of(only);
        }
        return LongStream.rangeClosed(1, Integer.getInteger("roomcast.scenarios", 200));
    }

    /** A member of one scenario, and what the test knows about it. */
    private static final class Actor {
        final String name;
        final InetSocketAddress address;
        final RecordingClientSink sink;
        final ClientEngine engine;
        final List<String> sent = new ArrayList<>();
        boolean crashed;
        boolean left;

        Actor(String name, InetSocketAddress address, SimulatedRoom room) {
            this.name = name;
            this.address = address;
            this.engine = room.add(room.clientConfig(name, "secret"), address);
            this.sink = room.sink(name);
        }

        boolean live() {
            return sink.joined() && !crashed && !left && sink.disconnected == null;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theRoomInvariantsHold(long seed) {
        String replay = "seed " + seed + " (replay: ./mvnw -pl chat-core verify -Dtest=RoomPropertyTest -Droomcast.seed="
                + seed + ")";
        Random script = new Random(seed);
        SimulatedNetwork network = new SimulatedNetwork(seed * 7919);
        SimulatedNetwork.Conditions conditions = new SimulatedNetwork.Conditions(script.nextDouble() * 0.25,
                script.nextDouble() * 0.10, TimeUnit.MICROSECONDS.toNanos(200 + script.nextInt(20_000)),
                TimeUnit.MILLISECONDS.toNanos(script.nextInt(20)), 0, 0);
        if (script.nextInt(4) == 0) {
            conditions = conditions.withBandwidth(50_000 + script.nextInt(500_000), 200);
        }
        network.conditions(conditions);

        // half the scenarios take SRP work off the engine's thread, as the real server does
        Offload offload = seed % 2 == 0 ? Offload.INLINE : network.slowOffload(TimeUnit.MILLISECONDS.toNanos(3));
        boolean retryFirst = script.nextInt(5) == 0; // every join must echo a RETRY token first
        // the 1024-bit group keeps hundreds of handshakes fast; the protocol rules do not depend on it
        // the rate limit is raised out of the way: these scenarios are about delivery
        SimulatedRoom room = SimulatedRoom.on(network).group(SrpGroup.RFC5054_1024_SHA256)
                .maxMessageBytes(MAX_MESSAGE_BYTES).maxMembers(16).connectTimeoutNanos(30 * SECOND)
                .configure(config -> {
                    ServerConfig raised = config.withRateLimit(1_000, 1_000);
                    return retryFirst ? raised.withRetryThreshold(0) : raised;
                })
                .offload(offload).build();
        ServerEngine server = room.server();
        ServerConfig config = room.serverConfig();
        RecordingServerSink serverSink = room.serverSink();

        Map<String, Actor> actors = new LinkedHashMap<>();
        int[] counter = {0};
        java.util.function.Supplier<Actor> newActor = () -> {
            String name = "m" + counter[0]++;
            Actor actor = new Actor(name, new InetSocketAddress("127.0.0.2", 10_000 + counter[0]), room);
            actors.put(name, actor);
            return actor;
        };
        int initial = 2 + script.nextInt(3);
        for (int i = 0; i < initial; i++) {
            newActor.get();
        }
        long end = network.now() + 40 * SECOND;
        while (network.now() < end) {
            network.runFor(TimeUnit.MILLISECONDS.toNanos(50 + script.nextInt(700)));
            checkMemoryBounds(server, actors, config, replay);
            List<Actor> live = actors.values().stream().filter(Actor::live).toList();
            int action = script.nextInt(100);
            if (action < 55 && !live.isEmpty()) {
                Actor speaker = live.get(script.nextInt(live.size()));
                int burst = 1 + script.nextInt(5);
                network.act(() -> {
                    for (int i = 0; i < burst; i++) {
                        String text = text(script, speaker.name, speaker.sent.size());
                        speaker.engine.send(text);
                        speaker.sent.add(text);
                    }
                });
            } else if (action < 65 && actors.size() < 10) {
                newActor.get();
            } else if (action < 72 && live.size() > 1) {
                Actor leaver = live.get(script.nextInt(live.size()));
                leaver.left = true;
                network.act(() -> leaver.engine.close(network.now()));
            } else if (action < 75 && live.size() > 1) {
                Actor victim = live.get(script.nextInt(live.size()));
                victim.crashed = true;
                network.cutOff(victim.address);
            }
        }

        // quiesce: the room has everything, every live member has all of it and every message confirmed
        network.runUntil(() -> actors.values().stream().filter(Actor::live).allMatch(actor ->
                        actor.engine.session().deliveredSequence() == server.room().log().lastSequence()
                                && actor.engine.session().unconfirmedCount() == 0)
                        && actors.values().stream().filter(a -> a.crashed && a.sink.joined())
                        .allMatch(a -> serverSink.left.stream().anyMatch(l -> l.username().equals(a.name))),
                120 * SECOND);

        checkInvariants(server, serverSink, actors, network, replay);
    }

    private static String text(Random script, String name, int index) {
        String base = name + " #" + index + " ";
        int kind = script.nextInt(100);
        if (kind < 5) {
            return base + "ü€😀".repeat(1 + script.nextInt(2500)); // fragmented, multi-byte, up to ~22 KB
        }
        if (kind < 10) {
            return base + "x".repeat(script.nextInt(1500)); // around one datagram
        }
        return base + "halo";
    }

    private static void checkMemoryBounds(ServerEngine server, Map<String, Actor> actors, ServerConfig config,
                                          String replay) {
        for (RoomMember member : server.members()) {
            assertThat(member.connection.packetsInFlight()).as("%s: packets in flight to %s", replay, member.username)
                    .isLessThanOrEqualTo(2 * config.packetWindow());
            assertThat(member.incoming.bytesHeld()).as("%s: bytes held for %s", replay, member.username)
                    .isLessThanOrEqualTo(IncomingMessages.budgetBytes(config.maxMessageBytes()));
            assertThat(member.incoming.messagesHeld())
                    .isLessThanOrEqualTo(ProtocolLimits.SEND_WINDOW);
            assertThat(member.events.piecesToResend()).as("%s: pieces queued for %s", replay, member.username)
                    .isLessThanOrEqualTo(2 * config.packetWindow() * 64);
        }
        for (Actor actor : actors.values()) {
            assertThat(actor.engine.session().heldBackCount()).as("%s: events held back by %s", replay, actor.name)
                    .isLessThanOrEqualTo(ProtocolLimits.MAX_HELD_BACK_EVENTS);
            assertThat(actor.engine.session().fragmentBytes()).as("%s: fragment bytes held by %s", replay, actor.name)
                    .isLessThanOrEqualTo(ProtocolLimits.MAX_FRAGMENT_BYTES
                            + Reassembly.footprint(MAX_MESSAGE_BYTES + EventFrame.MAX_OVERHEAD_BYTES));
        }
    }

    private static void checkInvariants(ServerEngine server, RecordingServerSink serverSink, Map<String, Actor> actors,
                                        SimulatedNetwork network, String replay) {
        Map<Long, RecordingServerSink.Message> log = new LinkedHashMap<>();
        for (RecordingServerSink.Message message : serverSink.accepted) {
            log.put(message.sequence(), message);
        }
        for (Actor actor : actors.values()) {
            if (!actor.sink.joined()) {
                continue;
            }
            RecordingClientSink sink = actor.sink;
            // no gap, no duplicate, one order: the member saw exactly the room's sequence from its join on
            for (int i = 0; i < sink.sequences.size(); i++) {
                assertThat(sink.sequences.get(i)).as("%s: %s's event %d", replay, actor.name, i)
                        .isEqualTo(sink.joinSequence + 1 + i);
            }
            // and the same messages as the room, sender and text
            for (RecordingClientSink.Delivered delivered : sink.messages) {
                RecordingServerSink.Message logged = log.get(delivered.sequence());
                assertThat(logged).as("%s: %s got #%d, which the room has", replay, actor.name, delivered.sequence())
                        .isNotNull();
                assertThat(delivered.sender()).isEqualTo(logged.sender());
                assertThat(delivered.text()).isEqualTo(logged.text());
            }
            if (actor.live()) {
                // nothing accepted is lost: a live member has everything the room has
                assertThat(actor.engine.session().deliveredSequence()).as("%s: %s is up to date", replay, actor.name)
                        .isEqualTo(server.room().log().lastSequence());
                // every message it sent was accepted, once, in its sending order
                List<String> mine = serverSink.accepted.stream().filter(m -> m.sender().equals(actor.name))
                        .map(RecordingServerSink.Message::text).toList();
                assertThat(mine).as("%s: %s's messages in the room", replay, actor.name).isEqualTo(actor.sent);
                assertThat(sink.accepted).hasSize(actor.sent.size());
                assertThat(sink.refused).isEmpty();
                assertThat(serverSink.left).as("%s: live %s was never removed", replay, actor.name)
                        .noneMatch(left -> left.username().equals(actor.name));
            }
        }
        for (RecordingServerSink.Left left : serverSink.left) {
            Actor actor = actors.get(left.username());
            if (left.reason() == CloseReason.TIMED_OUT) {
                // a crashed member times out; so may one whose every CLOSE was lost before it gave up (after a second)
                assertThat(actor.crashed || actor.left).as("%s: only a crashed or departed member times out, not %s",
                        replay, actor.name).isTrue();
                assertThat(left.atNanos() - network.lastDeliveryFrom(actor.address))
                        .as("%s: %s timed out after the idle timeout", replay, actor.name).isGreaterThanOrEqualTo(IDLE);
            } else {
                assertThat(left.reason()).as("%s: %s left", replay, actor.name).isEqualTo(CloseReason.LEFT);
                assertThat(actor.left).isTrue();
            }
        }
    }
}
