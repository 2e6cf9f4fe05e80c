package io.roomcast.internal.io;

import io.roomcast.internal.protocol.Offload;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an engine's slow work (SRP modular exponentiation) on a small pool of daemon threads and
 * hands each result back to the engine's {@link EventLoop} as a command, so the I/O thread never
 * blocks on it. Thread-safe.
 */
public final class PooledOffload implements Offload, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PooledOffload.class);

    private final ExecutorService pool;
    private volatile EventLoop loop;

    /** A pool of {@code threads} daemon threads named after {@code name}. */
    public PooledOffload(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The loop results go back to; set before the engine can submit anything. */
    public void attach(EventLoop eventLoop) {
        this.loop = eventLoop;
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
        pool.shutdownNow();
    }
}
