package io.roomcast.benchmarks;

import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
 * Time from {@code send} to the message reaching the listener of every member, in one room
 * served by {@code nodes} servers in this JVM on loopback ({@link ClusterRoom}; 1 = the default
 * in-process backend, 3 = ordered through Raft), {@code members} spread over the nodes, the
 * sender {@code m0} on the first node. One message at a time, at most
 * {@value LatencyBenchmark#MESSAGES_PER_SECOND} per second (the pause before each send is outside
 * the measured time), as {@link LatencyBenchmark} does. JMH's sample mode reports p50, p99 and
 * the maximum; the difference between the params, from the same run, is the latency that
 * ordering through Raft adds. With one message at a time the followers learn that it committed
 * only from the leader's next resend (see {@code docs/cluster-backend.md}), so the 3-node
 * samples are few: the measurement iterations are longer than {@link LatencyBenchmark}'s.
 *
 * <p>{@code java -jar chat-benchmarks/target/benchmarks.jar Cluster -f 1} (with
 * {@link ClusterThroughputBenchmark}), or {@code ClusterLatency} alone.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class ClusterLatencyBenchmark {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1) / LatencyBenchmark.MESSAGES_PER_SECOND;

    @Param({"1", "3"})
    public int nodes;

    @Param("6")
    public int members;

    private ClusterRoom room;
    private DeliveryWindow reachedEveryone;
    private String text;
    private long nextSendAtNanos;

    @Setup(Level.Trial)
    public void startRoom() throws IOException, InterruptedException {
        // a window of one: its single slot comes free when the message in flight reached every member
        reachedEveryone = new DeliveryWindow(members, 1);
        reachedEveryone.acquire(0, TimeUnit.SECONDS);
        room = new ClusterRoom(nodes, members, member -> new ChatClientListener() {
            private final AtomicLong count = new AtomicLong();

            @Override
            public void onMessage(ChatMessage message) {
                reachedEveryone.arrived(count.getAndIncrement());
            }
        });
        text = LoopbackRoom.payload(32);
        nextSendAtNanos = System.nanoTime();
    }

    /** Holds the rate: waits (parked, not spinning) until this message's turn. Not measured. */
    @Setup(Level.Invocation)
    public void pace() {
        long wait = nextSendAtNanos - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        nextSendAtNanos = Math.max(System.nanoTime(), nextSendAtNanos) + INTERVAL_NANOS;
    }

    /** Sends one message and waits until every member, on every node, has it; returns deliveries so far. */
    @Benchmark
    public long sendToEveryone() throws InterruptedException {
        room.members.get(0).send(text);
        if (!reachedEveryone.acquire(BroadcastThroughputBenchmark.LOST_AFTER_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a message did not reach every member within "
                    + BroadcastThroughputBenchmark.LOST_AFTER_SECONDS + " s");
        }
        return reachedEveryone.deliveries();
    }

    @TearDown(Level.Trial)
    public void stopRoom() {
        room.close();
    }
}
