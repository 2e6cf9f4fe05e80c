package io.roomcast;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay on loopback between clients and a server that loses, duplicates and delays
 * (and so reorders) datagrams in both directions, from a seeded random. Clients connect to
 * {@link #address()}; the server sees one relay address per client. Used to prove the real
 * sockets' wiring survives a bad network; the protocol rules themselves are proven in the
 * simulator. It also records every datagram it forwards, and can send copies again (replays,
 * bit-flipped forgeries) from the same addresses, as an attacker on the path would.
 */
final class LossyRelay implements AutoCloseable {
    /**
     * A datagram the relay forwarded.
     *
     * @param toServer {@code true} if it went from a client to the server
     * @param bytes    its bytes
     */
    record Captured(boolean toServer, DatagramChannel channel, InetSocketAddress to, byte[] bytes) {
    }

    private record Scheduled(long dueNanos, long order, DatagramChannel channel, InetSocketAddress to, byte[] bytes) {
    }

    private final InetSocketAddress server;
    private final Random random;
    private final double loss;
    private final double duplication;
    private final long maxDelayNanos;
    private final Selector selector;
    private final DatagramChannel front;
    private final Map<InetSocketAddress, DatagramChannel> backs = new HashMap<>();
    private final PriorityQueue<Scheduled> scheduled = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
            ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.order, b.order));
    private final Thread thread;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final InetSocketAddress backAddress;
    private final java.util.List<Captured> captured = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final java.util.concurrent.ConcurrentLinkedQueue<Captured> injections =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean silent;
    private volatile boolean closed;
    private long order;

    LossyRelay(InetSocketAddress server, long seed, double loss, double duplication, long maxDelayMillis)
            throws IOException {
        this(server, seed, loss, duplication, maxDelayMillis, "127.0.0.1");
    }

    /** A relay whose clients reach the server from {@code backHost}, a loopback address such as 127.0.0.2. */
    LossyRelay(InetSocketAddress server, long seed, double loss, double duplication, long maxDelayMillis,
               String backHost) throws IOException {
        this.server = server;
        this.backAddress = new InetSocketAddress(backHost, 0);
        this.random = new Random(seed);
        this.loss = loss;
        this.duplication = duplication;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
        this.selector = Selector.open();
        this.front = DatagramChannel.open();
        front.bind(new InetSocketAddress("127.0.0.1", 0));
        front.configureBlocking(false);
        front.register(selector, SelectionKey.OP_READ, null);
        this.thread = new Thread(this::run, "lossy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where clients connect. */
    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    /** From now on everything is dropped, both ways: a pulled cable. */
    void silence() {
        silent = true;
    }

    /** Ends a {@link #silence}: datagrams go through again, from the same relay addresses. */
    void restore() {
        silent = false;
    }

    /** Every datagram forwarded so far, in order. */
    java.util.List<Captured> captured() {
        synchronized (captured) {
            return java.util.List.copyOf(captured);
        }
    }

    /** Sends {@code bytes} again the way {@code original} went: same relay address, same destination. */
    void inject(Captured original, byte[] bytes) {
        injections.add(new Captured(original.toServer(), original.channel(), original.to(), bytes));
        selector.wakeup();
    }

    long forwarded() {
        return forwarded.get();
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        selector.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(5));
        for (DatagramChannel back : backs.values()) {
            back.close();
        }
        front.close();
        selector.close();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        try {
            while (!closed) {
                long now = System.nanoTime();
                Scheduled next = scheduled.peek();
                long waitMillis = next == null ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.dueNanos - now) + 1);
                selector.select(waitMillis);
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    while (true) {
                        buffer.clear();
                        SocketAddress source = channel.receive(buffer);
                        if (source == null) {
                            break;
                        }
                        buffer.flip();
                        byte[] bytes = new byte[buffer.remaining()];
                        buffer.get(bytes);
                        if (key.attachment() == null) {
                            // client → server, from the client's own back channel
                            schedule(backFor((InetSocketAddress) source), server, bytes);
                        } else {
                            // server → client, from the front
                            schedule(front, (InetSocketAddress) key.attachment(), bytes);
                        }
                    }
                }
                selector.selectedKeys().clear();
                now = System.nanoTime();
                while (!scheduled.isEmpty() && scheduled.peek().dueNanos <= now) {
                    Scheduled due = scheduled.poll();
                    due.channel.send(ByteBuffer.wrap(due.bytes), due.to);
                    captured.add(new Captured(due.channel != front, due.channel, due.to, due.bytes));
                    forwarded.incrementAndGet();
                }
                Captured injection;
                while ((injection = injections.poll()) != null) {
                    injection.channel().send(ByteBuffer.wrap(injection.bytes()), injection.to());
                }
            }
        } catch (IOException e) {
            if (!closed) {
                throw new IllegalStateException(e);
            }
        }
    }

    private DatagramChannel backFor(InetSocketAddress client) throws IOException {
        DatagramChannel back = backs.get(client);
        if (back == null) {
            back = DatagramChannel.open();
            back.bind(backAddress);
            back.configureBlocking(false);
            back.register(selector, SelectionKey.OP_READ, client);
            backs.put(client, back);
        }
        return back;
    }

    private void schedule(DatagramChannel channel, InetSocketAddress to, byte[] bytes) {
        if (silent || random.nextDouble() < loss) {
            dropped.incrementAndGet();
            return;
        }
        int copies = random.nextDouble() < duplication ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long delay = maxDelayNanos == 0 ? 0 : (long) (random.nextDouble() * maxDelayNanos);
            scheduled.add(new Scheduled(System.nanoTime() + delay, order++, channel, to, bytes));
        }
    }
}
