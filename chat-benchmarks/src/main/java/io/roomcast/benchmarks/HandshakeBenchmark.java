package io.roomcast.benchmarks;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Joins per second: a cold {@link ChatClient} (new socket, new threads) joins a running room on
 * loopback — the full SRP-6a handshake over the RFC 5054 2048-bit group on both sides, key
 * schedule, WELCOME — and leaves again. Client and server share this JVM's cores, so each join
 * pays for both sides' modular exponentiation ({@link JoinCostBenchmark} measures each side's
 * CPU alone: about 0.7–1 ms for the server and 1.2 ms for the client on the machine in
 * BENCHMARKS.md, with the fixed-base tables). {@link #joinAndLeave} is one client after another, which leaves a core idle
 * while the other side computes; {@link #fourJoiningAtOnce} is four clients joining at the same
 * time, as a busy server sees them, and is the figure for the server's rate of joins.
 *
 * <p>{@code java -jar chat-benchmarks/target/benchmarks.jar Handshake}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HandshakeBenchmark {
    private LoopbackRoom room;
    private final AtomicLong joins = new AtomicLong();

    @Setup(Level.Trial)
    public void startRoom() throws IOException {
        room = new LoopbackRoom(0, member -> new ChatClientListener() { });
    }

    /** One join and leave; returns the number of members the client saw when it joined. */
    @Benchmark
    @Threads(1)
    public int joinAndLeave() throws IOException {
        try (ChatClient client = room.newClient("c" + joins.incrementAndGet(), new ChatClientListener() { })) {
            client.connect();
            return client.members().size();
        }
    }

    /** The same, from four threads at once. */
    @Benchmark
    @Threads(4)
    public int fourJoiningAtOnce() throws IOException {
        return joinAndLeave();
    }

    @TearDown(Level.Trial)
    public void stopRoom() {
        room.close();
    }
}
