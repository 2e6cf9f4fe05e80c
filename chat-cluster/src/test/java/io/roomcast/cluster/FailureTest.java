package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.cluster.TestCluster.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FailureTest {
    private final TestCluster cluster = new TestCluster("a", "b", "c");

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void leaderClosedMidBurstLosesNothingCommittedAndIsReportedLostOnce() throws Exception {
        List<Node> nodes = cluster.startAll();
        Node leader = cluster.awaitLeader(nodes);
        List<Node> survivors = new ArrayList<>(nodes);
        survivors.remove(leader);
        int perNode = 60;
        CountDownLatch midBurst = new CountDownLatch(30);
        List<String> taken = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean leaderGone = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (Node n : nodes) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < perNode; i++) {
                    // each sender waits (bounded) for a node that takes it, then for its outcome
                    String text = "m" + i;
                    String command = "S|" + n.id() + "|" + text;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    boolean took;
                    while (!(took = n.submit(text)) && System.nanoTime() < deadline && !(n == leader && leaderGone.get())) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    }
                    if (took) {
                        taken.add(command);
                        try {
                            n.room().settledWithin(command, Duration.ofSeconds(5));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    midBurst.countDown();
                }
            }, "send-" + n.id());
            senders.add(t);
            t.start();
        }
        assertThat(midBurst.await(30, TimeUnit.SECONDS)).isTrue();
        leaderGone.set(true);
        leader.backend().close();
        for (Thread t : senders) {
            t.join(TestCluster.WAIT.toMillis());
        }
        String lost = "L|" + leader.id();
        for (Node n : survivors) {
            n.room().await(n.id() + " hears " + leader.id() + " lost", TestCluster.WAIT, r -> r.applied().contains(lost));
        }
        TestCluster.await("survivors available", TestCluster.WAIT, () -> survivors.stream().allMatch(n -> n.backend().available()));
        for (Node n : survivors) {
            // every command a survivor took is settled: applied everywhere, or failed here
            n.room().await(n.id() + " settles its commands", TestCluster.WAIT, r -> taken.stream()
                    .filter(s -> s.startsWith("S|" + n.id() + "|"))
                    .allMatch(s -> r.applied().contains(s) || r.failed().contains(s)));
        }
        // a last command through the new leader: both survivors have applied everything before it
        Node last = survivors.get(0);
        submitEventually(last, "final");
        for (Node n : survivors) {
            n.room().await(n.id() + " applied final", TestCluster.WAIT, r -> r.applied().contains("S|" + last.id() + "|final"));
        }
        List<String> order = survivors.get(0).room().applied();
        assertThat(survivors.get(1).room().applied()).as("the survivors' order").isEqualTo(order);
        assertThat(order).doesNotHaveDuplicates();
        assertThat(order.stream().filter(lost::equals).count()).as("node lost applied once").isEqualTo(1);
        for (Node n : survivors) {
            for (String f : n.room().failed()) {
                assertThat(order).as("a failed command is never applied").doesNotContain(f);
            }
            List<String> tookAndNotFailed = taken.stream()
                    .filter(s -> s.startsWith("S|" + n.id() + "|"))
                    .filter(s -> !n.room().failed().contains(s))
                    .toList();
            assertThat(order).as(n.id() + "'s commands").containsAll(tookAndNotFailed);
        }
        for (Node n : survivors) {
            assertThat(order).as(n.id() + " went on after the leader left").contains("S|" + n.id() + "|m" + (perNode - 1));
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void partitionedNodeRefusesAndCatchesUpWhenHealed() throws Exception {
        List<Node> nodes = cluster.startAll();
        Node leader = cluster.awaitLeader(nodes);
        Node cut = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        List<Node> majority = new ArrayList<>(nodes);
        majority.remove(cut);
        for (Node n : nodes) {
            assertThat(n.submit("before")).isTrue();
        }
        for (Node n : nodes) {
            n.room().await(n.id() + " applied before", TestCluster.WAIT, r -> r.applied().size() == 3);
        }

        DISCARD discard = cut(cut.backend());
        cut.room().await(cut.id() + " unavailable", TestCluster.WAIT, r -> Boolean.FALSE.equals(r.lastAvailability()));
        assertThat(cut.backend().available()).isFalse();
        assertThat(cut.submit("refused")).as("minority node takes nothing").isFalse();
        for (Node n : majority) {
            for (int i = 0; i < 10; i++) {
                submitEventually(n, "during" + i);
            }
        }
        for (Node n : majority) {
            n.room().await(n.id() + " applied during", TestCluster.WAIT, r -> r.applied().stream()
                    .filter(s -> s.contains("|during")).count() == 20);
        }
        assertThat(cut.room().applied()).noneMatch(s -> s.contains("|during"));

        discard.discardAll(false);
        cut.room().await(cut.id() + " available again", TestCluster.WAIT, r -> Boolean.TRUE.equals(r.lastAvailability()));
        submitUntilApplied(cut, "after", nodes);
        List<String> order = nodes.get(0).room().applied();
        for (Node n : nodes) {
            assertThat(n.room().applied()).as(n.id() + "'s log").isEqualTo(order);
        }
        assertThat(order).doesNotContain("S|" + cut.id() + "|refused");
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void partitionedLeaderStepsDownAndItsCommandsSettleAfterHealing() throws Exception {
        List<Node> nodes = cluster.startAll();
        Node leader = cluster.awaitLeader(nodes);
        List<Node> majority = new ArrayList<>(nodes);
        majority.remove(leader);
        for (Node n : nodes) {
            submitEventually(n, "before");
        }
        for (Node n : nodes) {
            n.room().await(n.id() + " applied before", TestCluster.WAIT, r -> r.applied().size() == 3);
        }

        DISCARD discard = cut(leader.backend());
        // what the old leader takes in the instant before it notices can never reach a majority
        List<String> takenByOldLeader = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            if (leader.submit("cut" + i)) {
                takenByOldLeader.add("S|" + leader.id() + "|cut" + i);
            }
        }
        leader.room().await(leader.id() + " unavailable", TestCluster.WAIT, r -> Boolean.FALSE.equals(r.lastAvailability()));
        assertThat(leader.submit("refused")).isFalse();
        Node newLeader = cluster.awaitLeader(majority);
        for (Node n : majority) {
            submitEventually(n, "during");
        }
        for (Node n : majority) {
            n.room().await(n.id() + " applied during", TestCluster.WAIT, r -> r.applied().stream()
                    .filter(s -> s.endsWith("|during")).count() == 2);
        }

        discard.discardAll(false);
        leader.room().await(leader.id() + " available again", TestCluster.WAIT, r -> Boolean.TRUE.equals(r.lastAvailability()));
        leader.room().await(leader.id() + " settles what it took while cut off", TestCluster.WAIT, r -> takenByOldLeader.stream()
                .allMatch(s -> r.applied().contains(s) || r.failed().contains(s)));
        submitEventually(newLeader, "after");
        for (Node n : nodes) {
            n.room().await(n.id() + " applied after", TestCluster.WAIT, r -> r.applied().contains("S|" + newLeader.id() + "|after"));
        }
        List<String> order = nodes.get(0).room().applied();
        for (Node n : nodes) {
            assertThat(n.room().applied()).as(n.id() + "'s log").isEqualTo(order);
        }
        assertThat(order).doesNotHaveDuplicates().doesNotContain("S|" + leader.id() + "|refused");
        assertThat(takenByOldLeader).as("the cut-off leader took commands before it noticed").isNotEmpty();
        assertThat(leader.room().failed()).as("they never reached a majority: failed, once healed")
                .containsAll(takenByOldLeader);
        for (String failed : leader.room().failed()) {
            assertThat(order).as("failed, so never applied").doesNotContain(failed);
        }
    }

    /**
     * Submits until every node has applied it, at most four times. A command a node takes in the
     * instant it rejoins can stall until a newer one of its own counts (which settles it as failed):
     * the room refuses such a message and its client sends it again, as this does. (Needs an issue:
     * it should be settled without a newer command.)
     */
    static void submitUntilApplied(Node n, String text, List<Node> nodes) throws InterruptedException {
        String entry = "S|" + n.id() + "|" + text;
        for (int attempt = 1; ; attempt++) {
            submitEventually(n, text);
            try {
                for (Node each : nodes) {
                    each.room().await(each.id() + " applied " + text, java.time.Duration.ofSeconds(15),
                            r -> r.applied().contains(entry));
                }
                return;
            } catch (AssertionError stalled) {
                if (attempt == 4) {
                    throw stalled;
                }
            }
        }
    }

    /** Submits, waiting (bounded) while the node is between leaders. */
    static void submitEventually(Node n, String text) {
        TestCluster.await(n.id() + " takes " + text, TestCluster.WAIT, () -> n.submit(text));
    }

    /** Drops everything the node sends or receives, as a network partition would. */
    static DISCARD cut(RaftRoomBackend backend) throws Exception {
        JChannel channel = backend.node().channel();
        DISCARD discard = new DISCARD();
        discard.setAddress(channel.getAddress());
        discard.discardAll(true);
        channel.getProtocolStack().insertProtocol(discard, ProtocolStack.Position.ABOVE, TP.class);
        return discard;
    }
}
