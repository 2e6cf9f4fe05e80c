package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.cluster.TestCluster.Node;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class CatchUpTest {
    private TestCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void lateNodeCatchesUpThroughASnapshot() throws Exception {
        cluster = new TestCluster("a", "b", "c");
        Node a = cluster.start("a", b -> b.maxLogSize(2_000));
        Node b = cluster.start("b", x -> x.maxLogSize(2_000));
        a.started().get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        b.started().get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        int count = 120;
        for (int i = 0; i < count; i++) {
            FailureTest.submitEventually(i % 2 == 0 ? a : b, "m" + i);
        }
        a.room().await("a applied all", TestCluster.WAIT, r -> r.applied().size() == count);
        assertThat(a.room().snapshotsWritten.get() + b.room().snapshotsWritten.get())
                .as("the log outgrew 2000 bytes and was snapshotted").isPositive();

        Node c = cluster.start("c", x -> x.maxLogSize(2_000));
        c.started().get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(c.backend().available()).isTrue();
        c.room().await("c caught up", TestCluster.WAIT, r -> r.applied().size() == count);
        assertThat(c.room().snapshotsRead.get()).as("c caught up through a snapshot").isPositive();
        assertThat(c.room().applied()).isEqualTo(a.room().applied());

        FailureTest.submitEventually(c, "late");
        for (Node n : List.of(a, b, c)) {
            n.room().await(n.id() + " applied late", TestCluster.WAIT, r -> r.applied().contains("S|c|late"));
        }
        for (Node n : List.of(a, b)) {
            assertThat(n.room().applied()).isEqualTo(c.room().applied());
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aNodeWithTheWrongSecretCannotJoin() throws Exception {
        cluster = new TestCluster("a", "b", "c");
        Node a = cluster.start("a");
        Node b = cluster.start("b");
        a.started().get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        b.started().get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        FailureTest.submitEventually(a, "before");
        b.room().await("b applied before", TestCluster.WAIT, r -> r.applied().size() == 1);

        byte[] wrong = "not the secret of this cluster!!".getBytes(StandardCharsets.UTF_8);
        Node intruder = cluster.start("c", x -> x.clusterSecret(wrong).startTimeout(Duration.ofSeconds(3)));
        boolean refused;
        try {
            intruder.started().get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
            refused = false;
        } catch (ExecutionException e) {
            refused = true;
        }
        assertThat(intruder.backend().available()).as("the intruder orders nothing").isFalse();
        assertThat(intruder.backend().submit(TestCommand.say("c", "intrusion"))).isFalse();
        if (!refused) {
            assertThat(intruder.room().lastAvailability()).isFalse();
        }

        FailureTest.submitEventually(b, "after");
        for (Node n : List.of(a, b)) {
            n.room().await(n.id() + " applied after", TestCluster.WAIT, r -> r.applied().size() == 2);
            assertThat(n.room().applied()).containsExactly("S|a|before", "S|b|after");
            assertThat(n.backend().node().channel().getView().size()).as("the intruder is not in the view").isEqualTo(2);
        }
        assertThat(intruder.room().applied()).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFileBasedLogSurvivesARestart(@TempDir Path dir) throws Exception {
        cluster = new TestCluster("a", "b", "c");
        for (String id : List.of("a", "b", "c")) {
            cluster.start(id, x -> x.dataDirectory(dir.resolve(id)));
        }
        List<Node> nodes = List.of(cluster.node("a"), cluster.node("b"), cluster.node("c"));
        for (Node n : nodes) {
            n.started().get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        for (int i = 0; i < 20; i++) {
            FailureTest.submitEventually(nodes.get(i % 2), "m" + i);
        }
        for (Node n : nodes) {
            n.room().await(n.id() + " applied 20", TestCluster.WAIT, r -> r.applied().size() >= 20);
        }
        List<String> before = nodes.get(0).room().applied().subList(0, 20);
        Node c = nodes.get(2);
        c.backend().close();
        FailureTest.submitEventually(nodes.get(0), "while c was away");

        // c restarts on a new port from its directory (the same TestCluster knows a's and b's addresses)
        Node again = cluster.start("c", x -> x.dataDirectory(dir.resolve("c")));
        again.started().get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        again.room().await("c caught up", TestCluster.WAIT, r -> r.applied().contains("S|a|while c was away"));
        assertThat(again.room().applied().subList(0, 20)).isEqualTo(before);
        assertThat(again.room().applyingThreads().subList(0, 20)).as("read from c's own log as it started, not sent by the leader")
                .containsOnly("start-c");
        assertThat(again.room().snapshotsRead.get()).isZero();
        FailureTest.submitEventually(again, "after restart");
        for (Node n : List.of(nodes.get(0), nodes.get(1), again)) {
            n.room().await(n.id() + " applied after restart", TestCluster.WAIT, r -> r.applied().contains("S|c|after restart"));
        }
        assertThat(again.room().applied()).isEqualTo(nodes.get(0).room().applied());
    }
}
