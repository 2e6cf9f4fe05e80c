package io.roomcast.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time one thread has used, from {@link ThreadMXBean#getThreadCpuTime}: what the
 * throughput benchmarks divide by deliveries, because unlike a wall-clock rate it does not swing
 * with what else the shared machine is doing (a thread that waits for the CPU uses none).
 *
 * <p>Thread-safe; reading it costs a system call (about a microsecond), so callers sample it.
 */
final class ThreadCpuClock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long threadId;
    private final String description;

    private ThreadCpuClock(long threadId, String description) {
        this.threadId = threadId;
        this.description = description;
    }

    /** The clock of the calling thread. */
    static ThreadCpuClock ofCurrentThread() {
        Thread current = Thread.currentThread();
        return new ThreadCpuClock(current.getId(), current.getName());
    }

    /**
     * The clock of the one live thread named {@code name}.
     *
     * @throws IllegalStateException if no live thread, or more than one, has that name, or the
     *                               JVM cannot measure thread CPU time
     */
    static ThreadCpuClock ofThreadNamed(String name) {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
        }
        Thread found = null;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name)) {
                if (found != null) {
                    throw new IllegalStateException("more than one thread is named " + name);
                }
                found = thread;
            }
        }
        if (found == null) {
            throw new IllegalStateException("no live thread is named " + name);
        }
        return new ThreadCpuClock(found.getId(), name);
    }

    /**
     * Nanoseconds of CPU the thread has used so far.
     *
     * @throws IllegalStateException if the thread has ended
     */
    long cpuNanos() {
        long nanos = THREADS.getThreadCpuTime(threadId);
        if (nanos < 0) {
            throw new IllegalStateException("thread " + description + " has ended or cannot be measured");
        }
        return nanos;
    }
}
