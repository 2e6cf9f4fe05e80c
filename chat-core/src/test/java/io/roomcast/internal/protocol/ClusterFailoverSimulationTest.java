package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.CloseReason;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Two servers serve one room through a shared order (the simulator's {@link SimulatedCluster}):
 * members of both are in one room, in one order; when a node is lost its members leave
 * {@code TIMED_OUT} with their sessions held on the others, and one of them resumes on the
 * other node with everything it missed, once.
 */
@Timeout(60)
class ClusterFailoverSimulationTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 9001);
    private static final long ORDER_LATENCY_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

    private static List<String> texts(List<RecordingClientSink.Delivered> delivered) {
        List<String> texts = new ArrayList<>();
        delivered.forEach(message -> texts.add(message.text()));
        return texts;
    }

    /** Two nodes on one network: a's server is the room's own, b's a second engine at {@link #B}. */
    private record TwoNodes(SimulatedNetwork network, SimulatedCluster cluster, SimulatedRoom room, ServerEngine serverB,
                            RecordingServerSink bSink) {
        static TwoNodes start(long seed) {
            SimulatedNetwork network = new SimulatedNetwork(seed);
            SimulatedCluster cluster = new SimulatedCluster(network, ORDER_LATENCY_NANOS);
            SimulatedCluster.Node a = cluster.node("a");
            SimulatedCluster.Node b = cluster.node("b");
            SimulatedRoom room = SimulatedRoom.on(network).backend(a)
                    .configure(config -> config.withResumeWindow(30 * SECOND)).build();
            a.serve(room.server());
            RecordingServerSink bSink = new RecordingServerSink(network);
            ServerEngine serverB = new ServerEngine(room.serverConfig(), bSink, network.newRandom(),
                    network::wallClockMillis, Offload.INLINE, b);
            b.start(serverB.roomStateMachine());
            b.serve(serverB);
            network.attach(B, serverB);
            return new TwoNodes(network, cluster, room, serverB, bSink);
        }

        /** A client config like the room's own clients', for {@code name} at {@code server}. */
        ClientConfig config(InetSocketAddress server, String name) {
            ClientConfig like = room.clientConfig(name, SimulatedRoom.DEFAULT_PASSWORD);
            return new ClientConfig(server, name, like.password(), like.group(), like.connectTimeoutNanos(),
                    like.idleTimeoutNanos());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aMemberOfALostNodeResumesOnAnotherWithEverythingItMissedOnce(long seed) {
        TwoNodes nodes = TwoNodes.start(seed);
        SimulatedNetwork network = nodes.network();
        SimulatedCluster cluster = nodes.cluster();
        SimulatedRoom room = nodes.room();
        ServerEngine serverB = nodes.serverB();
        RecordingServerSink bSink = nodes.bSink();

        ClientConfig joanOnA = room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD);
        ClientConfig onB = new ClientConfig(B, "ravi", joanOnA.password(), joanOnA.group(),
                joanOnA.connectTimeoutNanos(), joanOnA.idleTimeoutNanos());
        assertThat(room.join("joan")).isTrue();
        room.add(onB, new InetSocketAddress("127.0.0.2", 20_001));
        assertThat(room.runUntil(() -> room.sink("ravi").joined(), 10 * SECOND)).isTrue();
        assertThat(room.server().memberNames()).containsExactly("joan", "ravi");
        assertThat(serverB.memberNames()).containsExactly("joan", "ravi");

        room.send("ravi", "a1");
        room.send("joan", "a2");
        assertThat(room.runUntil(() -> room.sink("joan").messages.size() == 2
                && room.sink("ravi").messages.size() == 2, 10 * SECOND)).isTrue();
        assertThat(texts(room.sink("joan").messages)).isEqualTo(texts(room.sink("ravi").messages));
        ResumeTicket ticket = room.client("joan").session().resumeTicket();

        // node a is lost: its server and its members' link to it go
        network.cutOff(SimulatedRoom.SERVER);
        cluster.lose("a");
        assertThat(room.runUntil(() -> room.sink("ravi").log.contains("<-- joan TIMED_OUT"), 5 * SECOND)).isTrue();
        assertThat(serverB.memberNames()).containsExactly("ravi");
        assertThat(serverB.heldSessions().size()).as("joan's session, held on b").isEqualTo(1);
        List<String> during = List.of("b1", "b2", "b3");
        during.forEach(text -> room.send("ravi", text));
        room.runFor(SECOND);

        // joan comes back through b, with the credential a gave her
        ClientConfig joanOnB = new ClientConfig(B, "joan", joanOnA.password(), joanOnA.group(),
                joanOnA.connectTimeoutNanos(), joanOnA.idleTimeoutNanos());
        room.resume(joanOnB, ticket, new InetSocketAddress("127.0.0.3", 20_002));
        RecordingClientSink after = room.sink("joan");
        assertThat(room.runUntil(() -> after.messages.size() == during.size(), 10 * SECOND)).as(after.log.toString())
                .isTrue();
        room.send("ravi", "c1");
        assertThat(room.runUntil(() -> after.messages.size() == during.size() + 1, 10 * SECOND)).isTrue();
        room.runFor(2 * SECOND);

        assertThat(texts(after.messages)).containsExactly("b1", "b2", "b3", "c1");
        assertThat(after.history).as("nothing missed: no history").isEmpty();
        assertThat(after.joinSequence).isEqualTo(ticket.lastDelivered());
        assertThat(serverB.memberNames()).containsExactly("ravi", "joan");
        assertThat(serverB.heldSessions().size()).isZero();
        assertThat(room.sink("ravi").log).containsSubsequence("<-- joan TIMED_OUT", "--> joan");
        assertThat(bSink.left).extracting(RecordingServerSink.Left::reason).containsExactly(CloseReason.TIMED_OUT);
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void aNameIsTakenOnceWhenTwoNodesAdmitItAtOnce(long seed) {
        TwoNodes nodes = TwoNodes.start(seed);
        SimulatedNetwork network = nodes.network();
        SimulatedCluster cluster = nodes.cluster();
        SimulatedRoom room = nodes.room();
        ServerEngine serverB = nodes.serverB();

        ClientConfig onA = room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD);
        room.add(onA, new InetSocketAddress("127.0.0.2", 20_001));
        ClientEngine other = room.add(new ClientConfig(B, "JOAN", onA.password(), onA.group(),
                onA.connectTimeoutNanos(), onA.idleTimeoutNanos()), new InetSocketAddress("127.0.0.3", 20_002));
        room.runFor(10 * SECOND);

        assertThat(room.server().memberNames()).hasSize(1);
        assertThat(serverB.memberNames()).isEqualTo(room.server().memberNames());
        assertThat(cluster.log).as("both joins were ordered").hasSizeGreaterThanOrEqualTo(2);
        assertThat(other).isNotNull();
        RecordingClientSink onNodeA = room.sink("joan");
        RecordingClientSink onNodeB = room.sink("JOAN");
        assertThat(onNodeA.joined() ^ onNodeB.joined()).as("exactly one joined: " + onNodeA.log + " " + onNodeB.log)
                .isTrue();
        RecordingClientSink refused = onNodeA.joined() ? onNodeB : onNodeA;
        assertThat(refused.connectFailure).isNotNull();
        assertThat(refused.log).anySatisfy(line -> assertThat(line).contains("taken"));
    }

    @ParameterizedTest
    @ValueSource(longs = {6, 7})
    void aLateNodeCatchesUpThroughASnapshotAndResumesAMemberOfALostNode(long seed) throws Exception {
        TwoNodes nodes = TwoNodes.start(seed);
        SimulatedNetwork network = nodes.network();
        SimulatedCluster cluster = nodes.cluster();
        SimulatedRoom room = nodes.room();
        ServerEngine serverB = nodes.serverB();
        ClientConfig joanOnA = room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD);
        assertThat(room.join("joan")).isTrue();
        room.add(new ClientConfig(B, "ravi", joanOnA.password(), joanOnA.group(), joanOnA.connectTimeoutNanos(),
                joanOnA.idleTimeoutNanos()), new InetSocketAddress("127.0.0.2", 20_001));
        assertThat(room.runUntil(() -> room.sink("ravi").joined(), 10 * SECOND)).isTrue();
        room.send("ravi", "a1");
        assertThat(room.runUntil(() -> room.sink("joan").messages.size() == 1, 10 * SECOND)).isTrue();
        ResumeTicket ticket = room.client("joan").session().resumeTicket();
        network.cutOff(SimulatedRoom.SERVER);
        cluster.lose("a");
        List<String> during = List.of("b1", "b2");
        during.forEach(text -> room.send("ravi", text));
        room.runFor(SECOND);

        // c starts late: b's snapshot, then the log from there on
        InetSocketAddress c = new InetSocketAddress("127.0.0.1", 9002);
        SimulatedCluster.Node nodeC = cluster.node("c");
        ServerEngine serverC = new ServerEngine(room.serverConfig(), new RecordingServerSink(network),
                network.newRandom(), network::wallClockMillis, Offload.INLINE, nodeC);
        nodeC.start(serverC.roomStateMachine());
        java.io.ByteArrayOutputStream snapshot = new java.io.ByteArrayOutputStream();
        serverB.onBackend(room.now(), machine -> {
            try {
                machine.writeSnapshot(new java.io.DataOutputStream(snapshot));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        serverC.onBackend(room.now(), machine -> {
            try {
                machine.readSnapshot(new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot.toByteArray())));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        nodeC.serve(serverC);
        network.attach(c, serverC);
        assertThat(serverC.memberNames()).isEqualTo(serverB.memberNames());
        assertThat(serverC.heldSessions().size()).isEqualTo(1);

        room.resume(new ClientConfig(c, "joan", joanOnA.password(), joanOnA.group(), joanOnA.connectTimeoutNanos(),
                joanOnA.idleTimeoutNanos()), ticket, new InetSocketAddress("127.0.0.3", 20_002));
        RecordingClientSink after = room.sink("joan");
        assertThat(room.runUntil(() -> after.messages.size() == during.size(), 10 * SECOND)).as(after.log.toString())
                .isTrue();
        assertThat(texts(after.messages)).containsExactlyElementsOf(during);
        assertThat(after.history).isEmpty();
        assertThat(serverC.memberNames()).containsExactly("ravi", "joan");
        assertThat(serverB.memberNames()).containsExactly("ravi", "joan");
        assertThat(serverB.heldSessions().size()).as("spent on b too").isZero();
    }
}
