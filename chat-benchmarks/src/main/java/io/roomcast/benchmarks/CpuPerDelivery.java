package io.roomcast.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The figure of the throughput benchmarks to compare, reported per iteration as
 * {@code :cpuNanosPerDelivery}: the CPU time one measured thread used per delivery — for Roomcast
 * the server's I/O thread, for the raw yardstick its sending thread. Unlike a rate it does not
 * swing with the noise of a shared machine: a thread waiting for a CPU uses none.
 *
 * <p>Reading a thread's CPU time costs a system call (about a microsecond), so it is read every
 * {@value #SAMPLE_EVERY} operations, and the deliveries are taken at the same samples, so both
 * sides of the ratio cover the same span.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuPerDelivery {
    /** Operations between two readings of the measured thread's CPU time. */
    static final int SAMPLE_EVERY = 64;

    /** Nanoseconds of the measured thread's CPU per delivery, this iteration so far (JMH reads it). */
    public double cpuNanosPerDelivery;
    private long operations;
    private long startDeliveries = -1;
    private long startCpuNanos;

    @Setup(Level.Iteration)
    public void startIteration() {
        cpuNanosPerDelivery = Double.NaN;
        operations = 0;
        startDeliveries = -1;
    }

    /** After an operation: {@code deliveriesSoFar} is the receivers' running total. */
    void update(long deliveriesSoFar, ThreadCpuClock clock) {
        if (startDeliveries < 0) {
            startDeliveries = deliveriesSoFar;
            startCpuNanos = clock.cpuNanos();
        } else if (++operations % SAMPLE_EVERY == 0) {
            long delivered = deliveriesSoFar - startDeliveries;
            if (delivered > 0) {
                cpuNanosPerDelivery = (double) (clock.cpuNanos() - startCpuNanos) / delivered;
            }
        }
    }
}
