package io.roomcast.internal.io;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way into one {@link Endpoint} from any thread: a command goes into a lock-free queue, the
 * queue tells its {@link EventLoop} once that it has work (however many commands follow before the
 * loop gets to it), and the loop's thread runs the commands at its next turn with the time, then
 * sends what the endpoint's engine has to send. A turn runs at most {@link #MAX_COMMANDS_PER_TURN}
 * of them, and none given during it; the queue tells the loop again of those left. It exists
 * before the endpoint and its engine, so that what the engine needs at construction (the {@link PooledOffload}, which hands its results
 * back as commands) can be given it then; commands given before the endpoint is
 * {@link EventLoop#attach attached} run once it is.
 *
 * <p>Threads: {@link #execute} is called from any thread; {@link #runAll} and {@link #close}
 * from the loop's thread; {@link #discard} from the thread that gave up building the endpoint.
 */
public final class CommandQueue {
    private static final Logger log = LoggerFactory.getLogger(CommandQueue.class);

    /**
     * Most commands run at one turn of the loop: a thread that keeps giving one endpoint commands
     * does not keep the loop from the other endpoints' datagrams and timers.
     */
    static final int MAX_COMMANDS_PER_TURN = 256;

    private final ConcurrentLinkedQueue<LongConsumer> commands = new ConcurrentLinkedQueue<>();
    /** Commands given so far (each counted before it is queued): a turn runs none given after it began. */
    private final AtomicLong given = new AtomicLong();
    private long taken; // loop thread only
    private final EventLoop loop;
    /** Whether the loop has been told of commands it has not yet started running. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile Endpoint endpoint; // set once, when attached
    private volatile boolean closed;

    /** A queue into an endpoint that will be attached to {@code loop}. */
    public CommandQueue(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Runs {@code command} on the loop's thread with the current time in nanoseconds. Commands
     * run in the order they were given. Commands still queued when the endpoint is removed run
     * then, after its engine has finished (or been given up on) and its channel is closed.
     *
     * @return {@code false} if the endpoint had already been removed, so the command will never run
     */
    public boolean execute(LongConsumer command) {
        given.incrementAndGet();
        commands.add(command);
        if (closed) {
            // the last drain may or may not have taken it: whoever removes it owns it
            return !commands.remove(command);
        }
        schedule();
        return true;
    }

    /** The endpoint this queue leads into, or {@code null} before it is attached. */
    Endpoint endpoint() {
        return endpoint;
    }

    /** Attaches the queue to its endpoint and tells the loop, which registers the endpoint and runs what waits. */
    void attach(Endpoint attached) {
        endpoint = attached;
        schedule();
    }

    private void schedule() {
        if (endpoint != null && scheduled.compareAndSet(false, true)) {
            loop.ready(this);
        }
    }

    /**
     * Runs the commands queued so far, but at most {@link #MAX_COMMANDS_PER_TURN}; those they
     * queue, and any beyond the bound, run at a later turn, for which the queue tells the loop
     * again. Once the queue is closed, runs every command left. Loop thread only.
     */
    void runAll(long nowNanos) {
        // cleared before draining: a command given from now on schedules the queue again
        scheduled.set(false);
        long limit = closed ? Long.MAX_VALUE : Math.min(MAX_COMMANDS_PER_TURN, given.get() - taken);
        for (long ran = 0; ran < limit; ran++) {
            LongConsumer command = commands.poll();
            if (command == null) {
                return;
            }
            taken++;
            try {
                command.accept(nowNanos);
            } catch (RuntimeException e) {
                log.error("a command failed on the event loop", e);
            }
        }
        if (!commands.isEmpty()) {
            schedule(); // the rest at the loop's next turn, after its other endpoints have had theirs
        }
    }

    /** Refuses further commands and forgets those queued, for an endpoint that will never be attached. */
    void discard() {
        closed = true;
        commands.clear();
    }

    /**
     * Refuses further commands, then runs those already queued. Called once by the loop's
     * thread as it removes the endpoint.
     */
    void close(long nowNanos) {
        closed = true;
        runAll(nowNanos);
    }

    /** Whether commands are refused. */
    boolean isClosed() {
        return closed;
    }
}
