package io.roomcast.benchmarks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * End-to-end flow control for the throughput benchmarks: at most {@code size} messages on their
 * way, where a message stops being on its way when every receiver has it. Roomcast and the raw
 * yardstick get the same window, so neither can win by queueing without bound (or, for raw UDP,
 * by overflowing a socket buffer and losing datagrams).
 *
 * <p>Messages are numbered from 0 by the one sender; each receiver gets them in that order (the
 * room's total order, or a single UDP sender on loopback), so once message {@code i} has reached
 * every receiver, so have all before it, and its slot {@code i % size} can be used again.
 *
 * <p>Thread-safe: the sender calls {@link #acquire}, receivers' threads call {@link #arrived}.
 */
final class DeliveryWindow {
    private final int receivers;
    private final int size;
    private final Semaphore free;
    private final AtomicIntegerArray arrivals;
    private final LongAdder deliveries = new LongAdder();

    DeliveryWindow(int receivers, int size) {
        this.receivers = receivers;
        this.size = size;
        this.free = new Semaphore(size);
        this.arrivals = new AtomicIntegerArray(size);
    }

    /**
     * Waits for a free slot for the next message.
     *
     * @return {@code false} if none came free within the timeout: something was lost
     */
    boolean acquire(long timeout, TimeUnit unit) throws InterruptedException {
        return free.tryAcquire(timeout, unit);
    }

    /** One receiver got message {@code index} (its own count of messages so far). */
    void arrived(long index) {
        deliveries.increment();
        int slot = (int) (index % size);
        if (arrivals.incrementAndGet(slot) == receivers) {
            arrivals.set(slot, 0);
            free.release();
        }
    }

    /** Messages received, summed over all receivers. */
    long deliveries() {
        return deliveries.sum();
    }
}
