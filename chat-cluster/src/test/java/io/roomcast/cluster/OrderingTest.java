package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.cluster.TestCluster.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class OrderingTest {
    private final TestCluster cluster = new TestCluster("a", "b", "c");

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void threeNodesApplyOneOrderUnderConcurrentSubmits() throws Exception {
        List<Node> nodes = cluster.startAll();
        for (Node n : nodes) {
            assertThat(n.backend().available()).as(n.id() + " available").isTrue();
            assertThat(n.room().lastAvailability()).isTrue();
        }
        int perNode = 40;
        List<Thread> senders = new ArrayList<>();
        for (Node n : nodes) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < perNode; i++) {
                    assertThat(n.submit("m" + i)).as(n.id() + " took m" + i).isTrue();
                }
            }, "send-" + n.id());
            senders.add(t);
            t.start();
        }
        for (Thread t : senders) {
            t.join(TestCluster.WAIT.toMillis());
        }
        for (Node n : nodes) {
            n.room().await(n.id() + " applied all", TestCluster.WAIT, r -> r.applied().size() >= 3 * perNode);
        }
        List<String> order = nodes.get(0).room().applied();
        assertThat(order).hasSize(3 * perNode).doesNotHaveDuplicates();
        for (Node n : nodes) {
            assertThat(n.room().applied()).as(n.id() + "'s order").isEqualTo(order);
            assertThat(n.room().failed()).isEmpty();
            List<String> own = order.stream().filter(s -> s.startsWith("S|" + n.id() + "|")).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perNode; i++) {
                expected.add("S|" + n.id() + "|m" + i);
            }
            assertThat(own).as("each node's commands, in its submission order").isEqualTo(expected);
        }
    }
}
