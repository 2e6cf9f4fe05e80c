package io.roomcast.internal.io;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way into one {@link EventLoop}'s thread from any other: a command goes into a lock-free
 * queue and wakes the selector the thread sleeps in, and the thread runs it at its next turn with
 * the time. The queue holds that selector because a command must be able to wake it. It exists
 * before the loop and its engine, so that what the engine needs at construction (the
 * {@link PooledOffload}, which hands its results back as commands) can be given it then.
 *
 * <p>Threads: {@link #execute} is called from any thread; {@link #runAll}, {@link #close} and the
 * selector belong to the loop's thread.
 */
public final class CommandQueue {
    private static final Logger log = LoggerFactory.getLogger(CommandQueue.class);

    private final ConcurrentLinkedQueue<LongConsumer> commands = new ConcurrentLinkedQueue<>();
    private final Selector selector;
    private volatile boolean closed;

    /**
     * A queue with a new selector for its loop to sleep in.
     *
     * @throws IOException if the selector cannot be opened
     */
    public CommandQueue() throws IOException {
        this.selector = Selector.open();
    }

    /**
     * Runs {@code command} on the loop's thread with the current time in nanoseconds. Commands
     * run in the order they were given. Commands still queued when the loop stops run then,
     * after the engine has finished.
     *
     * @return {@code false} if the loop had already stopped, so the command will never run
     */
    public boolean execute(LongConsumer command) {
        commands.add(command);
        if (closed) {
            // the loop's last drain may or may not have taken it: whoever removes it owns it
            return !commands.remove(command);
        }
        selector.wakeup();
        return true;
    }

    /** The selector the loop's thread sleeps in; {@link #execute} wakes it. */
    Selector selector() {
        return selector;
    }

    /** Runs every command queued so far. Loop thread only. */
    void runAll(long nowNanos) {
        LongConsumer command;
        while ((command = commands.poll()) != null) {
            try {
                command.accept(nowNanos);
            } catch (RuntimeException e) {
                log.error("a command failed on the event loop", e);
            }
        }
    }

    /** Refuses further commands and closes the selector, for a loop that will never start. */
    void discard() {
        closed = true;
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing the selector failed", e);
        }
    }

    /**
     * Refuses further commands, then runs those already queued. Called once by the loop's
     * thread as it ends, after it has closed the selector.
     */
    void close(long nowNanos) {
        closed = true;
        runAll(nowNanos);
    }
}
