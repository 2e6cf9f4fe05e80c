package io.roomcast.internal.io;

import io.roomcast.internal.protocol.DatagramEngine;
import io.roomcast.internal.wire.WireFormat;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns one non-blocking {@link DatagramChannel} and drives one
 * {@link DatagramEngine}: it feeds the engine every datagram and the time, sends what the
 * engine emits and sleeps in {@link Selector#select(long)} until the next datagram or the
 * engine's next deadline. An idle loop uses no CPU.
 *
 * <p>Other threads talk to the loop only through its {@link CommandQueue}: commands go into a
 * queue and the selector is woken. The engine therefore needs no locks.
 *
 * <p>Lifecycle: new → running ({@link #start()}) → stopped, when the engine is finished or
 * {@link #awaitStopOrForce} runs out of patience; the channel and selector are closed as the
 * thread ends.
 *
 * <p>Threads: the channel, the selector, the buffers and the engine belong to the I/O thread;
 * {@link #start} and {@link #awaitStopOrForce} are called from others.
 */
public final class EventLoop {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

    /** Most datagrams read in one turn before the loop sends and checks timers again. */
    private static final int MAX_READS_PER_TURN = 256;
    /** After a forced stop, how long to wait for the thread to notice: it is at most one select away. */
    private static final Duration FORCED_STOP_WAIT = Duration.ofSeconds(2);

    private final DatagramChannel channel;
    private final DatagramEngine engine;
    private final CommandQueue commands;
    private final Selector selector;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    // I/O thread only
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(WireFormat.MAX_DATAGRAM_BYTES + 1);
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(WireFormat.MAX_DATAGRAM_BYTES);
    private InetSocketAddress blockedDestination;
    private volatile boolean shutdown;

    /**
     * A loop for {@code engine} on {@code channel}, which must be open, taking commands from
     * {@code commands}; the loop configures the channel non-blocking and closes it, and the
     * queue's selector, when it stops.
     *
     * @throws IOException if the channel cannot be registered with the selector
     */
    public EventLoop(String threadName, DatagramChannel channel, DatagramEngine engine, CommandQueue commands)
            throws IOException {
        this.channel = channel;
        this.engine = engine;
        this.commands = commands;
        this.selector = commands.selector();
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        this.thread = new Thread(this::run, threadName);
    }

    /** A new channel of {@code address}'s family (IPv4 or IPv6), for a loop to bind or connect. */
    static DatagramChannel openChannel(InetAddress address) throws IOException {
        return DatagramChannel.open(address instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
    }

    /** Starts the I/O thread. */
    public void start() {
        thread.start();
    }

    /**
     * Waits up to {@code grace} for the loop to stop by itself (its engine finishing), then stops
     * it without waiting for the engine and waits up to {@link #FORCED_STOP_WAIT} more. Restores
     * the interrupt flag if interrupted.
     */
    public void awaitStopOrForce(Duration grace) {
        try {
            if (!awaitStop(grace)) {
                shutdownNow();
                awaitStop(FORCED_STOP_WAIT);
            }
        } catch (InterruptedException e) {
            shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the loop at its next turn without waiting for the engine to finish. */
    private void shutdownNow() {
        shutdown = true;
        selector.wakeup();
    }

    private void run() {
        try {
            loop();
        } catch (ClosedChannelException e) {
            log.debug("channel closed under the event loop");
        } catch (IOException | RuntimeException | Error e) {
            log.error("event loop stopped by an unexpected failure", e);
        } finally {
            closeQuietly();
            commands.close(System.nanoTime());
            stopped.countDown();
        }
    }

    private void loop() throws IOException {
        while (!shutdown) {
            long now = System.nanoTime();
            commands.runAll(now);
            handleDeadline(now);
            flush(now);
            if (engine.isFinished() && blockedDestination == null) {
                return;
            }
            long timeoutMillis = selectTimeoutMillis(engine.nextDeadlineNanos(), System.nanoTime());
            if (timeoutMillis < 0) {
                selector.selectNow();
            } else {
                selector.select(timeoutMillis);
            }
            boolean writable = false;
            for (SelectionKey key : selector.selectedKeys()) {
                writable |= key.isValid() && key.isWritable();
            }
            selector.selectedKeys().clear();
            now = System.nanoTime();
            if (writable) {
                flush(now);
            }
            receive(now);
        }
    }

    private void handleDeadline(long now) {
        if (engine.nextDeadlineNanos() <= now) {
            try {
                engine.handleTimeout(now);
            } catch (RuntimeException e) {
                log.error("the protocol engine failed handling a timer", e);
            }
        }
    }

    private void receive(long now) throws IOException {
        for (int i = 0; i < MAX_READS_PER_TURN; i++) {
            receiveBuffer.clear();
            SocketAddress source;
            try {
                source = channel.receive(receiveBuffer);
            } catch (PortUnreachableException e) {
                engine.handleUnreachable(now);
                continue;
            }
            if (source == null) {
                return;
            }
            receiveBuffer.flip();
            if (receiveBuffer.remaining() > WireFormat.MAX_DATAGRAM_BYTES) {
                continue; // larger than any packet: not ours
            }
            try {
                engine.handleDatagram(now, receiveBuffer, (InetSocketAddress) source);
            } catch (RuntimeException e) {
                log.error("the protocol engine failed handling a datagram from {}", source, e);
            }
        }
    }

    private void flush(long now) throws IOException {
        if (blockedDestination != null) {
            if (channel.send(sendBuffer, blockedDestination) == 0) {
                return;
            }
            blockedDestination = null;
            channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
        }
        while (true) {
            sendBuffer.clear();
            InetSocketAddress destination;
            try {
                destination = engine.pollDatagram(now, sendBuffer);
            } catch (RuntimeException e) {
                log.error("the protocol engine failed writing a datagram", e);
                return;
            }
            if (destination == null) {
                return;
            }
            sendBuffer.flip();
            int sent;
            try {
                sent = channel.send(sendBuffer, destination);
            } catch (PortUnreachableException e) {
                engine.handleUnreachable(now);
                continue;
            } catch (IOException e) {
                // e.g. no route to a member's address: that member will time out; the room goes on
                log.debug("could not send to {}: {}", destination, e.toString());
                continue;
            }
            if (sent == 0) {
                // the socket buffer is full: keep this datagram and wait until the channel is writable
                blockedDestination = destination;
                channel.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
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

    private void closeQuietly() {
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing the selector failed", e);
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the channel failed", e);
        }
    }
}
