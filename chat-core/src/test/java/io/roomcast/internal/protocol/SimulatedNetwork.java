package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A deterministic network for sans-I/O engines: a virtual clock, and links that lose, duplicate,
 * delay and reorder datagrams from one seeded {@link Random}. The same seed gives the same run,
 * event for event, so any failure can be replayed. Minutes of virtual time take milliseconds.
 */
final class SimulatedNetwork {
    /**
     * How the network treats datagrams. Probabilities are per datagram; a datagram's delay is
     * {@code minDelay} plus up to {@code jitter} (so later datagrams can overtake earlier ones).
     * With a bandwidth, the datagrams on one path queue behind each other, and a datagram that
     * would wait longer than {@code maxQueueNanos} is dropped (a full router queue).
     */
    record Conditions(double loss, double duplication, long minDelayNanos, long jitterNanos,
                      long bytesPerSecond, long maxQueueNanos) {
        static Conditions perfect() {
            return new Conditions(0, 0, TimeUnit.MICROSECONDS.toNanos(100), 0, 0, 0);
        }

        static Conditions lossy(double loss, double duplication, long jitterMillis) {
            return new Conditions(loss, duplication, TimeUnit.MILLISECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(jitterMillis), 0, 0);
        }

        Conditions withBandwidth(long bytesPerSecond, long maxQueueMillis) {
            return new Conditions(loss, duplication, minDelayNanos, jitterNanos, bytesPerSecond,
                    TimeUnit.MILLISECONDS.toNanos(maxQueueMillis));
        }
    }

    /** A datagram on its way; a duplicate shares its original's {@code id}. */
    private record InFlight(long deliverAtNanos, long order, long id, InetSocketAddress from, InetSocketAddress to,
                            byte[] bytes) {
    }

