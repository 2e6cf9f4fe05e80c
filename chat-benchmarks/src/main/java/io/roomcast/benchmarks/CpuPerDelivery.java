package io.roomcast.benchmarks;

/**
 * The figure of the throughput benchmarks to compare: the CPU time one measured thread used per
 * delivery in the current iteration — for Roomcast the server's I/O thread, for the raw yardstick
 * its sending thread. Unlike a rate it does not swing with the noise of a shared machine: a thread
 * waiting for a CPU uses none. {@link CpuPerDeliveryProfiler} reports it after each iteration as
 * {@code :cpuNanosPerDelivery}, averaged over iterations (a JMH auxiliary counter would sum them).
 *
 * <p>Reading a thread's CPU time costs a system call (about a microsecond), so it is read every
 * {@value #SAMPLE_EVERY} operations, and the deliveries are taken at the same samples, so both
 * sides of the ratio cover the same span.
 *
 * <p>Threads: {@link #startIteration} and {@link #update} are called by the benchmark's thread;
 * the figure is read by the profiler's, after the iteration.
 */
final class CpuPerDelivery {
    /** Operations between two readings of the measured thread's CPU time. */
    static final int SAMPLE_EVERY = 64;

    /** The one being measured in this JVM (a fork runs one benchmark), for the profiler. */
    private static volatile CpuPerDelivery active;

    private final ThreadCpuClock clock;
    private long operations;
    private long startDeliveries = -1;
    private long startCpuNanos;
    private volatile double figure = Double.NaN;

    /** Measures {@code clock}'s thread from now on, and is what the profiler reports. */
    CpuPerDelivery(ThreadCpuClock clock) {
        this.clock = clock;
        active = this;
    }

    /** Starts a new iteration's figure at the next {@link #update}. */
    void startIteration() {
        operations = 0;
        startDeliveries = -1;
        figure = Double.NaN;
    }

    /** After an operation: {@code deliveriesSoFar} is the receivers' running total. */
    void update(long deliveriesSoFar) {
        if (startDeliveries < 0) {
            startDeliveries = deliveriesSoFar;
            startCpuNanos = clock.cpuNanos();
        } else if (++operations % SAMPLE_EVERY == 0) {
            long delivered = deliveriesSoFar - startDeliveries;
            if (delivered > 0) {
                figure = (double) (clock.cpuNanos() - startCpuNanos) / delivered;
            }
        }
    }

    /** Nanoseconds of the measured thread's CPU per delivery this iteration; NaN before two samples. */
    double nanosPerDelivery() {
        return figure;
    }

    /** The figure of the one being measured in this JVM, or NaN if none has one this iteration. */
    static double activeFigure() {
        CpuPerDelivery current = active;
        return current == null ? Double.NaN : current.figure;
    }

    /** Forgets the active figure, so that an iteration reports only what it measured itself. */
    static void clearActiveFigure() {
        CpuPerDelivery current = active;
        if (current != null) {
            current.figure = Double.NaN;
        }
    }
}
