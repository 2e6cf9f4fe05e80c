package io.roomcast.cluster;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Nodes of one test cluster in this JVM, on 127.0.0.1 with port 0 and shortened timeouts. A
 * node learns the bound addresses of the nodes started before it; the earlier ones learn its
 * address when it contacts them.
 */
final class TestCluster implements AutoCloseable {
    static final Duration FAILURE_DETECTION = Duration.ofMillis(2000);
    static final Duration WAIT = Duration.ofSeconds(60); // generous: a loaded 2-core machine elects slowly
    static final byte[] SECRET = "roomcast test cluster secret, 32b".getBytes(StandardCharsets.UTF_8);

    /** A started (or starting) node. */
    record Node(String id, RaftRoomBackend backend, RecordingRoom room, CompletableFuture<Void> started) {
        boolean isLeader() {
            return backend.node() != null && backend.node().isLeader();
        }

        boolean submit(String text) {
            return backend.submit(TestCommand.say(id, text));
        }
    }

    private final List<String> ids;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<RaftRoomBackend> all = new ArrayList<>();

    TestCluster(String... ids) {
        this.ids = List.of(ids);
    }

    Node start(String id) {
        return start(id, b -> b);
    }

    /** Starts {@code id} in the background and returns once its transport is bound. */
    Node start(String id, UnaryOperator<RaftRoomBackend.Builder> tweak) {
        RaftRoomBackend.Builder builder = RaftRoomBackend.builder()
                .nodeId(id)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .clusterSecret(SECRET)
                .failureDetection(FAILURE_DETECTION)
                .startTimeout(Duration.ofSeconds(20));
        for (String other : ids) {
            if (other.equals(id)) {
                continue;
            }
            Node known = nodes.get(other);
            InetSocketAddress address = known == null ? null : known.backend().boundAddress();
            if (address != null) {
                builder.peer(other, address);
            } else {
                builder.peer(other);
            }
        }
        RaftRoomBackend backend = tweak.apply(builder).build();
        all.add(backend);
        RecordingRoom room = new RecordingRoom();
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                backend.start(room);
                started.complete(null);
            } catch (Throwable t) {
                started.completeExceptionally(t);
            }
        }, "start-" + id);
        starter.setDaemon(true);
        starter.start();
        Node node = new Node(id, backend, room, started);
        nodes.put(id, node);
        await("node " + id + " bound", WAIT, () -> backend.boundAddress() != null || started.isDone());
        return node;
    }

    Node node(String id) {
        return nodes.get(id);
    }

    /** Starts the nodes one after another and waits until all have caught up. */
    List<Node> startAll() throws Exception {
        List<Node> started = new ArrayList<>();
        for (String id : ids) {
            started.add(start(id));
        }
        for (Node n : started) {
            n.started().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        return started;
    }

    Node awaitLeader(List<Node> among) {
        await("a leader", WAIT, () -> among.stream().anyMatch(Node::isLeader));
        return among.stream().filter(Node::isLeader).findFirst().orElseThrow();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() {
        for (RaftRoomBackend b : all) {
            b.close();
        }
    }
}
