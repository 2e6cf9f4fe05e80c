package io.roomcast.internal.io;

import io.roomcast.internal.protocol.Offload;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an engine's slow work (SRP modular exponentiation) on a small pool of daemon threads and
 * hands each result back to the engine's loop as a command, through the loop's
 * {@link CommandQueue}, so the I/O thread never blocks on it. The pool is its own (a server's), or
 * one that many engines share (clients', {@link SharedClientThreads#srp()}), which close leaves running.
 *
 * <p>Threads: {@link #submit} is called on the I/O thread, the work runs on the pool's threads,
 * its continuation on the I/O thread again; {@link #close} from any thread.
 */
public final class PooledOffload implements Offload, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PooledOffload.class);

    private final Executor pool;
    /** The pool if this offload made it (and close shuts it down), else null. */
    private final ExecutorService owned;
    private final CommandQueue loop;

    /** A pool of {@code threads} daemon threads named after {@code name}, handing results to {@code loop}. */
    public PooledOffload(String name, int threads, CommandQueue loop) {
        this.loop = loop;
        AtomicInteger count = new AtomicInteger();
        this.owned = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.pool = owned;
    }

    /** Runs work on {@code shared}, a pool it does not own (close leaves it running), handing results to {@code loop}. */
    public PooledOffload(Executor shared, CommandQueue loop) {
        this.loop = loop;
        this.pool = shared;
        this.owned = null;
    }

    @Override
    public <T> void submit(long nowNanos, Supplier<T> work, Continuation<T> then) {
        try {
            pool.execute(() -> {
                T result;
                try {
                    result = work.get();
                } catch (RuntimeException e) {
                    log.error("offloaded work failed", e);
                    result = null;
                }
                T outcome = result;
                loop.execute(now -> then.resume(outcome, now));
            });
        } catch (RejectedExecutionException e) {
            log.debug("offloaded work refused: the pool is shut down");
        }
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.shutdownNow();
        }
    }
}
