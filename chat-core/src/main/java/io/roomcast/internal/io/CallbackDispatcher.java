package io.roomcast.internal.io;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs listener callbacks one after another, in the order given, never two at once, on the
 * application's {@link Executor} or on a dispatcher thread of its own. A callback that throws
 * is logged and the next one runs. The I/O thread hands callbacks here and never waits for them,
 * so a slow listener cannot stall the network. The dispatcher's own thread ends after a second
 * without work and a new one starts when work comes, so nothing needs shutting down.
 *
 * <p>Thread-safe.
 */
public final class CallbackDispatcher implements Executor {
    private static final Logger log = LoggerFactory.getLogger(CallbackDispatcher.class);

    /** How long the dispatcher's own thread waits for work before it ends (a new one starts on demand). */
    private static final long IDLE_THREAD_SECONDS = 1;
    private static final ThreadLocal<CallbackDispatcher> CURRENT = new ThreadLocal<>();

    private final Executor executor;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean draining; // guarded by tasks

    /**
     * A dispatcher on {@code executor}, or, if it is {@code null}, on a thread of its own named
     * {@code threadName}.
     */
    public CallbackDispatcher(Executor executor, String threadName) {
        if (executor != null) {
            this.executor = executor;
        } else {
            ThreadPoolExecutor own = new ThreadPoolExecutor(1, 1, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), runnable -> {
                        Thread thread = new Thread(runnable, threadName);
                        // a daemon: close() waits for callbacks to finish, so none is cut short by exit
                        thread.setDaemon(true);
                        return thread;
                    });
            own.allowCoreThreadTimeOut(true);
            this.executor = own;
        }
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RuntimeException e) {
            synchronized (tasks) {
                draining = false;
            }
            log.error("the callback executor refused a task; callbacks are lost", e);
        }
    }

    /**
     * Waits until every callback given so far has run. Returns at once when called from one of
     * this dispatcher's own callbacks, which would otherwise wait for itself.
     *
     * @return {@code false} if they had not all run within {@code timeout}
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        if (CURRENT.get() == this) {
            return true;
        }
        CountDownLatch done = new CountDownLatch(1);
        execute(done::countDown);
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (tasks) {
                task = tasks.poll();
                if (task == null) {
                    draining = false;
                    return;
                }
            }
            CURRENT.set(this);
            try {
                task.run();
            } catch (RuntimeException | AssertionError e) {
                log.warn("a listener threw; delivery goes on", e);
            } finally {
                CURRENT.remove();
            }
        }
    }
}
