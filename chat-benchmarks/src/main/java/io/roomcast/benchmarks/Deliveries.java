package io.roomcast.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The secondary score of the throughput benchmarks: messages received by receivers, summed,
 * reported by JMH per second as {@code :deliveries}. It counts what actually arrived, read from
 * the receivers' counters, not what was sent times the number of members.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Deliveries {
    /** Deliveries in the current iteration (JMH reads it at the iteration's end). */
    public long deliveries;
    private long atIterationStart = -1;

    @Setup(Level.Iteration)
    public void startIteration() {
        deliveries = 0;
        atIterationStart = -1;
    }

    /** Brings the count up to date from the receivers' running total. */
    void update(long totalSoFar) {
        if (atIterationStart < 0) {
            atIterationStart = totalSoFar;
        }
        deliveries = totalSoFar - atIterationStart;
    }
}
