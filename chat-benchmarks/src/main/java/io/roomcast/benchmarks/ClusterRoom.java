package io.roomcast.benchmarks;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatServer;
import io.roomcast.cluster.RaftRoomBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * One room served by {@code nodes} {@link ChatServer}s in this JVM on 127.0.0.1, with real
 * {@link ChatClient} members spread over them round robin ({@code m0} on the first node,
 * {@code m1} on the second, ...). One node is a plain server with the default in-process
 * backend, exactly as {@link LoopbackRoom} builds it; three are servers on
 * {@link RaftRoomBackend}s with their defaults (5 s failure detection, in-memory log), on port 0,
 * each given the cluster addresses of the nodes started before it. Every node has the same
 * password, room name and raised rate limit as {@link LoopbackRoom}.
 *
 * <p>The constructor returns once every node serves (its backend available) and every member
 * has joined, or throws after {@link #START_WITHIN}.
 */
final class ClusterRoom implements AutoCloseable {
    /** How long the nodes may take to start, elect a leader and catch up, together. */
    static final Duration START_WITHIN = Duration.ofSeconds(60);

    final List<ChatServer> servers = new ArrayList<>();
    final List<ChatClient> members = new ArrayList<>();
    private final List<RaftRoomBackend> backends = new ArrayList<>();

    /**
     * Starts the nodes and joins {@code size} members named {@code m0, m1, ...}, member
     * {@code i} on node {@code i % nodes} with the listener {@code listeners.apply(i)}.
     *
     * @param nodes 1 (the default backend) or more (Raft)
     */
    ClusterRoom(int nodes, int size, IntFunction<ChatClientListener> listeners) throws IOException {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1, was " + nodes);
        }
        try {
            if (nodes == 1) {
                ChatServer server = serverBuilder(size).build();
                servers.add(server);
                server.start();
            } else {
                startCluster(nodes, size);
            }
            for (int i = 0; i < size; i++) {
                ChatClient client = ChatClient.builder()
                        .server(servers.get(i % nodes).localAddress())
                        .username("m" + i)
                        .password(LoopbackRoom.PASSWORD)
                        .listener(listeners.apply(i))
                        .build();
                members.add(client);
                client.connect();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static ChatServer.Builder serverBuilder(int size) {
        return ChatServer.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .password(LoopbackRoom.PASSWORD)
                .roomName("benchmark")
                .maxMembers(Math.max(size, ChatServer.DEFAULT_MAX_MEMBERS))
                .rateLimit(LoopbackRoom.UNLIMITED_MESSAGES_PER_SECOND, Integer.MAX_VALUE);
    }

    /**
     * Starts node {@code n0}, then {@code n1} knowing {@code n0}'s cluster address, and so on; a
     * server's {@code start} returns only once its backend has caught up with a majority, so each
     * starts on its own thread.
     */
    private void startCluster(int nodes, int size) throws IOException {
        long deadline = System.nanoTime() + START_WITHIN.toNanos();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            RaftRoomBackend.Builder builder = RaftRoomBackend.builder()
                    .nodeId("n" + n)
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .clusterSecret(secret)
                    .startTimeout(START_WITHIN);
            for (int other = 0; other < nodes; other++) {
                if (other < n) {
                    builder.peer("n" + other, backends.get(other).boundAddress());
                } else if (other > n) {
                    builder.peer("n" + other);
                }
            }
            RaftRoomBackend backend = builder.build();
            backends.add(backend);
            ChatServer server = serverBuilder(size).backend(backend).build();
            servers.add(server);
            CompletableFuture<Void> start = new CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    server.start();
                    start.complete(null);
                } catch (Throwable t) {
                    start.completeExceptionally(t);
                }
            }, "cluster-room-start-n" + n);
            starter.setDaemon(true);
            starter.start();
            started.add(start);
            await("node n" + n + " to bind its cluster transport", deadline,
                    () -> backend.boundAddress() != null || start.isDone());
        }
        for (int n = 0; n < nodes; n++) {
            try {
                started.get(n).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IOException("node n" + n + " did not start", e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("node n" + n + " did not start within " + START_WITHIN, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while node n" + n + " started", e);
            }
            RaftRoomBackend backend = backends.get(n);
            await("node n" + n + " to be available", deadline, backend::available);
        }
    }

    private static void await(String what, long deadlineNanos, BooleanSupplier condition) throws IOException {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IOException("timed out after " + START_WITHIN + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() {
        for (ChatClient member : members) {
            member.close();
        }
        for (ChatServer server : servers) {
            server.close();
        }
        // a server closed while its start was still waiting does not close its backend: do it here
        for (RaftRoomBackend backend : backends) {
            backend.close();
        }
    }
}
