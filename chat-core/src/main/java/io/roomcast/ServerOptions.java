package io.roomcast;

import static io.roomcast.ChatServer.DEFAULT_HISTORY_SIZE;
import static io.roomcast.ChatServer.DEFAULT_IDLE_TIMEOUT;
import static io.roomcast.ChatServer.DEFAULT_MAX_MEMBERS;
import static io.roomcast.ChatServer.DEFAULT_MAX_MESSAGE_BYTES;
import static io.roomcast.ChatServer.DEFAULT_MESSAGE_BURST;
import static io.roomcast.ChatServer.DEFAULT_MESSAGES_PER_SECOND;
import static io.roomcast.ChatServer.DEFAULT_RESUME_WINDOW;
import static io.roomcast.ChatServer.DEFAULT_ROOM_NAME;
import static io.roomcast.ChatServer.LARGEST_MAX_MESSAGE_BYTES;
import static io.roomcast.ChatServer.LONGEST_DURATION;
import static io.roomcast.ChatServer.MAX_HISTORY_SIZE;
import static io.roomcast.ChatServer.MAX_ROOM_NAME_LENGTH;

import io.roomcast.internal.io.ServerSettings;
import io.roomcast.spi.RoomBackend;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The options of a {@link ChatServer} and their checks: the body of {@link ChatServer.Builder},
 * kept apart from the server itself. Each setter returns the builder ({@code B}).
 *
 * @param <B> the builder type the setters return
 */
abstract class ServerOptions<B extends ServerOptions<B>> {
    private InetSocketAddress bindAddress;
    private String password = "";
    private String roomName = DEFAULT_ROOM_NAME;
    private ChatServerListener listener = new ChatServerListener() {
        };
    private Executor callbackExecutor;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration resumeWindow = DEFAULT_RESUME_WINDOW;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private int maxMembers = DEFAULT_MAX_MEMBERS;
    private double messagesPerSecond = DEFAULT_MESSAGES_PER_SECOND;
    private int messageBurst = DEFAULT_MESSAGE_BURST;
    private int historySize = DEFAULT_HISTORY_SIZE;
    private RoomBackend backend;

    /** The builder, for the setters to return. */
    abstract B self();

    /**
     * The options as the runtime takes them.
     *
     * @throws IllegalStateException if no bind address was given
     */
    ServerSettings settings() {
        if (bindAddress == null) {
            throw new IllegalStateException("bind: the address to bind is required; call bind(...)");
        }
        return new ServerSettings(bindAddress, roomName, password, idleTimeout, maxMessageBytes, maxMembers,
                messagesPerSecond, messageBurst, historySize, callbackExecutor, resumeWindow, backend);
    }

    /** The listener the built server calls. */
    ChatServerListener chosenListener() {
        return listener;
    }

