package io.roomcast.benchmarks;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
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
 * The headline: a real room on loopback ({@link LoopbackRoom}: handshake, AES-GCM and
 * reliability all on), {@code members} real clients, one of which ({@code m0}) sends
 * {@code payload}-byte messages as fast as the end-to-end {@link DeliveryWindow} of
 * {@value #WINDOW} messages allows. The primary score is messages per second; the one that
 * matters is {@code :deliveries}, messages received by member listeners per second, summed
 * (the sender receives its own messages too, as every member does); the one that compares across
 * runs is {@code :cpuNanosPerDelivery}, the server's I/O thread's CPU time per delivery
 * ({@link CpuPerDelivery}), beside the yardstick's sender's CPU time per datagram. The server's per-member
 * rate limit is raised out of the way. Nothing may be dropped: at teardown every member must
 * have received every message sent, or the run fails.
 *
 * <p>{@code members = 1000} is the scale figure: a room of a thousand real members in one JVM,
 * which the shared client loops make possible (each client no longer owns threads); its setup
 * joins them one after another, so it takes some seconds before the first iteration.
 *
 * <p>Run beside its yardstick, in one invocation so their ratio is meaningful:
 * {@code java -jar chat-benchmarks/target/benchmarks.jar "BroadcastThroughput|RawFanout"}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BroadcastThroughputBenchmark {
    /** Messages that may be on their way (not yet at every member) at once; the same for the yardstick. */
    static final int WINDOW = 128;
    /** How long a message may take to reach everyone before the run counts it lost and fails. */
    static final long LOST_AFTER_SECONDS = 10;

    @Param({"1", "10", "100", "1000"})
    public int members;

    @Param({"32", "256"})
    public int payload;

    private LoopbackRoom room;
    private DeliveryWindow window;
    private AtomicLong[] received;
    private ChatClient sender;
    private String text;
    private CpuPerDelivery serverCpu;
    private long sent;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final BiConsumer<ChatMessage, Throwable> onAccepted = (message, failure) -> {
        if (failure != null) {
            refused.incrementAndGet();
            firstFailure.compareAndSet(null, failure);
        }
    };

    @Setup(Level.Trial)
    public void startRoom() throws IOException {
        window = new DeliveryWindow(members, WINDOW);
        received = new AtomicLong[members];
        for (int i = 0; i < members; i++) {
            received[i] = new AtomicLong();
        }
        room = new LoopbackRoom(members, this::countingListener);
        sender = room.members.get(0);
        text = LoopbackRoom.payload(payload);
        serverCpu = new CpuPerDelivery(room.serverLoopClock());
    }

    private ChatClientListener countingListener(int member) {
        AtomicLong count = received[member];
        return new ChatClientListener() {
            @Override
            public void onMessage(ChatMessage message) {
                // callbacks of one client run one after another, so the count is this member's order
                window.arrived(count.getAndIncrement());
            }
        };
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        serverCpu.startIteration();
    }

    @Benchmark
    public void broadcast(Deliveries deliveries) throws InterruptedException {
        if (!window.acquire(LOST_AFTER_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a message did not reach every member within " + LOST_AFTER_SECONDS
                    + " s; sent " + sent + ", refused " + refused.get(), firstFailure.get());
        }
        sender.send(text).whenComplete(onAccepted);
        sent++;
        long total = window.deliveries();
        deliveries.update(total);
        serverCpu.update(total);
    }

    @TearDown(Level.Trial)
    public void checkNothingLostAndStop() throws InterruptedException {
        try {
            // wait for the tail of the window, then every member must have every message
            for (int i = 0; i < WINDOW; i++) {
                if (!window.acquire(LOST_AFTER_SECONDS, TimeUnit.SECONDS)) {
                    break;
                }
            }
            if (refused.get() > 0) {
                throw new IllegalStateException(refused.get() + " of " + sent + " messages were refused",
                        firstFailure.get());
            }
            for (int i = 0; i < members; i++) {
                if (received[i].get() != sent) {
                    throw new IllegalStateException("member m" + i + " received " + received[i].get() + " of "
                            + sent + " messages");
                }
            }
        } finally {
            room.close();
        }
    }

    /** The server loop's CPU time per delivery, for the smoke test. */
    CpuPerDelivery serverCpu() {
        return serverCpu;
    }

    /** Messages sent so far, for the smoke test. */
    long sent() {
        return sent;
    }

    /** Messages received so far, summed over members, for the smoke test. */
    long deliveries() {
        return window.deliveries();
    }
}
