package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A deterministic network for sans-I/O engines: a virtual clock, and links that lose, duplicate,
 * delay and reorder datagrams from one seeded {@link Random}. The same seed gives the same run,
 * event for event, so any failure can be replayed: {@link #seed()} names it. Minutes of virtual
 * time take milliseconds.
 *
 * <p>Time moves from one event to the next: a task set with {@link #later}, then a datagram
 * arriving, then an engine's timer (in that order when they fall on the same nanosecond; timers
 * fire exactly at the engine's deadline). After each event every engine is asked for what it
 * wants to send, in the order they were attached; in {@linkplain #eventLoopTurns event-loop
 * turns} only the engines the event called are.
 *
 * <p>Shared through chat-core's test jar: chat-core's simulation tests and the benchmarks' rooms
 * ({@link SimulatedRoom}) run on it. It keeps nothing per datagram once the datagram has arrived or
 * been lost, and {@link #detach} forgets an address entirely, so a long run or a room of thousands
 * does not grow the heap. Not thread-safe: one thread drives the network and every engine on it.
 */
public final class SimulatedNetwork {
    /** How many seeds {@link #recentSeeds()} keeps. */
    private static final int MAX_RECENT_SEEDS = 16;
    /** Seeds only, never networks: a network kept here would stay reachable after its test. */
    private static final ThreadLocal<ArrayDeque<Long>> RECENT_SEEDS = ThreadLocal.withInitial(ArrayDeque::new);

    /** The real event loop reads at most this many datagrams before it sends. */
    public static final int EVENT_LOOP_READS_PER_TURN = 256;

    /**
     * How the network treats datagrams. Probabilities are per datagram; a datagram's delay is
     * {@code minDelay} plus up to {@code jitter} (so later datagrams can overtake earlier ones).
     * With a bandwidth, the datagrams on one path queue behind each other, and a datagram that
     * would wait longer than {@code maxQueueNanos} is dropped (a full router queue).
     *
     * @param loss           the chance that a datagram is lost
     * @param duplication    the chance that a datagram that is not lost arrives twice
     * @param minDelayNanos  the delay every datagram has
     * @param jitterNanos    the most a datagram's delay exceeds {@code minDelayNanos}
     * @param bytesPerSecond the bandwidth of each path, or 0 for no limit
     * @param maxQueueNanos  with a bandwidth, the longest a datagram waits behind others before it is dropped
     */
    public record Conditions(double loss, double duplication, long minDelayNanos, long jitterNanos,
                             long bytesPerSecond, long maxQueueNanos) {
        /** No loss, no duplication, no reordering, and 100 µs of delay. */
        public static Conditions perfect() {
            return new Conditions(0, 0, TimeUnit.MICROSECONDS.toNanos(100), 0, 0, 0);
        }

        /** A bad network: 1 ms of delay plus up to {@code jitterMillis}, with the given loss and duplication. */
        public static Conditions lossy(double loss, double duplication, long jitterMillis) {
            return new Conditions(loss, duplication, TimeUnit.MILLISECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(jitterMillis), 0, 0);
        }

        /** These conditions, on paths of {@code bytesPerSecond} whose queues hold at most {@code maxQueueMillis}. */
        public Conditions withBandwidth(long bytesPerSecond, long maxQueueMillis) {
            return new Conditions(loss, duplication, minDelayNanos, jitterNanos, bytesPerSecond,
                    TimeUnit.MILLISECONDS.toNanos(maxQueueMillis));
        }
    }

    /** One direction between two addresses. */
    private record Link(InetSocketAddress from, InetSocketAddress to) {
        boolean touches(Set<InetSocketAddress> addresses) {
            return addresses.contains(from) || addresses.contains(to);
        }
    }

    /**
     * An engine at an address. {@code rank} breaks ties between timers due at the same time: the
     * engine attached first fires first. {@code deadline} is the engine's deadline as last read: a
     * sans-I/O engine's deadline changes only when it is called, and the network reads it again
     * after every call it makes, and of every engine after {@link #act} and at the start of a run.
     */
    private static final class Node {
        final InetSocketAddress address;
        final DatagramEngine engine;
        final long rank;
        long deadline = Long.MAX_VALUE;

        Node(InetSocketAddress address, DatagramEngine engine, long rank) {
            this.address = address;
            this.engine = engine;
            this.rank = rank;
        }
    }

    /** What the copies of one duplicated datagram share: whether one of them has arrived. */
    private static final class Copies {
        boolean arrived;
    }

    /** A datagram on its way; {@code copies} is null unless the network duplicated it. */
    private record InFlight(long deliverAtNanos, long order, Copies copies, InetSocketAddress from,
                            InetSocketAddress to, byte[] bytes) {
    }

    private record Task(long atNanos, long order, Runnable action) {
    }

    private final long seed;
    private final Random random;
    // the collections that can hold something per address are replaced, not cleared, by detach:
    // a cleared HashMap or PriorityQueue keeps the table it grew to
    private Map<InetSocketAddress, Node> nodes = new LinkedHashMap<>();
    private final TreeSet<Node> timers = new TreeSet<>(Comparator.<Node>comparingLong(node -> node.deadline)
            .thenComparingLong(node -> node.rank));
    private Set<InetSocketAddress> cutOff = new HashSet<>();
    private Set<Link> partitions = new HashSet<>();
    private Map<Link, Conditions> linkConditions = new HashMap<>();
    private Map<Link, Long> linkFreeAt = new HashMap<>();
    private Map<Link, List<byte[]>> taps = new HashMap<>();
    private Map<Link, UnaryOperator<byte[]>> rewriters = new HashMap<>();
    private Map<Link, Long> sentBetween = new HashMap<>();
    private Map<InetSocketAddress, Long> lastDeliveryFrom = new HashMap<>();
    private PriorityQueue<InFlight> inFlight = new PriorityQueue<>(SimulatedNetwork::deliveryOrder);
    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.atNanos != b.atNanos
            ? Long.compare(a.atNanos, b.atNanos) : Long.compare(a.order, b.order));
    private final ByteBuffer scratch = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM_BYTES);
    private Conditions conditions = Conditions.perfect();
    private boolean eventLoopTurns;
    private int readsPerTurn = 1;
    private long now = TimeUnit.SECONDS.toNanos(1_000);
    private long order;
    private long nextRank;
    private long delivered;
    private long dropped;
    private long timerFirings;

    /** A network whose every random choice, and every engine's randomness ({@link #newRandom()}), comes from {@code seed}. */
    public SimulatedNetwork(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        ArrayDeque<Long> seeds = RECENT_SEEDS.get();
        if (seeds.size() == MAX_RECENT_SEEDS) {
            seeds.removeFirst();
        }
        seeds.addLast(seed);
    }

    /**
     * The seeds of the networks this thread created since {@link #forgetRecentSeeds()} (the last
     * {@value #MAX_RECENT_SEEDS}), oldest first: for naming the seed when a test fails.
     */
    public static List<Long> recentSeeds() {
        return List.copyOf(RECENT_SEEDS.get());
    }

    /** Starts {@link #recentSeeds()} afresh, as before a test. */
    public static void forgetRecentSeeds() {
        RECENT_SEEDS.get().clear();
    }

    /** The seed that replays this run. */
    public long seed() {
        return seed;
    }

    /** A random source for an engine, derived from the network's seed so the whole run replays. */
    public Random newRandom() {
        return new Random(random.nextLong());
    }

    /** From now on, datagrams on every path without conditions of its own are treated so. */
    public void conditions(Conditions conditions) {
        this.conditions = conditions;
    }

    /** Datagrams from {@code from} to {@code to} get these conditions instead of the network's. */
    public void conditionsFor(InetSocketAddress from, InetSocketAddress to, Conditions conditions) {
        linkConditions.put(new Link(from, to), conditions);
    }

    /**
     * From now on engines take turns as under the real event loop: an engine is asked for what it
     * wants to send only after it was called (a datagram, its timer, {@link #act}), and it first
     * reads up to {@code readsPerTurn} datagrams that arrive for it at the same moment (the loop
     * reads up to {@link #EVENT_LOOP_READS_PER_TURN}), which lets a busy server put many events in
     * one datagram. The cost of an event no longer grows with the number of engines, so rooms of
     * thousands run in seconds.
     *
     * <p>By default every engine is asked after every event, and each datagram is answered on its
     * own: that is how every seeded scenario in chat-core's tests was recorded, and it lets an
     * engine send what became due without its timer (such as an acknowledgement its deadline does
     * not count).
     */
    public void eventLoopTurns(int readsPerTurn) {
        if (readsPerTurn < 1) {
            throw new IllegalArgumentException("readsPerTurn: at least 1, was " + readsPerTurn);
        }
        this.eventLoopTurns = true;
        this.readsPerTurn = readsPerTurn;
    }

    /**
     * Puts {@code engine} at {@code address}. An engine already there is replaced (it gets nothing
     * more) and the new one takes its turn in the order timers that fall together fire in.
     */
    public void attach(InetSocketAddress address, DatagramEngine engine) {
        Node replaced = nodes.get(address);
        if (replaced != null) {
            timers.remove(replaced);
        }
        Node node = new Node(address, engine, replaced != null ? replaced.rank : nextRank++);
        nodes.put(address, node);
        refresh(node);
    }

    /**
     * Takes the engines at {@code addresses} off the network and forgets everything about those
     * addresses: conditions, partitions, taps, counters, and datagrams still on their way to or
     * from them. What stays reachable from the network is then only what the other engines need.
     */
    public void detach(Collection<InetSocketAddress> addresses) {
        Set<InetSocketAddress> gone = new HashSet<>(addresses);
        for (InetSocketAddress address : gone) {
            Node node = nodes.remove(address);
            if (node != null) {
                timers.remove(node);
            }
        }
        nodes = new LinkedHashMap<>(nodes);
        cutOff = new HashSet<>(cutOff);
        cutOff.removeAll(gone);
        partitions = withoutLinks(partitions, gone);
        linkConditions = withoutLinks(linkConditions, gone);
        linkFreeAt = withoutLinks(linkFreeAt, gone);
        taps = withoutLinks(taps, gone);
        rewriters = withoutLinks(rewriters, gone);
        sentBetween = withoutLinks(sentBetween, gone);
        Map<InetSocketAddress, Long> heard = new HashMap<>();
        lastDeliveryFrom.forEach((address, at) -> {
            if (!gone.contains(address)) {
                heard.put(address, at);
            }
        });
        lastDeliveryFrom = heard;
        PriorityQueue<InFlight> staying = new PriorityQueue<>(SimulatedNetwork::deliveryOrder);
        for (InFlight datagram : inFlight) {
            if (!gone.contains(datagram.from) && !gone.contains(datagram.to)) {
                staying.add(datagram);
            }
        }
        inFlight = staying;
    }

    private static Set<Link> withoutLinks(Set<Link> links, Set<InetSocketAddress> gone) {
        Set<Link> kept = new HashSet<>();
        for (Link link : links) {
            if (!link.touches(gone)) {
                kept.add(link);
            }
        }
        return kept;
    }

    private static <V> Map<Link, V> withoutLinks(Map<Link, V> byLink, Set<InetSocketAddress> gone) {
        Map<Link, V> kept = new HashMap<>();
        for (Map.Entry<Link, V> entry : byLink.entrySet()) {
            if (!entry.getKey().touches(gone)) {
                kept.put(entry.getKey(), entry.getValue());
            }
        }
        return kept;
    }

    private static int deliveryOrder(InFlight a, InFlight b) {
        return a.deliverAtNanos != b.deliverAtNanos
                ? Long.compare(a.deliverAtNanos, b.deliverAtNanos) : Long.compare(a.order, b.order);
    }

    /** From now on, nothing leaves or reaches {@code address}: a crash or a pulled cable. */
    public void cutOff(InetSocketAddress address) {
        cutOff.add(address);
    }

    /** From now on, datagrams from {@code from} to {@code to} are lost; the other direction still works. */
    public void partition(InetSocketAddress from, InetSocketAddress to) {
        partitions.add(new Link(from, to));
    }

    /** Ends a {@link #partition}. */
    public void heal(InetSocketAddress from, InetSocketAddress to) {
        partitions.remove(new Link(from, to));
    }

    /**
     * The node at {@code from} now sends and receives at {@code to}, as after NAT rebinding or
     * roaming; datagrams still addressed to {@code from} are lost.
     */
    public void rebind(InetSocketAddress from, InetSocketAddress to) {
        Node node = nodes.remove(from);
        timers.remove(node);
        Node moved = new Node(to, node.engine, nextRank++);
        nodes.put(to, moved);
        refresh(moved);
    }

    /** From now on every datagram from {@code from} to {@code to} is also copied into {@code copies}. */
    public void tap(InetSocketAddress from, InetSocketAddress to, List<byte[]> copies) {
        taps.put(new Link(from, to), copies);
    }

    /**
     * From now on every datagram from {@code from} to {@code to} is replaced by what
     * {@code rewriter} makes of a copy of it (someone on the path); {@code null} stops it.
     */
    public void rewrite(InetSocketAddress from, InetSocketAddress to, UnaryOperator<byte[]> rewriter) {
        if (rewriter == null) {
            rewriters.remove(new Link(from, to));
        } else {
            rewriters.put(new Link(from, to), rewriter);
        }
    }

    /** The virtual time, in nanoseconds; it starts at 1,000 seconds. */
    public long now() {
        return now;
    }

    /** The virtual time in milliseconds: a wall clock for a server engine. */
    public long wallClockMillis() {
        return TimeUnit.NANOSECONDS.toMillis(now);
    }

    /** Datagrams handed to an engine so far, duplicates included. */
    public long delivered() {
        return delivered;
    }

    /** Datagrams lost so far: to loss, partitions, cut-off senders and full queues. */
    public long dropped() {
        return dropped;
    }

    /** How many datagrams {@code from} sent to {@code to}, lost ones included. */
    public long datagramsSent(InetSocketAddress from, InetSocketAddress to) {
        return sentBetween.getOrDefault(new Link(from, to), 0L);
    }

    /** How many times an engine's timer fired: a stuck deadline would make this explode. */
    public long timerFirings() {
        return timerFirings;
    }

    /**
     * When a datagram from {@code address} last reached anyone for the first time (a network
     * duplicate of one that already arrived does not count), or -1.
     */
    public long lastDeliveryFrom(InetSocketAddress address) {
        return lastDeliveryFrom.getOrDefault(address, -1L);
    }

    /** Runs {@code action} after {@code delayNanos} of virtual time, then lets the engines send. */
    public void later(long delayNanos, Runnable action) {
        tasks.add(new Task(now + delayNanos, order++, action));
    }

    /**
     * An {@link Offload} whose work takes {@code delayNanos} of virtual time, as SRP work on a
     * worker pool would: the engine meanwhile handles other datagrams (such as duplicates).
     */
    public Offload slowOffload(long delayNanos) {
        return new Offload() {
            @Override
            public <T> void submit(long nowNanos, Supplier<T> work, Continuation<T> then) {
                T result = work.get();
                later(delayNanos, () -> then.resume(result, now));
            }
        };
    }

    /** Runs {@code action} at the current virtual time, then lets the engines send what it caused. */
    public void act(Runnable action) {
        action.run();
        flushAll();
    }

    /**
     * Runs the network until {@code done} holds or {@code limitNanos} of virtual time pass. When
     * {@code done} holds, {@link #now()} is the time of the event that made it hold.
     *
     * @return {@code true} if {@code done} held
     */
    public boolean runUntil(BooleanSupplier done, long limitNanos) {
        long end = now + limitNanos;
        flushAll(); // the caller may have called engines directly since the last run
        while (!done.getAsBoolean()) {
            Node timer = timers.isEmpty() ? null : timers.first();
            long nextTimer = timer == null ? Long.MAX_VALUE : timer.deadline;
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
                flushAll(); // a task may have called any engine
            } else if (nextDelivery <= nextTimer) {
                deliverDue();
            } else {
                timerFirings++;
                timer.engine.handleTimeout(now);
                flushAfter(List.of(timer));
            }
        }
        return true;
    }

    /** Runs for {@code durationNanos} of virtual time. */
    public void runFor(long durationNanos) {
        runUntil(() -> false, durationNanos);
    }

    @Override
    public String toString() {
        return "SimulatedNetwork[seed " + seed + ", at " + now + " ns, " + nodes.size() + " engines]";
    }

    /** Delivers the next datagram, or with {@link #eventLoopTurns} every datagram due now, then lets the receivers send. */
    private void deliverDue() {
        InFlight first = inFlight.poll();
        if (readsPerTurn == 1) {
            Node target = nodes.get(first.to);
            flushAfter(receive(target, first) ? List.of(target) : List.of());
            return;
        }
        List<InFlight> due = new ArrayList<>();
        due.add(first);
        while (!inFlight.isEmpty() && inFlight.peek().deliverAtNanos <= now) {
            due.add(inFlight.poll());
        }
        Map<Node, Integer> reads = new LinkedHashMap<>();
        for (InFlight datagram : due) {
            Node target = nodes.get(datagram.to);
            if (target != null && reads.getOrDefault(target, 0) >= readsPerTurn) {
                inFlight.add(datagram); // read in the engine's next turn, at this same time
            } else if (receive(target, datagram)) {
                reads.merge(target, 1, Integer::sum);
            }
        }
        flushAfter(reads.keySet());
    }

    private boolean receive(Node target, InFlight datagram) {
        if (target == null || target.engine.isFinished() || cutOff.contains(datagram.to)) {
            return false;
        }
        delivered++;
        if (datagram.copies == null || !datagram.copies.arrived) {
            if (datagram.copies != null) {
                datagram.copies.arrived = true;
            }
            lastDeliveryFrom.put(datagram.from, now); // a copy of what already arrived is no sign of life
        }
        target.engine.handleDatagram(now, ByteBuffer.wrap(datagram.bytes).asReadOnlyBuffer(), datagram.from);
        return true;
    }

    /** Lets the engines send after an event that called {@code touched}: only those, or all (see {@link #eventLoopTurns}). */
    private void flushAfter(Collection<Node> touched) {
        if (!eventLoopTurns) {
            flushAll();
            return;
        }
        for (Node node : touched) {
            flush(node);
        }
    }

    private void flushAll() {
        for (Node node : nodes.values()) {
            flush(node);
        }
    }

    /** Sends everything the engine wants to send now, then reads its deadline again. */
    private void flush(Node node) {
        while (true) {
            scratch.clear();
            InetSocketAddress to = node.engine.pollDatagram(now, scratch);
            if (to == null) {
                break;
            }
            if (scratch.position() > WireFormat.MAX_DATAGRAM_BYTES) {
                throw new AssertionError("datagram of " + scratch.position() + " bytes (" + this + ")");
            }
            transmit(node.address, to, Arrays.copyOf(scratch.array(), scratch.position()));
        }
        refresh(node);
    }

    private void refresh(Node node) {
        long deadline = node.engine.isFinished() ? Long.MAX_VALUE : node.engine.nextDeadlineNanos();
        if (deadline == node.deadline) {
            return;
        }
        timers.remove(node);
        node.deadline = deadline;
        if (deadline != Long.MAX_VALUE) {
            timers.add(node);
        }
    }

    private void transmit(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
        Link link = new Link(from, to);
        sentBetween.merge(link, 1L, Long::sum);
        List<byte[]> tap = taps.get(link);
        if (tap != null) {
            tap.add(bytes.clone());
        }
        UnaryOperator<byte[]> rewriter = rewriters.get(link);
        if (rewriter != null) {
            bytes = rewriter.apply(bytes.clone());
        }
        Conditions path = linkConditions.getOrDefault(link, conditions);
        long departure = now;
        if (path.bytesPerSecond() > 0) {
            long start = Math.max(now, linkFreeAt.getOrDefault(link, now));
            if (start - now > path.maxQueueNanos()) {
                dropped++;
                return;
            }
            departure = start + TimeUnit.SECONDS.toNanos(bytes.length) / path.bytesPerSecond();
            linkFreeAt.put(link, departure);
        }
        if (cutOff.contains(from) || partitions.contains(link) || random.nextDouble() < path.loss()) {
            dropped++;
            return;
        }
        int copies = random.nextDouble() < path.duplication() ? 2 : 1;
        Copies shared = copies > 1 ? new Copies() : null;
        for (int i = 0; i < copies; i++) {
            long jitter = path.jitterNanos() == 0 ? 0 : (long) (random.nextDouble() * path.jitterNanos());
            inFlight.add(new InFlight(departure + path.minDelayNanos() + jitter, order++, shared, from, to, bytes));
        }
    }
}