    /**
     * The address to bind: an IP address and a port; port 0 picks any free port
     * ({@link ChatServer#localAddress()} tells which). Required.
     *
     * @param address a resolved address
     * @return this builder
     * @throws IllegalArgumentException if the address is unresolved
     * @throws NullPointerException     if the address is null
     */
    public B bind(InetSocketAddress address) {
        Objects.requireNonNull(address, "bind");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("bind: address " + address + " is unresolved");
        }
        this.bindAddress = address;
        return self();
    }

    /**
     * The address to bind, from a host name or IP literal and a port.
     *
     * @param host a host name or IP literal, such as {@code 127.0.0.1}
     * @param port 0 to 65535; 0 picks any free port
     * @return this builder
     * @throws IllegalArgumentException if the port is out of range or the host cannot be resolved
     * @throws NullPointerException     if the host is null
     */
    public B bind(String host, int port) {
        Objects.requireNonNull(host, "host");
        return bind(new InetSocketAddress(host, Arguments.inRange(port, 0, 0xFFFF, "port")));
    }

    /**
     * The room password. Default: the empty password, an open room whose traffic is still
     * protected by the same handshake. The password is never sent: members prove they know it.
     *
     * @param password the password, may be empty
     * @return this builder
     * @throws NullPointerException if the password is null
     */
    public B password(String password) {
        this.password = Objects.requireNonNull(password, "password");
        return self();
    }

    /**
     * The room name, shown to members. Default: {@value ChatServer#DEFAULT_ROOM_NAME}.
     *
     * @param roomName 1 to {@value ChatServer#MAX_ROOM_NAME_LENGTH} characters, no control characters
     * @return this builder
     * @throws IllegalArgumentException if the name is empty, too long or contains control characters
     * @throws NullPointerException     if the name is null
     */
    public B roomName(String roomName) {
        Objects.requireNonNull(roomName, "roomName");
        int length = roomName.codePointCount(0, roomName.length());
        if (length == 0 || length > MAX_ROOM_NAME_LENGTH) {
            throw new IllegalArgumentException("roomName: must be 1 to " + MAX_ROOM_NAME_LENGTH
                    + " characters, was " + length);
        }
        if (roomName.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("roomName: must not contain control characters");
        }
        this.roomName = roomName;
        return self();
    }

    /**
     * The listener for joins, messages, private messages and leaves. Default: one that does nothing.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if the listener is null
     */
    public B listener(ChatServerListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /**
     * The executor that runs listener calls. Calls are still made one at a time, in order,
     * and at most 1,024 wait. The executor must run tasks on another thread than the one
     * that submits them. Default: a dispatcher thread of the server's own.
     *
     * @param executor the executor
     * @return this builder
     * @throws NullPointerException if the executor is null
     */
    public B callbackExecutor(Executor executor) {
        this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
        return self();
    }

    /**
     * How long a member may stay silent before it is removed with
     * {@link LeaveReason#TIMED_OUT}. Live clients send keepalives, so only a crashed or
     * cut-off member is removed. A client's own shorter timeout wins for its connection.
     * Default: {@link ChatServer#DEFAULT_IDLE_TIMEOUT}.
     *
     * @param timeout a positive duration; at most {@link ChatServer#LONGEST_DURATION} (longer is taken as that)
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     * @throws NullPointerException     if it is null
     */
    public B idleTimeout(Duration timeout) {
        this.idleTimeout = Arguments.positive(timeout, "idleTimeout");
        return self();
    }

    /**
     * The largest message text, in bytes of UTF-8. Messages larger than one datagram are
     * split into datagrams of at most 1200 bytes and put back together. A client's
     * {@link ChatClient#send} of more fails at once. Default:
     * {@value ChatServer#DEFAULT_MAX_MESSAGE_BYTES}.
     *
     * @param bytes 1 to {@value ChatServer#LARGEST_MAX_MESSAGE_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public B maxMessageBytes(int bytes) {
        this.maxMessageBytes = Arguments.inRange(bytes, 1, LARGEST_MAX_MESSAGE_BYTES, "maxMessageBytes");
        return self();
    }

    /**
     * The most members the room admits; a client beyond it is refused. Default:
     * {@value ChatServer#DEFAULT_MAX_MEMBERS}.
     *
     * @param members 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public B maxMembers(int members) {
        this.maxMembers = Arguments.inRange(members, 1, 0xFFFF, "maxMembers");
        return self();
    }

    /**
     * The rate limit per member: a token bucket that refills at {@code messagesPerSecond} and
     * holds {@code burst}. A message beyond it is refused, never silently dropped: the
     * sender's {@link ChatClient#send} (or {@link ChatClient#sendPrivate}: both count against the
     * same bucket) future fails with a {@link MessageRefusedException} of reason
     * {@link RefusalReason#RATE_LIMITED},
     * and other members are unaffected. Default: {@value ChatServer#DEFAULT_MESSAGES_PER_SECOND}
     * messages/s, bursts of {@value ChatServer#DEFAULT_MESSAGE_BURST}.
     *
     * @param messagesPerSecond a positive, finite rate
     * @param burst             at least 1
     * @return this builder
     * @throws IllegalArgumentException if either is out of range
     */
    public B rateLimit(double messagesPerSecond, int burst) {
        if (!(messagesPerSecond > 0) || Double.isInfinite(messagesPerSecond)) {
            throw new IllegalArgumentException("rateLimit: messagesPerSecond must be positive and finite, was "
                    + messagesPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("rateLimit: burst must be at least 1, was " + burst);
        }
        this.messagesPerSecond = messagesPerSecond;
        this.messageBurst = burst;
        return self();
    }

    /**
     * How many of the room's last messages a member receives when it joins
     * ({@link ChatClientListener#onHistory}). The room keeps them even while it is empty,
     * within its log's byte budget (32 MiB). Default: {@value ChatServer#DEFAULT_HISTORY_SIZE}.
     *
     * @param messages 0 (no history) to {@value ChatServer#MAX_HISTORY_SIZE}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public B historySize(int messages) {
        this.historySize = Arguments.inRange(messages, 0, MAX_HISTORY_SIZE, "historySize");
        return self();
    }

    /**
     * How long the server holds the session of a member it lost — silent for the idle timeout,
     * or, while what the server sends it goes unanswered, left behind by the room's log or with
     * a message left incomplete for twice the idle timeout — for it to come back as itself (see
     * {@link ChatClient.Builder#reconnect}): its name is reserved meanwhile (a client joining
     * with it gets a {@link UsernameTakenException}), and a client that proves it held the
     * session (the password again, and a single-use credential of the old session) resumes it
     * with every event it missed if the room's log still holds them, else with history. Other
     * members and this server's listener see it leave {@link LeaveReason#TIMED_OUT} and join
     * again when it is back. A member that still answers is not held: one that fell behind the
     * log leaves {@link LeaveReason#TOO_SLOW}, one whose message stalled {@code TIMED_OUT}, its
     * name free at once.
     * Held sessions do not count towards {@link #maxMembers}; at most that many are held, the
     * oldest dropped first (its name free again). Default: {@link ChatServer#DEFAULT_RESUME_WINDOW}.
     *
     * @param window zero or a positive duration; {@link Duration#ZERO} holds nothing (no
     *               resumption); at most {@link ChatServer#LONGEST_DURATION} (longer is taken as that)
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     * @throws NullPointerException     if it is null
     */
    public B resumeWindow(Duration window) {
        this.resumeWindow = Arguments.notNegative(window, "resumeWindow");
        return self();
    }

    /**
     * What orders the room's events: by default (or {@code null}) the server alone, in process,
     * as they happen. Another backend lets several servers serve one room — for example
     * {@code io.roomcast.cluster.RaftRoomBackend} from {@code chat-cluster} — and is then
     * started and closed with this server; it serves one server only. With a backend that can
     * lose its majority, joins and messages are refused {@code ROOM_UNAVAILABLE} while it has
     * none ({@link RefusalReason#ROOM_UNAVAILABLE}).
     *
     * @param backend the backend, or {@code null} for the default
     * @return this builder
     */
    public B backend(RoomBackend backend) {
        this.backend = backend;
        return self();
    }
}
