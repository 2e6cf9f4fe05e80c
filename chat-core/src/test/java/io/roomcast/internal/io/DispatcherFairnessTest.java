package io.roomcast.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dispatchers that share a pool take turns on its threads: a client whose listener is busy under
 * steady traffic gives its thread back after a batch, so a quiet client's call does not wait for
 * the traffic to end; each dispatcher's calls still run in order, one at a time.
 */
@Timeout(30)
class DispatcherFairnessTest {
    private static final int THREADS = SharedClientThreads.CALLBACK_THREADS;
    private static final Duration TRAFFIC = Duration.ofSeconds(4);
    private static final Duration QUIET_CALL_WITHIN = Duration.ofSeconds(1);
    /** How many calls each busy dispatcher has run before the quiet one is given its call. */
    private static final int SEVERAL_DRAINS = CallbackDispatcher.MAX_CALLBACKS_PER_DRAIN * 3;

    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "test-shared-callbacks");
                thread.setDaemon(true);
                return thread;
            });
    private final AtomicBoolean stop = new AtomicBoolean();
    /** When the busy dispatchers stop queueing more: {@link #TRAFFIC} after every one is running. */
    private final AtomicLong trafficEnds = new AtomicLong(Long.MAX_VALUE);

    @AfterEach
    void stopPool() throws InterruptedException {
        stop.set(true);
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void busyDispatchersOnEveryPoolThreadLeaveRoomForAQuietOneAndKeepTheirOrder() throws InterruptedException {
        CountDownLatch allBusy = new CountDownLatch(THREADS); // each has run several drains' worth
        List<Busy> busy = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Busy one = new Busy(new CallbackDispatcher(pool, "unused"), allBusy);
            busy.add(one);
            for (int queued = 0; queued < 100; queued++) {
                one.feed();
            }
        }
        assertThat(allBusy.await(10, TimeUnit.SECONDS)).isTrue();
        trafficEnds.set(System.nanoTime() + TRAFFIC.toNanos());

        CallbackDispatcher quiet = new CallbackDispatcher(pool, "unused");
        CountDownLatch quietRan = new CountDownLatch(1);
        long given = System.nanoTime();
        AtomicLong ranAfterNanos = new AtomicLong();
        quiet.execute(() -> {
            ranAfterNanos.set(System.nanoTime() - given);
            quietRan.countDown();
        });
        assertThat(quietRan.await(TRAFFIC.toMillis() + 5_000, TimeUnit.MILLISECONDS)).isTrue();
        stop.set(true);

        assertThat(Duration.ofNanos(ranAfterNanos.get())).isLessThan(QUIET_CALL_WITHIN);
        for (Busy one : busy) {
            // a callback that read the traffic still on may be between numbering its last feed and
            // queueing it when the dispatcher first looks drained: wait (bounded) for that one too
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            do {
                one.dispatcher.awaitDrained();
            } while (one.ran.get() != one.fed.get() && System.nanoTime() < deadline);
            assertThat(one.overlaps.get()).isZero();
            assertThat(one.outOfOrder.get()).isZero();
            // several drains' worth: the order held across the resubmissions
            assertThat(one.ran.get()).isGreaterThanOrEqualTo(SEVERAL_DRAINS);
            assertThat(one.ran.get()).isEqualTo(one.fed.get());
        }
    }

    @Test
    void onADirectExecutorADrainGoesOnInItsOwnFrameInsteadOfNesting() {
        CallbackDispatcher direct = new CallbackDispatcher(Runnable::run, "unused");
        int total = CallbackDispatcher.MAX_CALLBACKS_PER_DRAIN * 20;
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger firstDepth = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            int depth = Thread.currentThread().getStackTrace().length;
            firstDepth.compareAndSet(0, depth);
            deepest.accumulateAndGet(depth, Math::max);
            int n = ran.incrementAndGet();
            if (n < total) {
                direct.execute(next[0]); // queued behind this one: the running drain takes it
            }
            if (n != ran.get()) {
                outOfOrder.incrementAndGet(); // a nested drain ran the next one inside this call
            }
        };

        direct.execute(next[0]);

        assertThat(ran.get()).isEqualTo(total);
        assertThat(outOfOrder.get()).isZero();
        assertThat(deepest.get()).isEqualTo(firstDepth.get());
    }

    /** A dispatcher whose every callback burns ~0.2 ms and queues the next until the traffic ends. */
    private final class Busy {
        final CallbackDispatcher dispatcher;
        final CountDownLatch started;
        final AtomicInteger fed = new AtomicInteger();
        final AtomicInteger ran = new AtomicInteger();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger outOfOrder = new AtomicInteger();

        Busy(CallbackDispatcher dispatcher, CountDownLatch started) {
            this.dispatcher = dispatcher;
            this.started = started;
        }

        /** Synchronized: the test thread's first feeds and the callbacks' own must not interleave their numbers. */
        synchronized void feed() {
            int sequence = fed.incrementAndGet();
            dispatcher.execute(() -> call(sequence));
        }

        private void call(int sequence) {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            int count = ran.incrementAndGet();
            if (count != sequence) {
                outOfOrder.incrementAndGet();
            }
            if (count == SEVERAL_DRAINS) {
                started.countDown();
            }
            long until = System.nanoTime() + 200_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            if (!stop.get() && System.nanoTime() - trafficEnds.get() < 0) {
                feed();
            }
            inside.decrementAndGet();
        }
    }
}