    private final Random random;
    private final Map<InetSocketAddress, DatagramEngine> nodes = new LinkedHashMap<>();
    private final Set<InetSocketAddress> cutOff = new HashSet<>();
    private final Set<List<InetSocketAddress>> partitions = new HashSet<>();
    private final Map<List<InetSocketAddress>, Conditions> linkConditions = new LinkedHashMap<>();
    private final Map<List<InetSocketAddress>, Long> linkFreeAt = new LinkedHashMap<>();
    private final Map<List<InetSocketAddress>, List<byte[]>> taps = new LinkedHashMap<>();
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>((a, b) -> a.deliverAtNanos != b.deliverAtNanos
            ? Long.compare(a.deliverAtNanos, b.deliverAtNanos) : Long.compare(a.order, b.order));
    private record Task(long atNanos, long order, Runnable action) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.atNanos != b.atNanos
            ? Long.compare(a.atNanos, b.atNanos) : Long.compare(a.order, b.order));
    private final ByteBuffer scratch = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM_BYTES);
    private Conditions conditions = Conditions.perfect();
    private long now = TimeUnit.SECONDS.toNanos(1_000);
    private long order;
    private long delivered;
    private long dropped;
    private long timerFirings;
    private final Map<List<InetSocketAddress>, Long> sentBetween = new LinkedHashMap<>();
    private final Map<InetSocketAddress, Long> lastDeliveryFrom = new LinkedHashMap<>();
    private final Set<Long> arrived = new HashSet<>();
    private long nextId;

    SimulatedNetwork(long seed) {
        this.random = new Random(seed);
    }

    /** A random source for an engine, derived from the network's seed so the whole run replays. */
    Random newRandom() {
        return new Random(random.nextLong());
    }

    void conditions(Conditions conditions) {
        this.conditions = conditions;
    }

    void attach(InetSocketAddress address, DatagramEngine engine) {
        nodes.put(address, engine);
    }

    /** From now on, nothing leaves or reaches {@code address}: a crash or a pulled cable. */
    void cutOff(InetSocketAddress address) {
        cutOff.add(address);
    }

    /** From now on, datagrams from {@code from} to {@code to} are lost; the other direction still works. */
    void partition(InetSocketAddress from, InetSocketAddress to) {
        partitions.add(List.of(from, to));
    }

    /**
     * The node at {@code from} now sends and receives at {@code to}, as after NAT rebinding or
     * roaming; datagrams still addressed to {@code from} are lost.
     */
    void rebind(InetSocketAddress from, InetSocketAddress to) {
        nodes.put(to, nodes.remove(from));
    }

    /** From now on every datagram from {@code from} to {@code to} is also copied into {@code copies}. */
    void tap(InetSocketAddress from, InetSocketAddress to, List<byte[]> copies) {
        taps.put(List.of(from, to), copies);
    }

    /** Ends a {@link #partition}. */
    void heal(InetSocketAddress from, InetSocketAddress to) {
        partitions.remove(List.of(from, to));
    }

    /** Datagrams from {@code from} to {@code to} get these conditions instead of the network's. */
    void conditionsFor(InetSocketAddress from, InetSocketAddress to, Conditions conditions) {
        linkConditions.put(List.of(from, to), conditions);
    }

    long now() {
        return now;
    }

    long wallClockMillis() {
        return TimeUnit.NANOSECONDS.toMillis(now);
    }

    long delivered() {
        return delivered;
    }

    long dropped() {
        return dropped;
    }

    /** How many datagrams {@code from} sent to {@code to}, lost ones included. */
    long datagramsSent(InetSocketAddress from, InetSocketAddress to) {
        return sentBetween.getOrDefault(List.of(from, to), 0L);
    }

    /** How many times an engine's timer fired: a stuck deadline would make this explode. */
    long timerFirings() {
        return timerFirings;
    }

    /**
     * When a datagram from {@code address} last reached anyone for the first time (a network
     * duplicate of one that already arrived does not count), or -1.
     */
    long lastDeliveryFrom(InetSocketAddress address) {
        return lastDeliveryFrom.getOrDefault(address, -1L);
    }

    /** Runs {@code action} after {@code delayNanos} of virtual time, then lets the engines send. */
    void later(long delayNanos, Runnable action) {
        tasks.add(new Task(now + delayNanos, order++, action));
    }

    /**
     * An {@link Offload} whose work takes {@code delayNanos} of virtual time, as SRP work on a
     * worker pool would: the engine meanwhile handles other datagrams (such as duplicates).
     */
    Offload slowOffload(long delayNanos) {
        return new Offload() {
            @Override
            public <T> void submit(long nowNanos, java.util.function.Supplier<T> work, Continuation<T> then) {
                T result = work.get();
                later(delayNanos, () -> then.resume(result, now));
            }
        };
    }

    /** Runs {@code action} at the current virtual time, then lets the engines send what it caused. */
    void act(Runnable action) {
        action.run();
        flushAll();
    }

    /**
     * Runs the network until {@code done} holds or {@code limitNanos} of virtual time pass.
     *
     * @return {@code true} if {@code done} held
     */
    boolean runUntil(BooleanSupplier done, long limitNanos) {
        long end = now + limitNanos;
        flushAll();
        while (!done.getAsBoolean()) {
            long nextTimer = Long.MAX_VALUE;
            DatagramEngine timerEngine = null;
            for (DatagramEngine engine : nodes.values()) {
                if (engine.isFinished()) {
                    continue;
                }
                long deadline = engine.nextDeadlineNanos();
                if (deadline < nextTimer) {
                    nextTimer = deadline;
                    timerEngine = engine;
                }
            }
            InFlight next = inFlight.peek();
            long nextDelivery = next == null ? Long.MAX_VALUE : next.deliverAtNanos;
            Task task = tasks.peek();
            long nextTask = task == null ? Long.MAX_VALUE : task.atNanos;
            long step = Math.min(Math.min(nextTimer, nextDelivery), nextTask);
            if (step == Long.MAX_VALUE || step > end) {
                now = Math.max(now, end);
                return done.getAsBoolean();
            }
            now = Math.max(now, step);
            if (nextTask <= nextDelivery && nextTask <= nextTimer) {
                tasks.poll().action.run();
            } else if (nextDelivery <= nextTimer) {
                inFlight.poll();
                DatagramEngine target = nodes.get(next.to);
                if (target != null && !target.isFinished() && !cutOff.contains(next.to)) {
                    delivered++;
                    if (arrived.add(next.id)) {
                        lastDeliveryFrom.put(next.from, now); // a copy of what already arrived is no sign of life
                    }
                    target.handleDatagram(now, ByteBuffer.wrap(next.bytes).asReadOnlyBuffer(), next.from);
                }
            } else {
                timerFirings++;
                timerEngine.handleTimeout(now);
            }
            flushAll();
        }
        return true;
    }

    /** Runs for {@code durationNanos} of virtual time. */
    void runFor(long durationNanos) {
        runUntil(() -> false, durationNanos);
    }

    private void flushAll() {
        for (Map.Entry<InetSocketAddress, DatagramEngine> node : nodes.entrySet()) {
            DatagramEngine engine = node.getValue();
            while (true) {
                scratch.clear();
                InetSocketAddress to = engine.pollDatagram(now, scratch);
                if (to == null) {
                    break;
                }
                if (scratch.position() > WireFormat.MAX_DATAGRAM_BYTES) {
                    throw new AssertionError("datagram of " + scratch.position() + " bytes");
                }
                transmit(node.getKey(), to, Arrays.copyOf(scratch.array(), scratch.position()));
            }
        }
    }

    private void transmit(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
        sentBetween.merge(List.of(from, to), 1L, Long::sum);
        List<byte[]> tap = taps.get(List.of(from, to));
        if (tap != null) {
            tap.add(bytes.clone());
        }
        List<InetSocketAddress> path = List.of(from, to);
        Conditions link = linkConditions.getOrDefault(path, conditions);
        long departure = now;
        if (link.bytesPerSecond() > 0) {
            long start = Math.max(now, linkFreeAt.getOrDefault(path, now));
            if (start - now > link.maxQueueNanos()) {
                dropped++;
                return;
            }
            departure = start + TimeUnit.SECONDS.toNanos(bytes.length) / link.bytesPerSecond();
            linkFreeAt.put(path, departure);
        }
        if (cutOff.contains(from) || partitions.contains(List.of(from, to)) || random.nextDouble() < link.loss()) {
            dropped++;
            return;
        }
        int copies = random.nextDouble() < link.duplication() ? 2 : 1;
        long id = nextId++;
        for (int i = 0; i < copies; i++) {
            long jitter = link.jitterNanos() == 0 ? 0 : (long) (random.nextDouble() * link.jitterNanos());
            inFlight.add(new InFlight(departure + link.minDelayNanos() + jitter, order++, id, from, to, bytes));
        }
    }

    /** Every datagram still in flight, for inspection. */
    List<byte[]> inFlightBytes() {
        List<byte[]> all = new ArrayList<>();
        for (InFlight datagram : inFlight) {
            all.add(datagram.bytes);
        }
        return all;
    }
}
