package io.roomcast.internal.io;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the clients of one process share unless they ask for their own: {@link #LOOPS} I/O
 * loops ({@code roomcast-shared-<n>-io}), each client given the one with the fewest endpoints; {@link #CALLBACK_THREADS}
 * threads for listener calls ({@code roomcast-shared-<n>-callbacks}); and {@link #FUTURE_THREADS}
 * threads for completing {@code send} futures ({@code roomcast-shared-<n>-futures}); and
 * {@link #SRP_THREADS} threads for the SRP work of joining ({@code roomcast-shared-<n>-srp}), so that a
 * client answering its CHALLENGE does not hold up the other clients on its loop. All are daemons
 * and made when first needed; a loop lives as long as the process (asleep in its selector when it
 * has nothing to do), a callback, futures or SRP thread ends after {@link #IDLE_THREAD_SECONDS}
 * without work. So a process's clients without threads of their own use at most
 * {@code LOOPS + CALLBACK_THREADS + FUTURE_THREADS + SRP_THREADS} threads: with {@code c} cores,
 * {@code c + max(8, 4c) + max(2, c) + max(1, c/2)}.
 *
 * <p>Each client keeps its own two {@link CallbackDispatcher}s over these pools, so its listener
 * calls run one at a time, in order, and its futures likewise, whichever pool thread runs them. A
 * listener that blocks occupies one callback thread while it blocks; only when as many listeners
 * block at once as there are callback threads do other clients' calls wait — which is what a
 * client's own threads are for. Futures have a pool apart because a listener may block on one: the
 * futures it waits for never queue behind blocked listeners.
 *
 * <p>Threads: any thread; the pools are made once, the loops under the class lock.
 */
final class SharedClientThreads {
    /** I/O loops shared by clients: one per core. */
    static final int LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Threads that run clients' listener calls: four per core, at least eight. */
    static final int CALLBACK_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    /** Threads that complete clients' send futures: one per core, at least two. */
    static final int FUTURE_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Threads that do clients' SRP work (answering a CHALLENGE): one per two cores, at least one. */
    static final int SRP_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    /** How long a callback, futures or SRP thread waits for work before it ends (a new one starts on demand). */
    static final long IDLE_THREAD_SECONDS = 5;

    private static final EventLoop[] loops = new EventLoop[LOOPS]; // guarded by the class
    private static int nextLoop; // guarded by the class

    private SharedClientThreads() {
    }

    /**
     * The loop for the next client: the one with the fewest endpoints (one not yet made, or ended,
     * has none), the first in turn among equals; made on first use, and made again if one has ended.
     */
    static synchronized EventLoop nextLoop() throws IOException {
        int index = nextLoop;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < LOOPS && fewest > 0; i++) {
            int candidate = (nextLoop + i) % LOOPS;
            EventLoop loop = loops[candidate];
            int load = loop == null || loop.hasEnded() ? 0 : loop.load();
            if (load < fewest) {
                fewest = load;
                index = candidate;
            }
        }
        nextLoop = (index + 1) % LOOPS;
        EventLoop loop = loops[index];
        if (loop == null || loop.hasEnded()) {
            loop = EventLoop.shared("roomcast-shared-" + (index + 1) + "-io");
            loops[index] = loop;
        }
        return loop;
    }

    /** Where clients' listener calls run. */
    static Executor callbacks() {
        return Pools.CALLBACKS;
    }

    /** Where clients' send futures complete. */
    static Executor futures() {
        return Pools.FUTURES;
    }

    /** Where clients' SRP work runs (each client's {@link PooledOffload} hands the results back to its loop). */
    static Executor srp() {
        return Pools.SRP;
    }

    /** Made on first use: a process with no client, or only clients with their own threads, has none. */
    private static final class Pools {
        static final Executor CALLBACKS = pool(CALLBACK_THREADS, "callbacks");
        static final Executor FUTURES = pool(FUTURE_THREADS, "futures");
        static final Executor SRP = pool(SRP_THREADS, "srp");

        private static Executor pool(int threads, String role) {
            AtomicInteger count = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), runnable -> {
                        Thread thread = new Thread(runnable, "roomcast-shared-" + count.incrementAndGet() + "-" + role);
                        // a daemon: close() waits for a client's callbacks to finish, so none is cut short by exit
                        thread.setDaemon(true);
                        return thread;
                    });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }
}
