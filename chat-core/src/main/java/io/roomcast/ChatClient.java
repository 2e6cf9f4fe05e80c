package io.roomcast;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.io.CallbackDispatcher;
import io.roomcast.internal.io.CommandQueue;
import io.roomcast.internal.io.EventLoop;
import io.roomcast.internal.protocol.ClientConfig;
import io.roomcast.internal.protocol.ClientEngine;
import io.roomcast.internal.protocol.ClientEventSink;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a chat room hosted by a {@link ChatServer}.
 *
 * <pre>{@code
 * ChatClient client = ChatClient.builder()
 *     .server(new InetSocketAddress("127.0.0.1", 9000))
 *     .username("joan")
 *     .password("secret")
 *     .listener(new ChatClientListener() {
 *         public void onMessage(ChatMessage m) { System.out.println(m.sender() + ": " + m.text()); }
 *     })
 *     .build();
 * client.connect();
 * client.send("halo");
 * }</pre>
 *
 * <p>Lifecycle: built → connecting ({@link #connect()}) → joined → closing ({@link #close()}) →
 * closed. A client connects at most once; to join again, build a new one. A client that
 * failed to connect is closed. Its configuration is immutable.
 *
 * <p>Threading: all methods are thread-safe. The connection runs on one I/O thread per
 * client; listener calls and the completion of {@link #send} futures run on a dispatcher thread
 * (or the builder's executor), never on the I/O thread nor on the caller's thread, one at a
 * time, in the room's order.
 */
public final class ChatClient implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ChatClient.class);

    /** The default connect timeout: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The default idle timeout: the server's, {@link ChatServer#DEFAULT_IDLE_TIMEOUT}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = ChatServer.DEFAULT_IDLE_TIMEOUT;

    /**
     * How much longer than the connect timeout {@link #connect()} waits: the engine enforces the
     * connect timeout itself, so the margin only guards against a loop that is stuck.
     */
    private static final Duration CONNECT_MARGIN = Duration.ofSeconds(5);
    /**
     * How long close waits for the engine to finish by itself before the loop is stopped: the
     * engine first lets messages already sent be confirmed (for at most 2 seconds), then re-sends
     * CLOSE until the server acknowledges it (for at most 1 second).
     */
    private static final Duration LOOP_STOP_GRACE = Duration.ofSeconds(5);

    private enum State { NEW, CONNECTING, JOINED, CLOSED }

    private final InetSocketAddress server;
    private final String username;
    private final String password;
    private final ChatClientListener listener;
    private final Executor callbackExecutor;
    private final Duration connectTimeout;
    private final Duration idleTimeout;

    private final Object lock = new Object();
    private State state = State.NEW; // guarded by lock
    private boolean joinedOnce; // guarded by lock
    private CommandQueue commands; // guarded by lock
    private EventLoop loop; // guarded by lock
    private ClientEngine engine; // set before the loop starts; then used on the I/O thread only
    private CallbackDispatcher dispatcher; // guarded by lock
    private final Map<Long, CompletableFuture<ChatMessage>> pendingSends = new ConcurrentHashMap<>();
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private final CountDownLatch connectDone = new CountDownLatch(1);
    private volatile ClientEventSink.ConnectFailure connectFailure;
    private volatile String connectFailureDetail;
    private volatile String roomName;
    private volatile int maxMessageBytes;
    private volatile Set<String> members = Set.of(); // written by the I/O thread

    private ChatClient(Builder builder) {
        this.server = builder.server;
        this.username = builder.username;
        this.password = builder.password;
        this.listener = builder.listener;
        this.callbackExecutor = builder.callbackExecutor;
        this.connectTimeout = builder.connectTimeout;
        this.idleTimeout = builder.idleTimeout;
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
     * Joins the room: proves the password (which never travels), claims the username, and
     * blocks until the server has admitted this client or refused it. Handshake packets are
     * re-sent until answered.
     *
     * @throws AuthenticationException   if the server refused the password, or could not prove
     *                                   that it knows it (not the room you meant)
     * @throws UsernameTakenException    if another member has the username (ignoring case)
     * @throws InvalidUsernameException  if the server's username rule refuses it
     * @throws ChatException             if the server did not answer within the connect timeout,
     *                                   nothing listens at its address, it refused for another
     *                                   reason (room full, busy), the client was closed meanwhile,
     *                                   or the calling thread was interrupted
     * @throws IOException               if the socket cannot be opened
     * @throws IllegalStateException     if {@code connect} was already called
     */
    public void connect() throws IOException {
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException(state == State.CLOSED ? "the client is closed"
                        : "connect() was already called");
            }
            DatagramChannel channel = DatagramChannel.open(server.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                // a loopback server is reached from a loopback address; otherwise the system chooses
                channel.bind(server.getAddress().isLoopbackAddress() ? new InetSocketAddress(server.getAddress(), 0)
                        : null);
                channel.connect(server);
                ClientConfig config = new ClientConfig(server, username, password, SrpGroup.RFC5054_2048_SHA256,
                        connectTimeout.toNanos(), idleTimeout.toNanos());
                dispatcher = new CallbackDispatcher(callbackExecutor, "roomcast-client-" + username + "-callbacks");
                engine = new ClientEngine(config, new Sink(dispatcher), new SecureRandom());
                commands = new CommandQueue();
                loop = new EventLoop("roomcast-client-" + username + "-io", channel, engine, commands);
                loop.start();
                commands.execute(engine::start);
                state = State.CONNECTING;
            } catch (IOException | RuntimeException e) {
                channel.close();
                state = State.CLOSED;
                throw e;
            }
        }
        awaitJoin();
    }

    private void awaitJoin() throws ChatException {
        try {
            if (!connectDone.await(connectTimeout.plus(CONNECT_MARGIN).toMillis(), TimeUnit.MILLISECONDS)) {
                connectFailure = ClientEventSink.ConnectFailure.TIMED_OUT;
                connectFailureDetail = "no answer from " + server + " within " + connectTimeout.toMillis() + " ms";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ChatException("interrupted while joining the room at " + server, e);
        }
        ClientEventSink.ConnectFailure failure = connectFailure;
        if (failure == null) {
            synchronized (lock) {
                joinedOnce = true;
                if (state == State.CONNECTING) {
                    state = State.JOINED;
                }
            }
            log.debug("{} joined room '{}' at {}", username, roomName, server);
            return;
        }
        close();
        String detail = connectFailureDetail;
        throw switch (failure) {
            case BAD_PASSWORD -> new AuthenticationException("wrong password for the room at " + server);
            case SERVER_NOT_AUTHENTIC -> new AuthenticationException(detail + " (" + server + ")");
            case USERNAME_TAKEN -> new UsernameTakenException(detail);
            case INVALID_USERNAME -> new InvalidUsernameException(detail);
            case REFUSED -> new ChatException("the server at " + server + " refused to admit '" + username + "': "
                    + detail);
            case TIMED_OUT -> new ChatException(detail + ": is a Roomcast server running there?");
            case UNREACHABLE -> new ChatException(detail);
            case CLOSED -> new ChatException("the client was closed while joining the room at " + server);
        };
    }

    /**
     * Sends a message to the room. The server stamps it with this client's username, the room
     * sequence number and the time, and delivers it to every member, this client included
     * (through {@link ChatClientListener#onMessage}). The message is re-sent until the server
     * confirms it.
     *
     * @param text the text; at most the room's maximum message size in bytes of UTF-8 (a lone
     *             surrogate is sent as {@code ?})
     * @return a future that completes with the message as the room received it, or fails with a
     *         {@link ChatException} if the server refused it or the client was disconnected or
     *         closed before the server's confirmation arrived. It completes on the dispatcher.
     * @throws IllegalArgumentException if the text is larger than the room allows; the message
     *                                  names both sizes
     * @throws IllegalStateException    if {@link #connect()} has not succeeded (a client that
     *                                  joined and then left gets a failed future instead)
     */
    public CompletableFuture<ChatMessage> send(String text) {
        Objects.requireNonNull(text, "text");
        CommandQueue toLoop;
        CallbackDispatcher callbacks;
        synchronized (lock) {
            if (state == State.NEW || state == State.CONNECTING) {
                throw new IllegalStateException("not in the room yet: connect() has not completed");
            }
            if (!joinedOnce) {
                throw new IllegalStateException("not in the room: connect() did not succeed");
            }
            toLoop = commands;
            callbacks = dispatcher;
        }
        int bytes = EventFrame.utf8Length(text);
        if (bytes > maxMessageBytes) {
            throw new IllegalArgumentException("message is " + bytes + " bytes of UTF-8; the room's limit is "
                    + maxMessageBytes);
        }
        CompletableFuture<ChatMessage> future = new CompletableFuture<>();
        boolean accepted = toLoop.execute(now -> {
            if (engine.isJoined()) {
                pendingSends.put(engine.send(text), future);
            } else {
                failLater(callbacks, future, "the client is no longer in the room");
            }
        });
        if (!accepted) {
            // the loop has stopped; failing here would complete the future on the caller's thread
            failLater(callbacks, future, "the client is no longer in the room");
        }
        return future;
    }

    private static void failLater(CallbackDispatcher callbacks, CompletableFuture<ChatMessage> future, String why) {
        ChatException failure = new ChatException(why);
        callbacks.execute(() -> future.completeExceptionally(failure));
    }

    /**
     * The usernames of the room's members as this client knows them now, its own included, in
     * the order they joined.
     *
     * @return an immutable snapshot; empty before joining and after leaving
     */
    public Set<String> members() {
        return members;
    }

    /**
     * This client's username, NFC-normalised.
     *
     * @return the username, never null
     */
    public String username() {
        return username;
    }

    /**
     * The name of the room this client joined.
     *
     * @return the room name, or {@code null} before joining
     */
    public String roomName() {
        return roomName;
    }

    /**
     * Leaves the room. Messages already passed to {@link #send} still go out first: close waits up
     * to 2 seconds for the server to confirm them (like closing a TCP socket), and those still
     * unconfirmed after that fail. Then the server is told (re-sent until acknowledged, for at
     * most about a second) and other members see {@link LeaveReason#LEFT}; the listener gets
     * {@link ChatClientListener#onDisconnected} with {@code LEFT}. Calls to {@link #send} after
     * close has begun fail at once. Blocks until done, and until the listener calls already queued
     * have run (unless called from a listener). Idempotent. A {@link #connect()} in progress on
     * another thread fails.
     */
    @Override
    public void close() {
        CommandQueue toLoop;
        EventLoop running;
        CallbackDispatcher callbacks;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            boolean started = state != State.NEW;
            state = State.CLOSED;
            if (!started) {
                return;
            }
            toLoop = commands;
            running = loop;
            callbacks = dispatcher;
        }
        toLoop.execute(engine::close);
        running.awaitStopOrForce(LOOP_STOP_GRACE);
        // if the loop had to be stopped before the engine reported, report now
        if (connectDone.getCount() == 0 && connectFailure == null) {
            reportDisconnected(callbacks, LeaveReason.LEFT);
        }
        members = Set.of();
        callbacks.awaitDrained();
    }

    private void reportDisconnected(CallbackDispatcher callbacks, LeaveReason reason) {
        if (!disconnected.compareAndSet(false, true)) {
            return;
        }
        members = Set.of();
        List<CompletableFuture<ChatMessage>> unconfirmed = List.copyOf(pendingSends.values());
        pendingSends.clear();
        callbacks.execute(() -> {
            ChatException failure = new ChatException("disconnected (" + reason
                    + ") before the server confirmed the message");
            for (CompletableFuture<ChatMessage> future : unconfirmed) {
                future.completeExceptionally(failure);
            }
            listener.onDisconnected(reason);
        });
    }

    /** Turns engine events into listener calls on the dispatcher. Runs on the I/O thread. */
    private final class Sink implements ClientEventSink {
        private final CallbackDispatcher callbacks;

        Sink(CallbackDispatcher callbacks) {
            this.callbacks = callbacks;
        }

        @Override
        public void joined(String room, List<String> names, int maxBytes, long joinSequence) {
            roomName = room;
            maxMessageBytes = maxBytes;
            members = snapshot(names);
            connectDone.countDown();
        }

        @Override
        public void connectFailed(ConnectFailure failure, String detail) {
            connectFailureDetail = detail;
            connectFailure = failure;
            connectDone.countDown();
        }

        @Override
        public void message(long sequence, String sender, String text, long timestampMillis) {
            ChatMessage message = new ChatMessage(sequence, sender, text, Instant.ofEpochMilli(timestampMillis));
            callbacks.execute(() -> listener.onMessage(message));
        }

        @Override
        public void memberJoined(long sequence, String name) {
            members = snapshot(engine.members());
            callbacks.execute(() -> listener.onMemberJoined(name));
        }

        @Override
        public void memberLeft(long sequence, String name, CloseReason reason) {
            members = snapshot(engine.members());
            LeaveReason leaveReason = LeaveReasons.of(reason);
            callbacks.execute(() -> listener.onMemberLeft(name, leaveReason));
        }

        @Override
        public void sendAccepted(long messageId, long sequence, String text, long timestampMillis) {
            CompletableFuture<ChatMessage> future = pendingSends.remove(messageId);
            if (future != null) {
                ChatMessage message = new ChatMessage(sequence, username, text, Instant.ofEpochMilli(timestampMillis));
                callbacks.execute(() -> future.complete(message));
            }
        }

        @Override
        public void sendRefused(long messageId, ErrorCode code, String detail) {
            CompletableFuture<ChatMessage> future = pendingSends.remove(messageId);
            if (future != null) {
                ChatException failure = new ChatException("the server refused the message: " + detail);
                callbacks.execute(() -> future.completeExceptionally(failure));
            }
        }

        @Override
        public void disconnected(CloseReason reason) {
            reportDisconnected(callbacks, LeaveReasons.of(reason));
        }

        private Set<String> snapshot(List<String> names) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(names));
        }
    }

    /**
     * Configures a {@link ChatClient}. Mutable and not thread-safe; {@link #build()} validates
     * and copies, so one builder can build several clients.
     */
    public static final class Builder {
        private InetSocketAddress server;
        private String username;
        private String password = "";
        private ChatClientListener listener = new ChatClientListener() {
        };
        private Executor callbackExecutor;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

        private Builder() {
        }

        /**
         * The server's address. Required.
         *
         * @param address a resolved address with a port from 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if the address is unresolved or its port is 0
         */
        public Builder server(InetSocketAddress address) {
            Objects.requireNonNull(address, "server");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("server: address " + address + " is unresolved");
            }
            if (address.getPort() == 0) {
                throw new IllegalArgumentException("server: port 0 cannot be connected to");
            }
            this.server = address;
            return this;
        }

        /**
         * The server's address, from a host name or IP literal and a port.
         *
         * @param host a host name or IP literal
         * @param port 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range or the host cannot be resolved
         */
        public Builder server(String host, int port) {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 0xFFFF) {
                throw new IllegalArgumentException("port: " + port + " is out of range 1-65535");
            }
            return server(new InetSocketAddress(host, port));
        }

        /**
         * The username to join with. Required. 1 to 32 characters after NFC normalisation, each a
         * letter, a digit, {@code _}, {@code -} or {@code .}; unique in the room ignoring case.
         *
         * @param username the username
         * @return this builder
         * @throws IllegalArgumentException if it breaks the rule; the message states the rule
         */
        public Builder username(String username) {
            Objects.requireNonNull(username, "username");
            Username.problem(username).ifPresent(problem -> {
                throw new IllegalArgumentException("username: " + problem);
            });
            this.username = Username.normalize(username);
            return this;
        }

        /**
         * The room password. Default: the empty password (an open room).
         *
         * @param password the password, may be empty
         * @return this builder
         */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * The listener for messages, joins, leaves and disconnection. Default: one that does nothing.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(ChatClientListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The executor that runs listener calls and completes send futures. Calls are still made
         * one at a time, in order. The executor must run tasks on another thread than the one
         * that submits them. Default: a dispatcher thread of the client's own.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
            return this;
        }

        /**
         * How long {@link ChatClient#connect()} tries before it fails. Default:
         * {@link ChatClient#DEFAULT_CONNECT_TIMEOUT}.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long the server may stay silent before the client considers it gone and reports
         * {@link LeaveReason#TIMED_OUT}. Keepalives flow while both sides are alive. The
         * connection uses the smaller of this and the server's idle timeout. Default:
         * {@link ChatClient#DEFAULT_IDLE_TIMEOUT}.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idleTimeout");
            return this;
        }

        /**
         * A client with this configuration, not yet connected.
         *
         * @return the client
         * @throws IllegalStateException if the server address or the username is missing
         */
        public ChatClient build() {
            if (server == null) {
                throw new IllegalStateException("server: the server's address is required; call server(...)");
            }
            if (username == null) {
                throw new IllegalStateException("username: a username is required; call username(...)");
            }
            return new ChatClient(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + ": must be positive, was " + value);
            }
            return value;
        }
    }
}
