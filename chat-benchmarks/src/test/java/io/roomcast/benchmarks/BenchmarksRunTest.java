package io.roomcast.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.internal.protocol.SimulatedRoom;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.Frame;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every benchmark's setup, a few operations and teardown, with small parameters, so none can rot
 * between benchmark runs. Not a timing test: it checks what each operation does, never how fast.
 */
@Timeout(120)
class BenchmarksRunTest {
    /** Enough operations to fill the delivery window thrice, so the CPU counter samples deliveries. */
    private static final int OPERATIONS = 3 * BroadcastThroughputBenchmark.WINDOW;

    @Test
    void broadcastDeliversEveryMessageToEveryMember() throws Exception {
        BroadcastThroughputBenchmark benchmark = new BroadcastThroughputBenchmark();
        benchmark.members = 3;
        benchmark.payload = 32;
        benchmark.startRoom();
        for (int i = 0; i < OPERATIONS; i++) {
            benchmark.broadcast(new Deliveries());
        }
        benchmark.checkNothingLostAndStop(); // throws if any member missed a message

        assertThat(benchmark.sent()).isEqualTo(OPERATIONS);
        assertThat(benchmark.deliveries()).isEqualTo(3L * OPERATIONS);
        assertThat(benchmark.serverCpu().nanosPerDelivery()).as("the server loop's CPU time per delivery")
                .isPositive().isFinite();
    }

    @Test
    void theCpuCounterDividesTheThreadsCpuTimeByTheDeliveriesBetweenTheSamePoints() {
        ThreadCpuClock clock = ThreadCpuClock.ofCurrentThread();
        CpuPerDelivery cpu = new CpuPerDelivery(clock);
        cpu.startIteration();
        assertThat(cpu.nanosPerDelivery()).isNaN();
        long total = 500;
        long cpuBefore = clock.cpuNanos();
        cpu.update(total);
        long spin = 0;
        for (int i = 1; i <= CpuPerDelivery.SAMPLE_EVERY; i++) {
            for (int j = 0; j < 10_000; j++) {
                spin += j ^ i; // burn a little CPU so the figure is measurable
            }
            total += 10;
            cpu.update(total);
        }
        long cpuAfter = clock.cpuNanos();
        assertThat(spin).isNotZero();
        long delivered = 10L * CpuPerDelivery.SAMPLE_EVERY;
        assertThat(cpu.nanosPerDelivery()).isPositive()
                .isLessThanOrEqualTo((double) (cpuAfter - cpuBefore) / delivered);
        assertThat(CpuPerDelivery.activeFigure()).isEqualTo(cpu.nanosPerDelivery());

        new CpuPerDeliveryProfiler().beforeIteration(null, null);
        assertThat(CpuPerDelivery.activeFigure()).as("a new iteration reports only what it measured").isNaN();
        assertThat(new CpuPerDeliveryProfiler().afterIteration(null, null, null)).isEmpty();
    }

    @Test
    void theJarsEntryPointAddsTheCpuProfilerToWhateverTheUserAsked() {
        assertThat(BenchmarkMain.withCpuProfiler(new String[] {"Broadcast", "-f", "1"}))
                .containsExactly("Broadcast", "-f", "1", "-prof", CpuPerDeliveryProfiler.class.getName());
    }

