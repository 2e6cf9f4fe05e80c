package io.roomcast.gateway.classic;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Lets the original classroom chat clients into a Roomcast room. They speak a plain-text protocol
 * over UDP: {@code PASSWORD <pw>} ({@code PASSWORD OK} | {@code PASSWORD INCORRECT}),
 * {@code USERNAME <name>} ({@code USERNAME OK} | {@code USERNAME TAKEN}), then
 * {@code <name>: <text>} datagrams, and {@code exit}; they receive {@code <sender>: <text>} and the
 * join and leave lines. Each classic client, known by its UDP address, becomes one
 * {@link io.roomcast.ChatClient} with the name and password it gave (SRP to the room, as every
 * member), on the clients' shared threads. The protocol byte for byte, and what each answer
 * means here, is in {@code docs/gateway-classic.md}.
 *
 * <pre>{@code
 * ClassicGateway gateway = ClassicGateway.builder()
 *     .room(new InetSocketAddress("127.0.0.1", 9000))
 *     .build();
 * gateway.start();                      // listens on 127.0.0.1:9100
 * ...
 * gateway.close();                      // every classic client leaves the room
 * }</pre>
 *
 * <p>The classic hop is cleartext: the password and every message cross it as typed. Keep the
 * listener on loopback or a trusted LAN.
 *
 * <p>Lifecycle: built → started ({@link #start()}) → closed ({@link #close()}); a gateway starts at
 * most once. Threading: all methods are thread-safe. A started gateway has six daemon threads of
 * its own ({@code roomcast-classic-receive}, {@code -idle}, {@code -join-1} and {@code -2},
 * {@code -leave-1} and {@code -2}: joins and leaves block), besides the clients' shared ones; being
 * daemons, they do not keep the JVM alive. Arguments: a {@code null} argument throws {@link NullPointerException} naming it, here
 * and in the {@link Builder}.
 */
public final class ClassicGateway implements Closeable {
    /** The default listening address: {@code 127.0.0.1:9100}, loopback only. */
    public static final InetSocketAddress DEFAULT_BIND = new InetSocketAddress("127.0.0.1", 9100); // a literal: no lookup
    /**
     * The default idle timeout: 10 minutes. The original client sends nothing while its user only
     * reads, so a short timeout would drop readers; a client silent this long is gone or asleep.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** The default most classic clients not yet joined (waiting for a name, or joining) at once: 64. */
    static final int DEFAULT_MAX_PENDING = 64;
    /** The default most classic clients in the room through one gateway: 512. */
    static final int DEFAULT_MAX_CLIENTS = 512;

    /** The language of the join and leave lines and of the gateway's own lines. */
    public enum Language {
        /** The original's: {@code <name> bergabung ke chatroom.}, {@code <name> telah keluar dari chatroom.} */
        INDONESIAN,
        /** {@code <name> joined the chatroom.}, {@code <name> left the chatroom.} */
        ENGLISH
    }

    /** What the builder validated. */
    record Settings(InetSocketAddress room, InetSocketAddress bind, Language language, Duration idleTimeout,
                    int maxPending, int maxClients) {
    }

    private final Settings settings;
    private ClassicEndpoint endpoint;
    private boolean closed;

    private ClassicGateway(Settings settings) {
        this.settings = settings;
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
     * Binds the listening socket and starts answering classic clients. Nothing reaches the room
     * until a client has given its name.
     *
     * @throws IOException           if the socket cannot be bound (the port is in use)
     * @throws IllegalStateException if the gateway was started or closed already
     */
    public synchronized void start() throws IOException {
        if (closed) {
            throw new IllegalStateException("the gateway is closed");
        }
        if (endpoint != null) {
            throw new IllegalStateException("the gateway is already started");
        }
        endpoint = new ClassicEndpoint(settings);
    }

    /**
     * The address the gateway listens on, with the port it was given (the one chosen, for port 0).
     *
     * @return the bound address, never null
     * @throws IllegalStateException if the gateway is not started, or closed
     */
    public synchronized InetSocketAddress address() {
        if (endpoint == null || closed) {
            throw new IllegalStateException("the gateway is not running");
        }
        try {
            return endpoint.address();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops listening and leaves the room for every classic client (other members see them leave
     * {@link io.roomcast.LeaveReason#LEFT}); blocks until they have left, at most about 10 seconds.
     * Idempotent; a gateway never started just ends.
     */
    @Override
    public void close() {
        ClassicEndpoint running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = endpoint;
        }
        if (running != null) {
            running.close();
        }
    }

    /**
     * Configures a {@link ClassicGateway}. Mutable and not thread-safe; {@link #build()} validates
     * and copies, so one builder can build several gateways.
     */
    public static final class Builder {
        private InetSocketAddress room;
        private InetSocketAddress bind = DEFAULT_BIND;
        private Language language = Language.INDONESIAN;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxPending = DEFAULT_MAX_PENDING;
        private int maxClients = DEFAULT_MAX_CLIENTS;

        private Builder() {
        }

        /**
         * The Roomcast server whose room the classic clients join. Required.
         *
         * @param roomServer a resolved address with a port from 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if the address is unresolved or its port is 0
         * @throws NullPointerException     if it is null
         */
        public Builder room(InetSocketAddress roomServer) {
            Objects.requireNonNull(roomServer, "room");
            if (roomServer.isUnresolved()) {
                throw new IllegalArgumentException("room: address " + roomServer + " is unresolved");
            }
            if (roomServer.getPort() == 0) {
                throw new IllegalArgumentException("room: port 0 cannot be connected to");
            }
            this.room = roomServer;
            return this;
        }

        /**
         * Where the gateway listens for classic clients. Default: {@link #DEFAULT_BIND},
         * {@code 127.0.0.1:9100}. Another address lets other machines in, over cleartext.
         *
         * @param listen a resolved address; port 0 picks a free port ({@link ClassicGateway#address()} tells which)
         * @return this builder
         * @throws IllegalArgumentException if the address is unresolved
         * @throws NullPointerException     if it is null
         */
        public Builder bind(InetSocketAddress listen) {
            Objects.requireNonNull(listen, "bind");
            if (listen.isUnresolved()) {
                throw new IllegalArgumentException("bind: address " + listen + " is unresolved");
            }
            this.bind = listen;
            return this;
        }

        /**
         * The language of the join and leave lines and the gateway's own lines; the protocol's
         * answers ({@code PASSWORD OK} and the rest) are the same in both. Default:
         * {@link Language#INDONESIAN}, the original's.
         *
         * @param language the language
         * @return this builder
         * @throws NullPointerException if it is null
         */
        public Builder language(Language language) {
            this.language = Objects.requireNonNull(language, "language");
            return this;
        }

        /**
         * How long a joined classic client may send nothing before the gateway leaves the room for
         * it (others see it leave {@link io.roomcast.LeaveReason#LEFT}; it is told in a last line).
         * (A client that has given no name yet is forgotten after 30 seconds of silence, whatever
         * this is.) Default: {@link #DEFAULT_IDLE_TIMEOUT}, 10 minutes.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         * @throws NullPointerException     if it is null
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "idleTimeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout: must be positive, was " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** The bounds on classic clients: not yet joined, and in the room (for tests). */
        Builder limits(int maxPending, int maxClients) {
            if (maxPending < 1 || maxClients < 1) {
                throw new IllegalArgumentException("limits: both must be positive");
            }
            this.maxPending = maxPending;
            this.maxClients = maxClients;
            return this;
        }

        /**
         * A gateway with this configuration, not yet started.
         *
         * @return the gateway
         * @throws IllegalStateException if the room's address is missing
         */
        public ClassicGateway build() {
            if (room == null) {
                throw new IllegalStateException("room: the Roomcast server's address is required; call room(...)");
            }
            return new ClassicGateway(new Settings(room, bind, language, idleTimeout, maxPending, maxClients));
        }
    }
}
