package io.roomcast.benchmarks;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Messages per second through one room served by {@code nodes} servers in this JVM on loopback
 * ({@link ClusterRoom}): {@code nodes = 1} is a plain server with the default in-process
 * backend, {@code nodes = 3} three servers whose room is ordered through Raft
 * ({@code RaftRoomBackend}). {@code members} real clients are spread over the nodes; one of
 * them ({@code m0}, on the first node) sends {@value #PAYLOAD}-byte messages as fast as the
 * end-to-end {@link DeliveryWindow} of {@value BroadcastThroughputBenchmark#WINDOW} messages
 * allows, so a message counts once every member, on every node, has it. The primary score is
 * messages per second; {@code :deliveries} counts what member listeners received. The ratio of
 * the two params, from the same run, is the cost of ordering through Raft. Nothing may be
 * dropped: at teardown every member must have every message sent, or the run fails.
 *
 * <p>Run both params and {@link ClusterLatencyBenchmark} in one invocation:
 * {@code java -jar chat-benchmarks/target/benchmarks.jar Cluster -f 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ClusterThroughputBenchmark {
    static final int PAYLOAD = 32;

    @Param({"1", "3"})
    public int nodes;

    @Param("6")
    public int members;

    private ClusterRoom room;
    private DeliveryWindow window;
    private AtomicLong[] received;
    private ChatClient sender;
    private String text;
    private long sent;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final BiConsumer<ChatMessage, Throwable> onAccepted = (message, failure) -> {
        if (failure != null) {
            refused.incrementAndGet();
            firstFailure.compareAndSet(null, failure);
        }
    };

    @Setup(Level.Trial)
    public void startRoom() throws IOException {
        window = new DeliveryWindow(members, BroadcastThroughputBenchmark.WINDOW);
        received = new AtomicLong[members];
        for (int i = 0; i < members; i++) {
            received[i] = new AtomicLong();
        }
        room = new ClusterRoom(nodes, members, this::countingListener);
        sender = room.members.get(0);
        text = LoopbackRoom.payload(PAYLOAD);
    }

    private ChatClientListener countingListener(int member) {
        AtomicLong count = received[member];
        return new ChatClientListener() {
            @Override
            public void onMessage(ChatMessage message) {
                // callbacks of one client run one after another, so the count is this member's order
                window.arrived(count.getAndIncrement());
            }
        };
    }

    @Benchmark
    public void broadcast(Deliveries deliveries) throws InterruptedException {
        if (!window.acquire(BroadcastThroughputBenchmark.LOST_AFTER_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a message did not reach every member within "
                    + BroadcastThroughputBenchmark.LOST_AFTER_SECONDS + " s; sent " + sent + ", refused "
                    + refused.get(), firstFailure.get());
        }
        sender.send(text).whenComplete(onAccepted);
        sent++;
        deliveries.update(window.deliveries());
    }

    @TearDown(Level.Trial)
    public void checkNothingLostAndStop() throws InterruptedException {
        try {
            // wait for the tail of the window, then every member must have every message
            for (int i = 0; i < BroadcastThroughputBenchmark.WINDOW; i++) {
                if (!window.acquire(BroadcastThroughputBenchmark.LOST_AFTER_SECONDS, TimeUnit.SECONDS)) {
                    break;
                }
            }
            if (refused.get() > 0) {
                throw new IllegalStateException(refused.get() + " of " + sent + " messages were refused",
                        firstFailure.get());
            }
            for (int i = 0; i < members; i++) {
                if (received[i].get() != sent) {
                    throw new IllegalStateException("member m" + i + " received " + received[i].get() + " of "
                            + sent + " messages");
                }
            }
        } finally {
            room.close();
        }
    }

    /** Messages sent so far, for the smoke test. */
    long sent() {
        return sent;
    }

    /** Messages received so far, summed over members, for the smoke test. */
    long deliveries() {
        return window.deliveries();
    }
}
