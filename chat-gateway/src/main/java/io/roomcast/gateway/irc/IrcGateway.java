package io.roomcast.gateway.irc;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IRC server that puts IRC clients into one Roomcast room: each registered connection is a
 * {@link io.roomcast.ChatClient} (its nick the username, its {@code PASS} the room password) and
 * the room is the channel {@code #<roomname>}.
 *
 * <pre>{@code
 * IrcGateway gateway = IrcGateway.builder()
 *     .room(new InetSocketAddress("127.0.0.1", 9000))
 *     .build();
 * gateway.start();   // IRC clients connect to 127.0.0.1:6667
 * ...
 * gateway.close();
 * }</pre>
 *
 * <p>Threads: one acceptor per listener ({@code roomcast-irc-accept}, not a daemon: a started
 * gateway keeps the JVM alive until {@link #close()}), and per connection a reader thread, which
 * runs that client's commands in order, and a writer thread, which drains its bounded outbox
 * ({@code roomcast-irc-<n>-reader}, {@code -writer}, daemons). Connections are bounded by
 * {@link Builder#maxConnections}; the ChatClients share the process's client threads.
 *
 * <p>The plain listener carries the room password in clear: keep it on loopback or a trusted
 * LAN, or offer {@link Builder#tls} as well. All methods are thread-safe. A {@code null} argument
 * throws {@link NullPointerException} naming it.
 */
public final class IrcGateway implements Closeable {
    /** The default plain listener: 127.0.0.1:6667. */
    public static final InetSocketAddress DEFAULT_BIND = new InetSocketAddress("127.0.0.1", 6667);
    /** The default network name, NETWORK= in 005: {@value}. */
    public static final String DEFAULT_NETWORK = "Roomcast";
    /** The default time a connection has to register: 30 seconds. */
    public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofSeconds(30);
    /** The default silence after which the gateway PINGs a client, and drops it after as long again: 120 seconds. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(120);
    /** The default bound on connections: 512. */
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
    /** The default bound on bytes waiting for one client: 1 MiB. */
    public static final int DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(IrcGateway.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final InetSocketAddress bind;
    private final InetSocketAddress tlsBind;
    private final SSLContext tlsContext;
    private final int maxConnections;
    private final GatewaySettings settings;
    private final Map<Long, IrcConnection> connections = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final List<Thread> acceptors = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "roomcast-irc-timer");
        t.setDaemon(true);
        return t;
    });
    private ServerSocket plain;
    private ServerSocket tls;
    private boolean started;
    private volatile boolean closed;

    private IrcGateway(Builder b) {
        this.bind = b.bind;
        this.tlsBind = b.tlsBind;
        this.tlsContext = b.tlsContext;
        this.maxConnections = b.maxConnections;
        this.settings = new GatewaySettings(b.room, b.network, "roomcast.gateway", b.registrationTimeout, b.pingInterval,
                b.maxQueuedBytes, b.connectTimeout, Instant.now(), new Semaphore(GatewaySettings.CONCURRENT_JOINS, true));
    }

    /**
     * A new builder with every option at its default.
     *
     * @return a builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the listeners and starts accepting connections. A listener bound to an address other
     * than loopback is logged as a warning (the plain one carries passwords in clear).
     *
     * @throws IOException           if a listener cannot be bound (then none is left open)
     * @throws IllegalStateException if the gateway was already started or is closed
     */
    public synchronized void start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "the gateway is closed" : "the gateway was already started");
        }
        started = true;
        try {
            plain = listen(bind);
            if (tlsBind != null) {
                tls = listen(tlsBind);
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        if (!bind.getAddress().isLoopbackAddress()) {
            log.warn("IRC gateway listening on {} in CLEARTEXT: room passwords and messages cross that network unencrypted;"
                    + " keep it on loopback or a trusted LAN, or use the TLS listener", address());
        }
        log.info("IRC gateway for room server {} on {}{}", settings.room(), address(),
                tls == null ? "" : " and TLS on " + tls.getLocalSocketAddress());
        acceptors.add(new Acceptor(plain, null, this::admit).start());
        if (tls != null) {
            acceptors.add(new Acceptor(tls, tlsContext, this::admit).start());
        }
    }

    /**
     * The plain listener's address, with the actual port when bound to port 0.
     *
     * @return the address, never null
     * @throws IllegalStateException if the gateway has not been started
     */
    public synchronized InetSocketAddress address() {
        if (plain == null) {
            throw new IllegalStateException("the gateway has not been started");
        }
        return (InetSocketAddress) plain.getLocalSocketAddress();
    }

    /**
     * The TLS listener's address, with the actual port when bound to port 0.
     *
     * @return the address; empty if no TLS listener was configured or the gateway has not started
     */
    public synchronized Optional<InetSocketAddress> tlsAddress() {
        return tls == null ? Optional.empty() : Optional.of((InetSocketAddress) tls.getLocalSocketAddress());
    }

    /**
     * How many IRC connections are open now, registered or not.
     *
     * @return the count
     */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops accepting, tells every client ({@code ERROR}), closes every connection and its
     * ChatClient (the room sees each member leave), and waits for them: up to 5 seconds, then
     * interrupts connections still joining the room and waits one more second. Connections that
     * have not ended by then end on their own (their threads are daemons).
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(plain);
        closeQuietly(tls);
        List<IrcConnection> open = new ArrayList<>(connections.values());
        open.forEach(c -> c.close("The gateway is shutting down"));
        awaitReaders(open, CLOSE_WAIT);
        // a reader still waiting to join the room (a join slot, or connect()) gives up when interrupted
        open.forEach(c -> c.readerThread().interrupt());
        awaitReaders(open, Duration.ofSeconds(1));
        timer.shutdownNow();
        for (Thread t : acceptors) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("IRC gateway closed ({} connections still ending)", connections.size());
    }

    /** Takes an accepted connection, or refuses it past the bound. Acceptor threads. */
    private boolean admit(Socket raw, Socket io) {
        if (connections.size() >= maxConnections || closed) {
            return false; // the acceptor says so, at a bounded pace
        }
        long id = ids.incrementAndGet();
        IrcConnection connection = new IrcConnection(id, raw, io, settings, timer, () -> connections.remove(id));
        connections.put(id, connection);
        log.debug("IRC connection {} from {}{}", id, raw.getRemoteSocketAddress(), raw == io ? "" : " (TLS)");
        connection.start();
        return true;
    }

    private static void awaitReaders(List<IrcConnection> connections, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (IrcConnection c : connections) {
            try {
                c.readerThread().join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static ServerSocket listen(InetSocketAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(address, 128);
        return server;
    }

    static void closeQuietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            log.debug("IRC gateway: close: {}", e.toString());
        }
    }

    /**
     * Configures an {@link IrcGateway}. Mutable and not thread-safe; {@link #build()} validates.
     * Every method that takes an object throws {@link NullPointerException} naming the parameter
     * if it is {@code null}.
     */
    public static final class Builder {
        private InetSocketAddress room;
        private InetSocketAddress bind = DEFAULT_BIND;
        private InetSocketAddress tlsBind;
        private SSLContext tlsContext;
        private String network = DEFAULT_NETWORK;
        private Duration registrationTimeout = DEFAULT_REGISTRATION_TIMEOUT;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private Duration connectTimeout = io.roomcast.ChatClient.DEFAULT_CONNECT_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;

        private Builder() {
        }

        /**
         * The Roomcast server whose room the IRC users join. Required.
         *
         * @param roomServer a resolved address with a port from 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if it is unresolved or its port is 0
         */
        public Builder room(InetSocketAddress roomServer) {
            Objects.requireNonNull(roomServer, "room");
            if (roomServer.isUnresolved() || roomServer.getPort() == 0) {
                throw new IllegalArgumentException("room: " + roomServer + " is unresolved or has port 0");
            }
            this.room = roomServer;
            return this;
        }

        /**
         * The plain (cleartext) listener's address. Default: {@link IrcGateway#DEFAULT_BIND}.
         *
         * @param listen a resolved address; port 0 picks a free port ({@link IrcGateway#address()})
         * @return this builder
         * @throws IllegalArgumentException if it is unresolved
         */
        public Builder bind(InetSocketAddress listen) {
            this.bind = resolved(listen, "bind");
            return this;
        }

        /**
         * Adds a TLS listener (the JDK's TLS) beside the plain one. Default: none.
         *
         * @param listen a resolved address; port 0 picks a free port ({@link IrcGateway#tlsAddress()})
         * @param context the server's TLS context, initialised with its key
         * @return this builder
         * @throws IllegalArgumentException if the address is unresolved
         */
        public Builder tls(InetSocketAddress listen, SSLContext context) {
            this.tlsBind = resolved(listen, "tls");
            this.tlsContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * The network name shown to clients (NETWORK= in 005, the welcome). Default: {@value IrcGateway#DEFAULT_NETWORK}.
         *
         * @param name 1 to 32 characters, each an ASCII letter, digit, {@code .}, {@code _} or {@code -}
         * @return this builder
         * @throws IllegalArgumentException if it breaks that rule
         */
        public Builder network(String name) {
            Objects.requireNonNull(name, "network");
            if (!name.matches("[A-Za-z0-9._-]{1,32}")) {
                throw new IllegalArgumentException("network: 1 to 32 of A-Z a-z 0-9 . _ -, was '" + IrcText.forLog(name) + "'");
            }
            this.network = name;
            return this;
        }

        /**
         * How long a connection may take to register (NICK, USER, CAP END, and joining the room)
         * before it is dropped. Default: {@link IrcGateway#DEFAULT_REGISTRATION_TIMEOUT}.
         *
         * @param timeout positive, at most a day
         * @return this builder
         * @throws IllegalArgumentException if it is not positive or longer than a day
         */
        public Builder registrationTimeout(Duration timeout) {
            this.registrationTimeout = bounded(timeout, "registrationTimeout");
            return this;
        }

        /**
         * How long a registered client may stay silent before the gateway sends PING; silent as
         * long again, it is dropped. Default: {@link IrcGateway#DEFAULT_PING_INTERVAL}.
         *
         * @param interval positive, at most a day
         * @return this builder
         * @throws IllegalArgumentException if it is not positive or longer than a day
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = bounded(interval, "pingInterval");
            return this;
        }

        /**
         * Each ChatClient's connect timeout. Default: {@link io.roomcast.ChatClient#DEFAULT_CONNECT_TIMEOUT}.
         *
         * @param timeout positive, at most a day
         * @return this builder
         * @throws IllegalArgumentException if it is not positive or longer than a day
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = bounded(timeout, "connectTimeout");
            return this;
        }

        /**
         * The most connections open at once, over both listeners; past it a new one gets
         * {@code ERROR} and is closed. Each takes two threads. Default: {@value IrcGateway#DEFAULT_MAX_CONNECTIONS}.
         *
         * @param connections 1 to 10,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxConnections(int connections) {
            if (connections < 1 || connections > 10_000) {
                throw new IllegalArgumentException("maxConnections: 1 to 10000, was " + connections);
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * The most bytes that may wait for one client; a client that does not read past it is
         * dropped with {@code ERROR :Closing link: SendQ exceeded}. Default: {@value IrcGateway#DEFAULT_MAX_QUEUED_BYTES}.
         *
         * @param bytes 4,096 to 64 MiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxQueuedBytes(int bytes) {
            if (bytes < 4096 || bytes > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("maxQueuedBytes: 4096 to 67108864, was " + bytes);
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /**
         * A gateway with this configuration, not yet started.
         *
         * @return the gateway
         * @throws IllegalStateException if the room server is missing
         */
        public IrcGateway build() {
            if (room == null) {
                throw new IllegalStateException("room: the Roomcast server's address is required; call room(...)");
            }
            return new IrcGateway(this);
        }

        private static InetSocketAddress resolved(InetSocketAddress address, String name) {
            Objects.requireNonNull(address, name);
            if (address.isUnresolved()) {
                throw new IllegalArgumentException(name + ": " + address + " is unresolved");
            }
            return address;
        }

        private static Duration bounded(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(name + ": must be positive and at most a day, was " + value);
            }
            return value;
        }
    }
}
