package io.roomcast.benchmarks;

import io.roomcast.internal.protocol.SimulatedRoom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every turn of the server's event loop asks the engine before it sleeps: when is the next
 * timer due? In a room of {@code members} idle members ({@link BenchmarkRoom}, full handshakes).
 * It must not grow with the room: the server's one thread asks it at least twice per datagram,
 * and a room of thousands receives thousands of keepalives a second.
 *
 * <p>{@code java -jar chat-benchmarks/target/benchmarks.jar LoopTurn}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LoopTurnBenchmark {
    @Param({"100", "2000"})
    public int members;

    private SimulatedRoom room;

    @Setup(Level.Trial)
    public void buildRoom() {
        room = BenchmarkRoom.withMembers(members);
        room.runFor(TimeUnit.SECONDS.toNanos(1));
    }

    /** The next deadline of the server engine. */
    @Benchmark
    public long nextDeadline() {
        return room.server().nextDeadlineNanos();
    }

    /** Members in the room, for the smoke test. */
    int roomSize() {
        return room.memberCount();
    }
}
