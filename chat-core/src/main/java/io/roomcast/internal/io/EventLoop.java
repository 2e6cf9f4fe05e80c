package io.roomcast.internal.io;

import io.roomcast.internal.protocol.DatagramEngine;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread and one {@link Selector} that drive any number of {@link Endpoint}s, each a
 * non-blocking {@link DatagramChannel} with its {@link DatagramEngine}: the loop feeds each engine
 * its datagrams and the time, sends what it emits, and sleeps until a datagram arrives, a command
 * comes or the earliest of the engines' deadlines. An idle loop uses no CPU.
 *
 * <p>A turn: run the commands of the endpoints that have some (their queues told the loop, which
 * was woken once for all of them); hand the time to the endpoints whose deadline has come (taken
 * from a {@link DeadlineHeap}, never by scanning every endpoint); then, for each endpoint touched so
 * far, and only those, run its timer if due, send what it has to send, remove it if its engine has
 * finished, and file its next deadline; then sleep; then read at most {@link EndpointIo#MAX_READS_PER_TURN}
 * datagrams from each endpoint whose channel is readable (so that one busy endpoint does not starve
 * the others) and send a datagram kept back from a full socket buffer once its channel is writable.
 * A turn's work is proportional to the endpoints that had something happen, not to all of them.
 *
 * <p>Failures are per endpoint: an engine that throws an exception while handling a datagram or
 * writing one is logged and goes on; one that throws anywhere else (its timer included, which
 * would stay due and spin the loop), or throws an {@link Error} that is not the JVM failing, or
 * whose channel fails or is closed, is logged, its endpoint removed and its failure handler told
 * ({@link #attach}); the thread goes on for the others. Only a failing JVM
 * ({@link VirtualMachineError} but {@link StackOverflowError}) or selector ends the thread,
 * removing every endpoint and telling each handler.
 *
 * <p>Two kinds: a {@link #dedicated} loop serves one endpoint (a server's, or a client's that asked
 * for threads of its own) and ends with it; a {@link #shared} loop serves many clients' endpoints
 * and lives as long as the process. Both start their thread when the first endpoint is attached.
 *
 * <p>Threads: the selector, the buffers, the heap and the endpoints' state belong to the loop's
 * thread; {@link #attach}, {@link #ready} and the getters are called from any thread.
 */
public final class EventLoop {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

    private static final AtomicLong ENDPOINT_IDS = new AtomicLong();

    private final boolean endsWithItsEndpoints;
    private final Selector selector;
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();
    /** Queues with commands the loop has not yet run. */
    private final ConcurrentLinkedQueue<CommandQueue> ready = new ConcurrentLinkedQueue<>();
    /** Whether a selector wake-up is on its way: commands given meanwhile need no other. */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Attached and not yet removed, each with what to tell if the loop removes it for a failure. */
    private final ConcurrentHashMap<Endpoint, Consumer<Throwable>> endpoints = new ConcurrentHashMap<>();
    private volatile boolean ended;
    // I/O thread only
    /** Reads and sends one endpoint's datagrams, with the buffers all the loop's endpoints share. */
    private final EndpointIo io = new EndpointIo();
    private final DeadlineHeap deadlines = new DeadlineHeap();
    private final List<Endpoint> touched = new ArrayList<>();

    private EventLoop(String threadName, boolean endsWithItsEndpoints, boolean daemon) throws IOException {
        this.endsWithItsEndpoints = endsWithItsEndpoints;
        this.selector = Selector.open();
        this.thread = new Thread(this::run, threadName);
        if (daemon) {
            thread.setDaemon(true);
        }
    }

    /**
     * A loop for one endpoint (a server's, or a client's with threads of its own), whose thread
     * ends when its last endpoint is removed; the thread is a daemon if the creating thread is.
     *
     * @throws IOException if the selector cannot be opened
     */
    public static EventLoop dedicated(String threadName) throws IOException {
        return new EventLoop(threadName, true, false);
    }

    /**
     * A loop for many endpoints that runs, on a daemon thread, as long as the process.
     *
     * @throws IOException if the selector cannot be opened
     */
    static EventLoop shared(String threadName) throws IOException {
        return new EventLoop(threadName, false, true);
    }

    /** A new channel of {@code address}'s family (IPv4 or IPv6), for an endpoint to bind or connect. */
    static DatagramChannel openChannel(InetAddress address) throws IOException {
        return DatagramChannel.open(address instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
    }

    /** Whether the calling thread is this loop's. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** As {@link #attach(DatagramChannel, DatagramEngine, CommandQueue, Consumer)}, with no failure handler. */
    public Endpoint attach(DatagramChannel channel, DatagramEngine engine, CommandQueue commands) throws IOException {
        return attach(channel, engine, commands, cause -> { });
    }

    /**
     * Adds an endpoint for {@code engine} on {@code channel}, which must be open, taking commands
     * from {@code commands}, which must have been made for this loop; starts the thread if it has
     * not started. The loop configures the channel non-blocking, and closes it when it removes the
     * endpoint. At its next turn the loop registers the channel and runs the commands queued so far.
     * If the loop removes the endpoint for a failure (its channel or engine failed, or the loop
     * ended), not because the engine finished or was {@link Endpoint#awaitStopOrForce forced},
     * {@code onFailure} is told the cause, once, on the loop's thread, after the commands still
     * queued have run; it must not block.
     *
     * @throws IOException if the channel cannot be made non-blocking, or the loop has ended
     */
    public Endpoint attach(DatagramChannel channel, DatagramEngine engine, CommandQueue commands,
                           Consumer<Throwable> onFailure) throws IOException {
        channel.configureBlocking(false);
        Endpoint endpoint = new Endpoint(this, channel, engine, commands, ENDPOINT_IDS.incrementAndGet());
        endpoints.put(endpoint, onFailure);
        if (ended) { // whoever ended the loop may have missed it
            endpoints.remove(endpoint);
            throw new IOException("the event loop " + thread.getName() + " has ended");
        }
        if (started.compareAndSet(false, true)) {
            thread.start();
        }
        commands.attach(endpoint);
        return endpoint;
    }

    /**
     * Releases the selector of a dedicated loop no endpoint was ever attached to; does nothing to
     * one that started, nor to a shared loop, which other clients may have been given already.
     */
    void abandon() {
        if (endsWithItsEndpoints && !started.get()) {
            ended = true;
            closeSelector();
        }
    }

    /** How many endpoints are attached and not yet removed. */
    int load() {
        return endpoints.size();
    }

    /** Whether the thread has ended (a dedicated loop's endpoint is gone, or the JVM failed under it). */
    boolean hasEnded() {
        return ended;
    }

    /** The loop's thread name. */
    String name() {
        return thread.getName();
    }

    /**
     * Called by a queue that has commands: lists it and wakes the selector, unless a wake-up is
     * already on its way, so that a burst of commands costs one wake-up. Any thread.
     */
    void ready(CommandQueue queue) {
        ready.add(queue);
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    private void run() {
        Throwable cause = null;
        try {
            loop();
        } catch (IOException | RuntimeException | Error e) {
            cause = e;
            log.error("event loop {} stopped by an unexpected failure", thread.getName(), e);
        } finally {
            ended = true;
            long now = System.nanoTime();
            Throwable why = cause != null ? cause : new IOException("the event loop " + thread.getName() + " ended");
            for (Endpoint endpoint : endpoints.keySet()) {
                fail(endpoint, now, why);
            }
            try {
                runCommands(now); // of endpoints removed already: their queues refuse more
            } finally {
                closeSelector();
            }
        }
    }

    private void loop() throws IOException {
        while (true) {
            long now = System.nanoTime();
            runCommands(now);
            Endpoint due;
            while ((due = deadlines.pollDue(now)) != null) {
                touch(due);
            }
            settleTouched(now);
            if (endsWithItsEndpoints && endpoints.isEmpty()) {
                return;
            }
            long timeoutMillis = selectTimeoutMillis(deadlines.earliest(), System.nanoTime());
            if (timeoutMillis < 0) {
                selector.selectNow();
            } else {
                selector.select(timeoutMillis);
            }
            now = System.nanoTime();
            for (SelectionKey key : selector.selectedKeys()) {
                serveReadyKey(key, now);
            }
            selector.selectedKeys().clear();
        }
    }

    /** Runs the commands of every queue that has some, registering endpoints new to the loop first. */
    private void runCommands(long now) {
        // cleared before draining: a queue that becomes ready from now on wakes the selector again
        wakeupPending.set(false);
        // only the queues ready as the turn begins: one that tells the loop again while it runs
        // (commands left beyond its bound) waits for the next turn, after timers and reads
        for (int left = ready.size(); left > 0; left--) {
            CommandQueue queue = ready.poll();
            if (queue == null) {
                break;
            }
            Endpoint endpoint = queue.endpoint();
            try {
                if (endpoint.gone) {
                    queue.runAll(now); // commands that raced with the removal: the queue refuses further ones
                    continue;
                }
                if (endpoint.key == null && !register(endpoint, now)) {
                    continue;
                }
                queue.runAll(now);
                touch(endpoint);
            } catch (Error e) { // a command's; the queue logs its exceptions
                failed(endpoint, now, e);
            }
        }
    }

    private boolean register(Endpoint endpoint, long now) {
        try {
            endpoint.key = endpoint.channel.register(selector, SelectionKey.OP_READ, endpoint);
            return true;
        } catch (IOException e) {
            log.error("could not register a channel with event loop {}", thread.getName(), e);
            fail(endpoint, now, e);
            return false;
        }
    }

    private void touch(Endpoint endpoint) {
        if (!endpoint.touched) {
            endpoint.touched = true;
            touched.add(endpoint);
        }
    }

    /** For each endpoint something happened to: its timer if due, its datagrams out, its end or its next deadline. */
    private void settleTouched(long now) {
        for (int i = 0; i < touched.size(); i++) {
            Endpoint endpoint = touched.get(i);
            endpoint.touched = false;
            if (endpoint.gone) {
                continue;
            }
            try {
                EndpointIo.handleDeadline(endpoint, now);
                io.flush(endpoint, now);
                if (endpoint.engine.isFinished() && endpoint.blockedDestination == null) {
                    remove(endpoint, now);
                } else {
                    deadlines.update(endpoint, endpoint.engine.nextDeadlineNanos());
                }
            } catch (IOException | RuntimeException | Error e) {
                failed(endpoint, now, e);
            }
        }
        touched.clear();
    }

    private void serveReadyKey(SelectionKey key, long now) {
        Endpoint endpoint = (Endpoint) key.attachment();
        if (endpoint.gone || !key.isValid()) {
            return;
        }
        touch(endpoint);
        try {
            if (key.isWritable()) {
                io.flush(endpoint, now);
            }
            if (key.isReadable()) {
                io.receive(endpoint, now);
            }
        } catch (IOException | RuntimeException | Error e) {
            failed(endpoint, now, e);
        }
    }

    /**
     * Removes {@code endpoint}: out of the deadline order and the selector, its channel closed, then
     * its queue closed, which runs the commands still queued. Loop thread; does nothing the second time.
     */
    void remove(Endpoint endpoint, long now) {
        if (endpoint.gone) {
            return;
        }
        endpoint.gone = true;
        deadlines.remove(endpoint);
        if (endpoint.key != null) {
            endpoint.key.cancel();
        }
        try {
            endpoint.channel.close();
        } catch (IOException e) {
            log.debug("closing the channel failed", e);
        }
        endpoints.remove(endpoint);
        try {
            endpoint.commands.close(now);
        } finally {
            endpoint.markRemoved();
        }
    }

    /**
     * The endpoint's channel or engine threw {@code e}: a failing JVM's error goes on up and ends
     * the loop (a {@link StackOverflowError} is the engine's, not the JVM's); anything else is
     * logged and fails the endpoint alone.
     */
    private void failed(Endpoint endpoint, long now, Throwable e) {
        if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
            throw fatal;
        }
        if (e instanceof ClosedChannelException) { // only remove() closes it otherwise, and then it is gone
            log.error("an endpoint's channel was closed under event loop {}; it is removed", thread.getName());
        } else {
            log.error("an endpoint failed on event loop {}; it is removed", thread.getName(), e);
        }
        fail(endpoint, now, e);
    }

    /** Removes {@code endpoint} for a failure, then tells its handler {@code cause}. Loop thread; once. */
    private void fail(Endpoint endpoint, long now, Throwable cause) {
        Consumer<Throwable> onFailure = endpoints.get(endpoint);
        if (endpoint.gone || onFailure == null) {
            return;
        }
        try {
            remove(endpoint, now);
        } catch (RuntimeException | Error e) { // a queued command's: the handler must still hear
            log.error("removing an endpoint failed on event loop {}", thread.getName(), e);
        }
        try {
            onFailure.accept(cause);
        } catch (RuntimeException | Error e) {
            log.error("an endpoint's failure handler failed on event loop {}", thread.getName(), e);
        }
    }

    private static long selectTimeoutMillis(long deadline, long now) {
        if (deadline == Long.MAX_VALUE) {
            return 0; // select(0) blocks until woken
        }
        long remaining = deadline - now;
        if (remaining <= 0) {
            return -1;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
    }

    private void closeSelector() {
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing the selector failed", e);
        }
    }
}
