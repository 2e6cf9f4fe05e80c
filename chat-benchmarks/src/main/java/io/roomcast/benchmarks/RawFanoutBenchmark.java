package io.roomcast.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The yardstick for {@link BroadcastThroughputBenchmark}: no protocol at all. One
 * {@link DatagramChannel} sends each {@code payload}-byte message as its own datagram to each of
 * {@code members} receiving channels on 127.0.0.1, which one selector thread drains. The same
 * end-to-end {@link DeliveryWindow} applies (so the sender cannot overrun the receivers' socket
 * buffers and "win" by losing datagrams); the scores that compare are {@code :deliveries} and
 * {@code :cpuNanosPerDelivery}, here the sending thread's CPU time per datagram sent (one datagram
 * per delivery).
 * No encryption, no acknowledgements, no ordering, no coalescing, no listener dispatch.
 *
 * <p>{@code java -jar chat-benchmarks/target/benchmarks.jar "BroadcastThroughput|RawFanout"}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RawFanoutBenchmark {
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    @Param({"1", "10", "100", "1000"})
    public int members;

    @Param({"32", "256"})
    public int payload;

    private DatagramChannel sender;
    private DatagramChannel[] receivers;
    private InetSocketAddress[] addresses;
    private long[] received;
    private Selector selector;
    private Thread drainer;
    private volatile boolean stopping;
    private volatile Throwable drainFailure;
    private DeliveryWindow window;
    private ByteBuffer message;
    private long sent;
    private CpuPerDelivery senderCpu;

    @Setup(Level.Trial)
    public void open() throws IOException {
        window = new DeliveryWindow(members, BroadcastThroughputBenchmark.WINDOW);
        sender = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        selector = Selector.open();
        receivers = new DatagramChannel[members];
        addresses = new InetSocketAddress[members];
        received = new long[members];
        for (int i = 0; i < members; i++) {
            receivers[i] = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            receivers[i].setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            receivers[i].configureBlocking(false);
            receivers[i].register(selector, SelectionKey.OP_READ, i);
            addresses[i] = (InetSocketAddress) receivers[i].getLocalAddress();
        }
        message = ByteBuffer.allocateDirect(payload);
        byte[] bytes = new byte[payload];
        Arrays.fill(bytes, (byte) 'x');
        message.put(bytes).flip();
        drainer = new Thread(this::drain, "raw-fanout-receivers");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** The receivers' thread: every datagram that arrives is counted for its receiver, in order. */
    private void drain() {
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        try {
            while (!stopping) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    int member = (Integer) key.attachment();
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    while (true) {
                        in.clear();
                        if (channel.receive(in) == null) {
                            break;
                        }
                        window.arrived(received[member]++);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!stopping) {
                drainFailure = e;
            }
        }
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        if (senderCpu != null) {
            senderCpu.startIteration();
        }
    }

    @Benchmark
    public void fanout(Deliveries deliveries) throws InterruptedException, IOException {
        if (!window.acquire(BroadcastThroughputBenchmark.LOST_AFTER_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a datagram was lost on loopback after " + sent + " messages", drainFailure);
        }
        for (InetSocketAddress address : addresses) {
            message.rewind();
            sender.send(message, address);
        }
        sent++;
        long total = window.deliveries();
        deliveries.update(total);
        if (senderCpu == null) {
            senderCpu = new CpuPerDelivery(ThreadCpuClock.ofCurrentThread()); // the JMH thread that sends
        }
        senderCpu.update(total);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
        try {
            for (int i = 0; i < BroadcastThroughputBenchmark.WINDOW; i++) {
                if (!window.acquire(BroadcastThroughputBenchmark.LOST_AFTER_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("datagrams were lost on loopback: " + window.deliveries()
                            + " of " + sent * members + " arrived");
                }
            }
        } finally {
            stopping = true;
            selector.wakeup();
            drainer.join(TimeUnit.SECONDS.toMillis(5));
            selector.close();
            sender.close();
            for (DatagramChannel receiver : receivers) {
                receiver.close();
            }
        }
    }

    /** The sender's CPU time per datagram, for the smoke test; {@code null} before the first operation. */
    CpuPerDelivery senderCpu() {
        return senderCpu;
    }

    /** Messages sent so far, for the smoke test. */
    long sent() {
        return sent;
    }

    /** Datagrams received so far, for the smoke test. */
    long deliveries() {
        return window.deliveries();
    }
}