    @Test
    void aThreadCpuClockIsFoundByNameAndRefusesAnUnknownName() {
        ThreadCpuClock mine = ThreadCpuClock.ofThreadNamed(Thread.currentThread().getName());
        assertThat(mine.cpuNanos()).isPositive();
        assertThatThrownBy(() -> ThreadCpuClock.ofThreadNamed("no such thread 7f3a"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no such thread 7f3a");
    }

    @Test
    void everyHandOffArrivesAndComesBack() throws Exception {
        HandOffBenchmark benchmark = new HandOffBenchmark();
        benchmark.start();
        try {
            for (int i = 0; i < OPERATIONS; i++) { // each throws if its token did not come back
                benchmark.semaphoreBaseline();
                benchmark.commandToLoop();
                benchmark.callbackToDispatcher();
                benchmark.datagramToSelector();
            }
        } finally {
            benchmark.stop();
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("the selector and echo threads end").doesNotContain("handoff-selector", "handoff-echo");
    }

    @Test
    void theDeliveriesCounterCountsFromTheStartOfEachIteration() {
        Deliveries deliveries = new Deliveries();
        deliveries.startIteration();
        deliveries.update(1_000);
        deliveries.update(1_060);
        assertThat(deliveries.deliveries).isEqualTo(60);

        deliveries.startIteration();
        deliveries.update(1_100);
        deliveries.update(1_500);
        assertThat(deliveries.deliveries).isEqualTo(400);
    }

    @Test
    void rawFanoutDeliversEveryDatagramToEveryReceiver() throws Exception {
        RawFanoutBenchmark benchmark = new RawFanoutBenchmark();
        benchmark.members = 3;
        benchmark.payload = 256;
        benchmark.open();
        for (int i = 0; i < OPERATIONS; i++) {
            benchmark.fanout(new Deliveries());
        }
        benchmark.close(); // waits for the window to drain; throws if a datagram was lost

        assertThat(benchmark.sent()).isEqualTo(OPERATIONS);
        assertThat(benchmark.deliveries()).isEqualTo(3L * OPERATIONS);
        assertThat(benchmark.senderCpu().nanosPerDelivery()).as("the sender's CPU time per datagram")
                .isPositive().isFinite();
    }

    @Test
    void latencyWaitsUntilEveryMemberHasTheMessage() throws Exception {
        LatencyBenchmark benchmark = new LatencyBenchmark();
        benchmark.members = 3;
        benchmark.startRoom();
        try {
            for (int i = 1; i <= 3; i++) {
                benchmark.pace();
                assertThat(benchmark.sendToEveryone()).isEqualTo(3L * i);
            }
        } finally {
            benchmark.stopRoom();
        }
    }

    @Test
    void aRoomOnThreeRaftNodesDeliversEveryMessageToEveryMemberOnEveryNode() throws Exception {
        ClusterThroughputBenchmark benchmark = new ClusterThroughputBenchmark();
        benchmark.nodes = 3;
        benchmark.members = 6;
        benchmark.startRoom(); // waits until all three nodes serve and all six members joined
        for (int i = 0; i < OPERATIONS; i++) {
            benchmark.broadcast(new Deliveries());
        }
        benchmark.checkNothingLostAndStop(); // throws if any member on any node missed a message

        assertThat(benchmark.sent()).isEqualTo(OPERATIONS);
        assertThat(benchmark.deliveries()).isEqualTo(6L * OPERATIONS);
    }

    @Test
    void clusterLatencyWaitsUntilEveryMemberOnEveryNodeHasTheMessage() throws Exception {
        for (int nodes : new int[] {1, 3}) {
            ClusterLatencyBenchmark benchmark = new ClusterLatencyBenchmark();
            benchmark.nodes = nodes;
            benchmark.members = 6;
            benchmark.startRoom();
            try {
                for (int i = 1; i <= 3; i++) {
                    benchmark.pace();
                    assertThat(benchmark.sendToEveryone()).as("%d nodes, message %d", nodes, i).isEqualTo(6L * i);
                }
            } finally {
                benchmark.stopRoom();
            }
        }
    }

    @Test
    void codecRoundTripsAHundredByteMessage() throws Exception {
        CodecBenchmark benchmark = new CodecBenchmark();
        benchmark.keysAndMessage();

        int sealed = benchmark.encodeAndSeal();
        int encoded = benchmark.encode();
        assertThat(benchmark.seal()).isEqualTo(sealed);
        assertThat(sealed - encoded).isEqualTo(16); // the GCM tag
        List<Frame> frames = benchmark.openAndDecode();
        assertThat(frames).singleElement().isInstanceOfSatisfying(EventFrame.class, event -> {
            assertThat(event.text()).hasSize(CodecBenchmark.MESSAGE_BYTES);
            assertThat(event.username()).isEqualTo("joan");
        });
    }

    @Test
    void aColdClientJoinsAndLeaves() throws Exception {
        HandshakeBenchmark benchmark = new HandshakeBenchmark();
        benchmark.startRoom();
        try {
            assertThat(benchmark.joinAndLeave()).isEqualTo(1);
            assertThat(benchmark.fourJoiningAtOnce()).isEqualTo(1); // the first one left
        } finally {
            benchmark.stopRoom();
        }
    }

    @Test
    void eachSideOfAJoinReplaysARecordedExchange() throws Exception {
        for (String exponentiation : new String[] {"modPow", "fixedBase"}) {
            JoinCostBenchmark benchmark = new JoinCostBenchmark();
            benchmark.exponentiation = exponentiation;
            benchmark.recordExchanges();
            JoinCostBenchmark.CpuTime cpu = new JoinCostBenchmark.CpuTime();
            cpu.startIteration();

            assertThat(benchmark.replaysMatch()).isTrue();
            for (int i = 0; i < 3; i++) { // each throws SrpException if its peer's recorded proof does not check
                benchmark.serverJoin(cpu);
                benchmark.clientJoin(cpu);
            }
            benchmark.roomVerifier(cpu);
            assertThat(cpu.ops).isEqualTo(7);
            assertThat(cpu.cpuMicrosPerOp()).isPositive();
        }
    }

    @Test
    void theLoopTurnBenchmarkAsksARoomOfIdleMembers() {
        LoopTurnBenchmark benchmark = new LoopTurnBenchmark();
        benchmark.members = 20;
        benchmark.buildRoom();

        assertThat(benchmark.roomSize()).isEqualTo(20);
        assertThat(benchmark.nextDeadline()).isPositive().isLessThan(Long.MAX_VALUE); // keepalives are due
    }

    @Test
    void idleMembersAreMeasuredAfterTheRoomSettles() {
        IdleMemberMemoryBenchmark benchmark = new IdleMemberMemoryBenchmark();
        benchmark.members = 100;
        IdleMemberMemoryBenchmark.Footprint footprint = new IdleMemberMemoryBenchmark.Footprint();

        Object room = benchmark.measure(footprint);

        assertThat(((SimulatedRoom) room).memberCount()).isEqualTo(100);
        assertThat(footprint.bytesPerMember).isPositive();
    }
}
