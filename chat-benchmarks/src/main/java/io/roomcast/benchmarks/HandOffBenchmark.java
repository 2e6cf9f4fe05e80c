package io.roomcast.benchmarks;

import io.roomcast.internal.io.CallbackDispatcher;
import io.roomcast.internal.io.CommandQueue;
import io.roomcast.internal.io.EventLoop;
import io.roomcast.internal.protocol.DatagramEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What each hand-off on a message's way from {@code send} to a member's {@code onMessage} costs
 * on its own: every operation hands a token to a sleeping thread by one mechanism and waits until
 * that thread has it (a round trip: the hand-off there, and a semaphore back, which
 * {@link #semaphoreBaseline} measures alone). A room message crosses, in order: the caller to its
 * client's loop ({@link #commandToLoop}), the client's loop to the server's and the server's to
 * each member's loop (a datagram to a thread asleep in its selector, {@link #datagramToSelector}),
 * and a member's loop to its callback thread ({@link #callbackToDispatcher}).
 *
 * <p>{@code java -jar chat-benchmarks/target/benchmarks.jar HandOff}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HandOffBenchmark {
    private static final long WAIT_SECONDS = 10;

    private final Semaphore back = new Semaphore(0);
    private EventLoop loop;
    private CommandQueue commands;
    private final LongConsumer release = now -> back.release();
    private final Runnable releaseTask = back::release;
    private CallbackDispatcher dispatcher;
    private DatagramChannel sender;
    private DatagramChannel receiver;
    private InetSocketAddress receiverAddress;
    private Selector selector;
    private Thread selectorThread;
    private volatile boolean stopping;
    private Thread echoThread;
    private final Semaphore there = new Semaphore(0);
    private final ByteBuffer token = ByteBuffer.allocateDirect(1);
    private volatile boolean engineDone;

    @Setup(Level.Trial)
    public void start() throws IOException {
        loop = EventLoop.dedicated("handoff-loop");
        commands = new CommandQueue(loop);
        DatagramChannel idle = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        loop.attach(idle, new IdleEngine(), commands);
        dispatcher = new CallbackDispatcher(null, "handoff-callbacks");

        sender = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        receiver = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        receiverAddress = (InetSocketAddress) receiver.getLocalAddress();
        receiver.configureBlocking(false);
        selector = Selector.open();
        receiver.register(selector, SelectionKey.OP_READ);
        selectorThread = new Thread(this::selectLoop, "handoff-selector");
        selectorThread.setDaemon(true);
        selectorThread.start();
        echoThread = new Thread(this::echo, "handoff-echo");
        echoThread.setDaemon(true);
        echoThread.start();
    }

    /** The receiving side of {@link #datagramToSelector}: asleep in select until a datagram comes. */
    private void selectLoop() {
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        try {
            while (!stopping) {
                selector.select();
                selector.selectedKeys().clear();
                while (true) {
                    in.clear();
                    if (receiver.receive(in) == null) {
                        break;
                    }
                    back.release();
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // stopping
        }
    }

    /** The other side of {@link #semaphoreBaseline}. */
    private void echo() {
        try {
            while (!stopping) {
                if (there.tryAcquire(1, TimeUnit.SECONDS)) {
                    back.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The way back alone: a semaphore to a thread that waits on one, and a semaphore back. */
    @Benchmark
    public void semaphoreBaseline() throws InterruptedException {
        there.release();
        await();
    }

    /** A command to an idle event loop (queued, the selector woken), which runs it. */
    @Benchmark
    public void commandToLoop() throws InterruptedException {
        commands.execute(release);
        await();
    }

    /** A callback to an idle dispatcher (queued on its executor, a pool thread woken), which runs it. */
    @Benchmark
    public void callbackToDispatcher() throws InterruptedException {
        dispatcher.execute(releaseTask);
        await();
    }

    /** A one-byte datagram on 127.0.0.1 to a channel whose thread sleeps in its selector. */
    @Benchmark
    public void datagramToSelector() throws InterruptedException, IOException {
        token.clear();
        sender.send(token, receiverAddress);
        await();
    }

    private void await() throws InterruptedException {
        if (!back.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a hand-off did not arrive within " + WAIT_SECONDS + " s");
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        stopping = true;
        commands.execute(now -> engineDone = true);
        selector.wakeup();
        selectorThread.join(TimeUnit.SECONDS.toMillis(5));
        echoThread.join(TimeUnit.SECONDS.toMillis(5));
        selector.close();
        sender.close();
        receiver.close();
    }

    /** An endpoint's engine that sends nothing and has no timers: the loop only runs commands. */
    private final class IdleEngine implements DatagramEngine {
        @Override
        public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }

        @Override
        public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
            return null;
        }

        @Override
        public long nextDeadlineNanos() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean isFinished() {
            return engineDone;
        }
    }
}
