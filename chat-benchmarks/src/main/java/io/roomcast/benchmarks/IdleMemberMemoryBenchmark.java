package io.roomcast.benchmarks;

import io.roomcast.internal.protocol.SimulatedRoom;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Heap retained per idle member: the sans-I/O server engine ({@link BenchmarkRoom}) admits
 * {@code members} members through the full handshake, the room runs {@value #SETTLE_SECONDS}
 * virtual seconds of keepalives so every handshake leftover has expired, the client engines are
 * taken off the simulated network (which then keeps nothing about them) and dropped, and the heap
 * in use after a full GC, less the heap before the server existed, is divided by the members.
 * That counts everything the server keeps: connections, usernames, keys, loss-recovery state, and
 * the room log of their join events. The score to read is {@code :bytesPerMember}; the time is
 * how long building the room took.
 *
 * <p>The SRP group is RFC 5054's 1024-bit one to build the room quickly; once joined, a member's
 * state holds no group-sized numbers, so the 2048-bit group retains the same. The forked JVM
 * gets a 20 GiB heap: the 10,000 client engines that build the room each know all 10,000 names
 * (about 14 GiB between them, all dropped before the measurement); building takes about five
 * minutes on two cores. Run:
 * {@code java -jar chat-benchmarks/target/benchmarks.jar IdleMemberMemory}
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx20g")
@State(Scope.Benchmark)
public class IdleMemberMemoryBenchmark {
    static final int SETTLE_SECONDS = 12;

    @Param("10000")
    public int members;

    /** The reported figure. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Footprint {
        /** Heap retained by the server, per member, in bytes. */
        public long bytesPerMember;
    }

    /** Builds the room and measures it; returns the room so it stays reachable until measured. */
    @Benchmark
    public Object measure(Footprint footprint) {
        long before = heapAfterGc();
        SimulatedRoom room = BenchmarkRoom.withMembers(members);
        room.runFor(TimeUnit.SECONDS.toNanos(SETTLE_SECONDS));
        if (room.memberCount() != members) {
            throw new IllegalStateException("the room has " + room.memberCount() + " of " + members + " members");
        }
        room.detachClients();
        long after = heapAfterGc();
        footprint.bytesPerMember = (after - before) / members;
        // still a member each: reading the room keeps it reachable through the measurement
        if (room.memberCount() != members) {
            throw new IllegalStateException("members left while idle");
        }
        return room;
    }

    static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // a few rounds: finalizable and soft-referenced garbage can take more than one collection
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
