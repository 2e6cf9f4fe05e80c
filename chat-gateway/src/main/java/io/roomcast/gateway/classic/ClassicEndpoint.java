package io.roomcast.gateway.classic;

import io.roomcast.ChatClient;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: one UDP socket, the classic clients by address ({@link ClassicSession}),
 * and three kinds of threads: one receives and answers datagrams ({@code roomcast-classic-receive},
 * never blocking on the room), two join the room for clients ({@code roomcast-classic-join-<n>}:
 * {@code connect()} blocks), two leave it for them ({@code roomcast-classic-leave-<n>}:
 * {@code close()} blocks, and must never wait behind a join), and one
 * leaves for clients that went silent ({@code roomcast-classic-idle}). What a datagram means is
 * {@link ClassicProtocol}'s.
 */
final class ClassicEndpoint implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicEndpoint.class);

    /** Joins in flight at once, one per join thread: with {@link WrongPasswords} this keeps the room from refusing the gateway. */
    static final int CONCURRENT_JOINS = 2;
    /** Threads that leave the room for clients. */
    static final int LEAVING_THREADS = 2;
    /** The largest datagram read from a classic client; a larger one is refused whole. */
    static final int MAX_INBOUND_BYTES = 8 * 1024;
    /** How long a client waiting for its name may stay silent before it is forgotten, whatever the idle timeout. */
    static final Duration PENDING_TIMEOUT = Duration.ofSeconds(30);
    /** The receive buffer asked of the OS (which may give less): a class's datagrams at once, and a flood, queue rather than drop. */
    static final int RECEIVE_BUFFER_BYTES = 1 << 20;
    /** How long {@link #close()} waits for the clients' leaves. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final ClassicGateway.Settings settings;
    private final ClassicLines lines;
    private final Map<InetSocketAddress, ClassicSession> sessions = new ConcurrentHashMap<>();
    private final WrongPasswords wrongPasswords = new WrongPasswords();
    private final DatagramChannel channel;
    private final ExecutorService joins;
    private final ExecutorService leaves;
    private final ScheduledExecutorService idle;
    private final Thread receiver;
    private final ClassicProtocol protocol;
    private volatile boolean closed;

    ClassicEndpoint(ClassicGateway.Settings settings) throws IOException {
        this.settings = settings;
        this.lines = new ClassicLines(settings.language());
        this.channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.bind(settings.bind());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        this.protocol = new ClassicProtocol(this, lines);
        this.joins = Executors.newFixedThreadPool(CONCURRENT_JOINS, named("roomcast-classic-join-"));
        this.leaves = Executors.newFixedThreadPool(LEAVING_THREADS, named("roomcast-classic-leave-"));
        this.idle = Executors.newSingleThreadScheduledExecutor(named("roomcast-classic-idle"));
        this.receiver = named("roomcast-classic-receive").newThread(this::receive);
        long period = Math.max(10, Math.min(1000, settings.idleTimeout().toMillis() / 4));
        idle.scheduleWithFixedDelay(this::leaveSilentClients, period, period, TimeUnit.MILLISECONDS);
        receiver.start();
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    ClassicGateway.Settings settings() {
        return settings;
    }

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_INBOUND_BYTES + 1);
        while (!closed) {
            buffer.clear();
            SocketAddress from;
            try {
                from = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.debug("classic gateway: receive failed: {}", e.toString());
                continue;
            }
            buffer.flip();
            try {
                if (from instanceof InetSocketAddress source) {
                    protocol.handle(source, buffer, System.nanoTime());
                }
            } catch (RuntimeException e) {
                LOG.warn("classic gateway: a datagram from {} could not be handled", from, e);
            }
        }
    }

    /** The session of {@code address}, or null if there is none or it is closed (being forgotten). */
    ClassicSession session(InetSocketAddress address) {
        ClassicSession session = sessions.get(address);
        return session == null || session.state() == ClassicSession.State.CLOSED ? null : session;
    }

    /**
     * A new session for {@code address}, within the bound of {@code maxPending} clients that
     * have not joined (waiting for a name or joining). Null past it.
     */
    ClassicSession open(InetSocketAddress address, long nowNanos) {
        if (closed) {
            return null;
        }
        int pending = 0;
        for (ClassicSession session : sessions.values()) {
            ClassicSession.State state = session.state();
            if (state == ClassicSession.State.AWAITING_NAME || state == ClassicSession.State.JOINING) {
                pending++;
            }
        }
        if (pending >= settings.maxPending()) { // and joined ones are at most maxClients: see hasRoomForAnotherMember
            LOG.debug("classic gateway: no room for a new client from {} ({} waiting, {} in all)", address,
                    pending, sessions.size());
            return null;
        }
        ClassicSession session = new ClassicSession(address, this::send, nowNanos);
        sessions.put(address, session);
        return session;
    }

    /** Forgets a session and leaves the room for it if it was in it or joining. */
    void forget(ClassicSession session) {
        forget(session, null);
    }

    /**
     * Forgets a session, telling a joined client {@code lastLine} first (null: nothing), and
     * leaves the room for it if it was in it or joining. A datagram that comes meanwhile finds it
     * closed, and is taken as a stranger's.
     */
    void forget(ClassicSession session, String lastLine) {
        ChatClient client = session.close(lastLine);
        sessions.remove(session.address, session);
        if (client != null) {
            leave(client);
        }
    }

    /** Runs a join for a session on a join thread: at most {@link #CONCURRENT_JOINS} at once, the rest queued. */
    void join(ClassicSession session, Runnable join) {
        try {
            joins.execute(() -> {
                try {
                    join.run();
                } catch (RuntimeException e) {
                    LOG.warn("classic gateway: the join for {} failed", session.address, e);
                    session.joinFailed(false, lines.cannotJoin("the gateway failed"));
                }
            });
        } catch (RejectedExecutionException closing) {
            forget(session);
        }
    }

    WrongPasswords wrongPasswords() {
        return wrongPasswords;
    }

    /** Whether another client may join: fewer than {@code maxClients} joined or joining. */
    boolean hasRoomForAnotherMember() {
        int members = 0;
        for (ClassicSession session : sessions.values()) {
            ClassicSession.State state = session.state();
            if (state == ClassicSession.State.JOINED || state == ClassicSession.State.JOINING) {
                members++;
            }
        }
        return members < settings.maxClients();
    }

    private void leave(ChatClient client) {
        try {
            leaves.execute(client::close);
        } catch (RejectedExecutionException closing) {
            client.close();
        }
    }

    private void leaveSilentClients() {
        try {
            long now = System.nanoTime();
            long idleNanos = settings.idleTimeout().toNanos();
            long pendingNanos = PENDING_TIMEOUT.toNanos();
            for (ClassicSession session : sessions.values()) {
                ClassicSession.State state = session.state();
                long silent = now - session.lastHeardNanos();
                if (state == ClassicSession.State.JOINED && silent >= idleNanos) {
                    LOG.info("classic gateway: {} ({}) was silent for {} ms: left the room for it",
                            ClassicLines.printable(String.valueOf(session.typedName())), session.address,
                            TimeUnit.NANOSECONDS.toMillis(silent));
                    forget(session, lines.leftForSilence());
                } else if (state == ClassicSession.State.AWAITING_NAME && silent >= pendingNanos) {
                    forget(session);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("classic gateway: the idle sweep failed", e);
        }
    }

    /** Sends a line to a classic client as datagrams of at most 1024 bytes; a failure is logged, not thrown. */
    void send(InetSocketAddress to, String line) {
        try {
            for (byte[] datagram : ClassicLines.datagrams(line)) {
                channel.send(ByteBuffer.wrap(datagram), to);
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("classic gateway: sending to {} failed: {}", to, e.toString());
            }
        }
    }

    /** Stops receiving, leaves the room for every client (waiting at most {@link #CLOSE_WAIT}) and stops the threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("classic gateway: closing the socket failed: {}", e.toString());
        }
        idle.shutdownNow();
        List<ChatClient> clients = new ArrayList<>();
        for (ClassicSession session : sessions.values()) {
            sessions.remove(session.address, session);
            ChatClient client = session.close(null);
            if (client != null) {
                clients.add(client);
            }
        }
        clients.forEach(this::leave); // a running join fails as its client closes
        joins.shutdown(); // joins still queued find their sessions closed
        leaves.shutdown();
        try {
            receiver.join(CLOSE_WAIT.toMillis());
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            if (!leaves.awaitTermination(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS)
                    || !joins.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                LOG.warn("classic gateway: joins or leaves still running {} after close", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            thread.setDaemon(true);
            return thread;
        };
    }
}
