package io.roomcast.internal.io;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs listener callbacks one after another, in the order given, never two at once, on the
 * application's {@link Executor} or on a dispatcher thread of its own. A callback that throws
 * anything — a {@link StackOverflowError} included — is logged and the next one runs; only a
 * failing JVM ({@link VirtualMachineError}, such as running out of memory) ends the current
 * drain, and the next callback given starts a new one. A drain runs at most
 * {@link #MAX_CALLBACKS_PER_DRAIN} callbacks, then queues the rest on the executor as a new task,
 * so that dispatchers sharing a pool take turns on its threads. The I/O thread hands callbacks here and
 * never waits for them, so a slow listener cannot stall the network. The dispatcher's own thread
 * ends after a second without work and a new one starts when work comes, so nothing needs
 * shutting down.
 *
 * <p>The queue is bounded by {@link #MAX_QUEUED_CALLBACKS}, in one of two ways, chosen per call
 * by whoever hands callbacks here. A producer that can wait asks {@link #hasRoom()} first and
 * holds its work back while there is none; it is told when the queue has drained to half
 * ({@code roomAgain}), which is how a client's engine stops taking the room's events from a
 * listener that cannot keep up. A producer that cannot wait {@link #offer offers} and the callback
 * is dropped when the queue is full, counted ({@link #dropped()}) and logged at most every
 * {@link #DROP_WARNING_INTERVAL}; that is the server's, whose room must not wait for its host's
 * listener. {@link #execute} always queues: it is for what must not be lost and is bounded by its
 * caller — terminal calls, and calls promised by one already queued.
 *
 * <p>Threads: {@link #execute}, {@link #offer} and {@link #hasRoom} are called from any thread (the
 * I/O thread, mostly); the queue, the {@code draining} and {@code roomWanted} flags and
 * {@code mostQueued} are guarded by the queue, the drop count by itself; callbacks and
 * {@code roomAgain} run on the executor's thread, one at a time.
 */
public final class CallbackDispatcher implements Executor {
    private static final Logger log = LoggerFactory.getLogger(CallbackDispatcher.class);

    /**
     * Most callbacks that wait for a listener through {@link #hasRoom()} or {@link #offer}: 1,024.
     * A client holds the room's further events back (its engine holds at most 1,024 more); a
     * server drops further calls.
     */
    public static final int MAX_QUEUED_CALLBACKS = 1024;
    /**
     * Once {@link #hasRoom()} said no, {@code roomAgain} runs when this few callbacks wait: half
     * the bound, so that a producer is woken once per half queue, not once per callback.
     */
    private static final int ROOM_AGAIN_AT = MAX_QUEUED_CALLBACKS / 2;
    /** Dropped callbacks are logged at most this often, with how many since the last warning. */
    private static final Duration DROP_WARNING_INTERVAL = Duration.ofSeconds(10);
    /** How long the dispatcher's own thread waits for work before it ends (a new one starts on demand). */
    private static final long IDLE_THREAD_SECONDS = 1;
    /**
     * How long {@link #awaitDrained()} waits for the callbacks already queued: a closing server or
     * client lets its listener see the last events, but a listener that blocks does not hold
     * close() forever.
     */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Most callbacks one drain runs before it gives the executor's thread back and queues the rest
     * behind whatever else waits for it: a client whose listener is busy does not hold a shared
     * callback thread for as long as its traffic lasts.
     */
    static final int MAX_CALLBACKS_PER_DRAIN = 64;
    private static final ThreadLocal<CallbackDispatcher> CURRENT = new ThreadLocal<>();
    /** Set on a thread while it hands the rest of a drain to the executor. */
    private static final ThreadLocal<CallbackDispatcher> RESUBMITTING = new ThreadLocal<>();

    private final Executor executor;
    private final Runnable roomAgain;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final DropCount drops = new DropCount();
    // guarded by tasks
    private boolean draining;
    private boolean roomWanted;
    private int mostQueued;

    /**
     * A dispatcher on {@code executor}, or, if it is {@code null}, on a thread of its own named
     * {@code threadName}, for producers that never ask for room.
     */
    public CallbackDispatcher(Executor executor, String threadName) {
        this(executor, threadName, () -> {
        });
    }

    /**
     * A dispatcher on {@code executor}, or, if it is {@code null}, on a thread of its own named
     * {@code threadName}.
     *
     * @param roomAgain runs on the dispatcher's thread when the queue has drained to half the
     *                  bound after {@link #hasRoom()} said there was none; it must not block
     */
    public CallbackDispatcher(Executor executor, String threadName, Runnable roomAgain) {
        this.roomAgain = roomAgain;
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

    /** Queues {@code task} whatever the bound: only for calls whose number the caller bounds. */
    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            if (!enqueue(task)) {
                return;
            }
        }
        startDrain();
    }

    /**
     * Whether fewer than {@link #MAX_QUEUED_CALLBACKS} callbacks wait. If not, {@code roomAgain}
     * runs once the queue has drained to half.
     */
    public boolean hasRoom() {
        synchronized (tasks) {
            if (tasks.size() < MAX_QUEUED_CALLBACKS) {
                return true;
            }
            roomWanted = true;
            return false;
        }
    }

    /**
     * Queues {@code task} if fewer than {@link #MAX_QUEUED_CALLBACKS} callbacks wait; otherwise
     * drops it, counts it and logs a warning at most every {@link #DROP_WARNING_INTERVAL}.
     *
     * @return {@code false} if it was dropped
     */
    public boolean offer(Runnable task) {
        boolean queued;
        boolean startDrain = false;
        synchronized (tasks) {
            queued = tasks.size() < MAX_QUEUED_CALLBACKS;
            if (queued) {
                startDrain = enqueue(task);
            }
        }
        if (startDrain) {
            startDrain();
        } else if (!queued) {
            drops.add(System.nanoTime());
        }
        return queued;
    }

    /** How many callbacks {@link #offer} dropped because the queue was full. */
    public long dropped() {
        return drops.count();
    }

    /** The most callbacks that ever waited at once, for tests that check the bound. */
    public int mostQueued() {
        synchronized (tasks) {
            return mostQueued;
        }
    }

    /**
     * Waits up to {@link #DRAIN_TIMEOUT} until every callback given so far has run. Returns at
     * once when called from one of this dispatcher's own callbacks, which would otherwise wait for
     * itself. Restores the interrupt flag if interrupted.
     */
    public void awaitDrained() {
        if (CURRENT.get() == this) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        execute(done::countDown);
        try {
            if (!done.await(DRAIN_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                log.debug("callbacks still queued after {}; closing without them", DRAIN_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Adds {@code task} under the lock; {@code true} if a drain must be started for it. */
    private boolean enqueue(Runnable task) {
        tasks.add(task);
        mostQueued = Math.max(mostQueued, tasks.size());
        if (draining) {
            return false;
        }
        draining = true;
        return true;
    }

    private void startDrain() {
        try {
            executor.execute(this::drain);
        } catch (RuntimeException e) {
            synchronized (tasks) {
                draining = false;
            }
            log.error("the callback executor refused a task; callbacks are lost", e);
        }
    }

    private void drain() {
        if (RESUBMITTING.get() == this) {
            // the executor ran the resubmission on the resubmitting thread (a direct executor):
            // let that drain go on rather than nest a new one in its stack
            RESUBMITTING.remove();
            return;
        }
        while (drainBatch()) {
            if (!resubmit()) {
                return;
            }
        }
    }

    /**
     * Runs at most {@link #MAX_CALLBACKS_PER_DRAIN} callbacks. {@code true} if some remain, with
     * {@code draining} still set: the caller hands the rest to the executor as a new task.
     */
    private boolean drainBatch() {
        for (int ran = 0; ; ran++) {
            Runnable task;
            boolean wakeProducer = false;
            synchronized (tasks) {
                if (tasks.isEmpty()) {
                    draining = false;
                    return false;
                }
                if (ran == MAX_CALLBACKS_PER_DRAIN) {
                    return true;
                }
                task = tasks.poll();
                if (roomWanted && tasks.size() <= ROOM_AGAIN_AT) {
                    roomWanted = false;
                    wakeProducer = true;
                }
            }
            if (wakeProducer) {
                run(roomAgain);
            }
            run(task);
        }
    }

    /**
     * Gives the executor's thread back: queues the rest of the drain behind the other work
     * waiting for it. {@code true} if the executor ran it at once on this thread, so this thread
     * goes on draining.
     */
    private boolean resubmit() {
        RESUBMITTING.set(this);
        try {
            startDrain();
            return RESUBMITTING.get() != this;
        } finally {
            RESUBMITTING.remove();
        }
    }

    private void run(Runnable task) {
        CURRENT.set(this);
        try {
            task.run();
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                // the JVM is failing (out of memory): give up this drain, but let the next
                // callback start a new one instead of leaving the dispatcher stuck for good
                synchronized (tasks) {
                    draining = false;
                }
                throw e;
            }
            log.warn("a listener overflowed its stack; delivery goes on", e);
        } catch (Throwable e) { // a listener's LinkageError or sneaky checked exception ends only its own call
            log.warn("a listener threw; delivery goes on", e);
        } finally {
            CURRENT.remove();
        }
    }

    /** Callbacks dropped by {@link #offer}, and when that was last logged. Any thread; guarded by itself. */
    private static final class DropCount {
        private long count;
        private long countWhenLastWarned;
        private long lastWarningNanos;

        synchronized void add(long nowNanos) {
            count++;
            if (count > 1 && nowNanos - lastWarningNanos < DROP_WARNING_INTERVAL.toNanos()) {
                return;
            }
            log.warn("the listener is {} calls behind, so {} more calls were dropped ({} in all); "
                    + "it must return sooner", MAX_QUEUED_CALLBACKS, count - countWhenLastWarned, count);
            lastWarningNanos = nowNanos;
            countWhenLastWarned = count;
        }

        synchronized long count() {
            return count;
        }
    }
}
