package io.roomcast;

import io.roomcast.internal.io.ServerRuntime;
import io.roomcast.internal.io.ServerSettings;
import io.roomcast.internal.io.TextRules;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts one password-protected chat room on a UDP port.
 *
 * <pre>{@code
 * ChatServer server = ChatServer.builder()
 *     .bind(new InetSocketAddress("127.0.0.1", 9000))
 *     .password("secret")
 *     .listener(new ChatServerListener() {
 *         public void onMessage(ChatMessage m) { System.out.println(m.sender() + ": " + m.text()); }
 *     })
 *     .build();
 * server.start();
 * }</pre>
 *
 * <p>Members join with the room password, proven by SRP-6a: the password never travels. The
 * server stamps the sender, the room sequence number and the time on every message and
 * delivers it to every member, the sender included, in one order.
 *
 * <p>Lifecycle: built → {@link #start() started} → {@link #close() closed}. A server starts at
 * most once. Its configuration is immutable.
 *
 * <p>Threading: all methods are thread-safe. The room runs on one I/O thread per server;
 * listener calls run on a dispatcher thread (or the builder's executor), never on the I/O
 * thread, one at a time, in the room's order. The room never waits for the listener: past 1,024
 * waiting calls, messages and joins are dropped (see {@link ChatServerListener}).
 *
 * <p>Host commands ({@link #kick}, {@link #ban}, {@link #unban}, {@link #mute}, {@link #unmute},
 * {@link #announce}): thread-safe, callable from any thread including listener calls; each runs on
 * the room's I/O thread, in room order with everything else (a message the room accepted before a
 * kick or mute is delivered, one sent after it is not), and returns once the room has applied it.
 * Names are compared as the room compares them (case and compatibility forms ignored). Bans and
 * mutes live in the running server's memory: they are not kept across runs.
 *
 * <p>Arguments: a {@code null} argument throws {@link NullPointerException} naming it, in every
 * method here and in the {@link Builder}. A {@link Duration} longer than {@link #LONGEST_DURATION}
 * (10,000 days) is taken as that long, here and in both builders, so that no duration overflows the
 * nanosecond clock it is added to.
 */
public final class ChatServer implements Closeable {
    private enum State { NEW, RUNNING, CLOSED }

    private static final Logger log = LoggerFactory.getLogger(ChatServer.class);

    /** The default number of messages a newcomer receives as history: 50. */
    public static final int DEFAULT_HISTORY_SIZE = 50;
    /** The largest history size a room may keep: 1000 messages. */
    public static final int MAX_HISTORY_SIZE = 1000;
    /** The default idle timeout: 15 seconds. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(15);
    /**
     * The longest duration the API takes: 10,000 days (about 27 years). A longer one given to a
     * builder or a host command ({@link #ban}, {@link #mute}) is taken as this, which is as good as
     * forever.
     */
    public static final Duration LONGEST_DURATION = Duration.ofDays(10_000);
    /** The default time a timed-out member's session and name are held for it: 30 seconds. */
    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofSeconds(30);
    /** The default maximum message size: {@value} bytes of UTF-8 (16 KiB). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024;
    /** The largest maximum message size a room may set: {@value} bytes of UTF-8 (1 MiB). */
    public static final int LARGEST_MAX_MESSAGE_BYTES = 1024 * 1024;
    /** The default rate limit per member, in messages per second: {@value}. */
    public static final double DEFAULT_MESSAGES_PER_SECOND = 20;
    /** The default burst a member may send at once: {@value} messages. */
    public static final int DEFAULT_MESSAGE_BURST = 40;
    /** The default maximum number of members: {@value}. */
    public static final int DEFAULT_MAX_MEMBERS = 1024;
    /** The default room name: {@value}. */
    public static final String DEFAULT_ROOM_NAME = "lobby";
    /** The longest room name, in characters: {@value}. */
    public static final int MAX_ROOM_NAME_LENGTH = 64;

    private final ServerSettings settings;
    private final ChatServerListener listener;

    private final Object lock = new Object();
    private State state = State.NEW; // guarded by lock
    private volatile ServerRuntime runtime; // set once, under lock, when started

    private ChatServer(ServerSettings settings, ChatServerListener listener) {
        this.settings = settings;
        this.listener = listener;
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
     * Binds the UDP port and opens the room.
     *
     * @throws java.net.BindException if the address is in use or cannot be bound
     * @throws IOException            if the socket cannot be opened for another reason
     * @throws IllegalStateException  if the server was already started or closed
     */
    public void start() throws IOException {
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException("the server was already " + (state == State.RUNNING ? "started" : "closed"));
            }
            runtime = ServerRuntime.start(settings, callbacks -> new ServerListenerBridge(listener, callbacks));
            state = State.RUNNING;
        }
        log.info("room '{}' open on {}", settings.roomName(), localAddress());
    }

    /**
     * The address the server is bound to, with the actual port when it was bound to port 0.
     *
     * @return the local address, never null
     * @throws IllegalStateException if the server has not been started
     */
    public InetSocketAddress localAddress() {
        ServerRuntime started = runtime;
        if (started == null) {
            throw new IllegalStateException("the server has not been started");
        }
        return started.localAddress();
    }

    /**
     * The usernames of the room's members now, in the order they joined.
     *
     * @return an immutable snapshot, empty before {@link #start()} and after {@link #close()}
     */
    public Set<String> members() {
        ServerRuntime started = runtime;
        return started == null ? Set.of() : started.members();
    }

    /**
     * The room name, which clients see when they join.
     *
     * @return the room name, never null
     */
    public String roomName() {
        return settings.roomName();
    }

    /**
     * Removes a member from the room. The member's client gets
     * {@link ChatClientListener#onDisconnected onDisconnected(KICKED)} and every other member
     * {@link ChatClientListener#onMemberLeft onMemberLeft(name, KICKED)}, in room order: what the
     * room accepted before the kick is delivered, nothing the member sends after it is. The member
     * may join again; use {@link #ban} to keep it out.
     *
     * @param username the member's name
     * @return {@code true} if such a member was in the room and was removed; {@code false} if not,
     *         or if the server is not running
     */
    public boolean kick(String username) {
        Objects.requireNonNull(username, "username");
        ServerRuntime running = runtime;
        return running != null && running.kick(username);
    }

    /**
     * Bans a name, and the address its member joined from, for {@code duration}. If the member is
     * in the room it is removed: its client gets {@link ChatClientListener#onDisconnected
     * onDisconnected(BANNED)} and every other member {@link ChatClientListener#onMemberLeft
     * onMemberLeft(name, BANNED)}. Until the ban lapses or {@link #unban} lifts it, a client
     * joining with that name (in any case or compatibility form) or from that address (an IPv4
     * address; an IPv6 /64) is refused, and its {@link ChatClient#connect()} fails with a
     * {@link BannedException}. A ban outlives the member's leaving; banning a name again
     * replaces its ban. A name that is not in the room is banned by name only.
     *
     * @param username the name to ban
     * @param duration how long, positive; at most {@link #LONGEST_DURATION} (longer is taken as that)
     * @throws IllegalArgumentException if {@code duration} is zero or negative, or the name breaks
     *                                  the username rule (no member can have it)
     * @throws IllegalStateException    if the server is not running
     */
    public void ban(String username, Duration duration) {
        Objects.requireNonNull(username, "username");
        Duration lasting = Arguments.positive(duration, "duration");
        TextRules.usernameProblem(username).ifPresent(problem -> {
            throw new IllegalArgumentException("username: " + problem);
        });
        ServerRuntime running = runtime;
        if (running == null || !running.ban(username, lasting)) {
            throw new IllegalStateException("the server is not running");
        }
    }

    /**
     * Lifts a ban: the name, and the address its ban covered, may join again.
     *
     * @param username the banned name
     * @return {@code true} if the name was banned; {@code false} if not (or the ban had lapsed), or
     *         if the server is not running
     */
    public boolean unban(String username) {
        Objects.requireNonNull(username, "username");
        ServerRuntime running = runtime;
        return running != null && running.unban(username);
    }

    /**
     * Mutes a member for {@code duration}: meanwhile its messages, room and private, are refused
     * and its {@link ChatClient#send} futures fail with a {@link MessageRefusedException} of reason
     * {@link RefusalReason#MUTED} whose message says for how much longer. The mute is a room event,
     * so messages the room accepted before it are delivered. It is kept by name: leaving and
     * joining again does not lift it. Muting again replaces the mute.
     *
     * @param username the member's name
     * @param duration how long, positive; at most {@link #LONGEST_DURATION} (longer is taken as that)
     * @return {@code true} if such a member was in the room and is now muted; {@code false} if not,
     *         or if the server is not running
     * @throws IllegalArgumentException if {@code duration} is zero or negative
     */
    public boolean mute(String username, Duration duration) {
        Objects.requireNonNull(username, "username");
        Duration lasting = Arguments.positive(duration, "duration");
        ServerRuntime running = runtime;
        return running != null && running.mute(username, lasting);
    }

    /**
     * Lifts a mute before it lapses.
     *
     * @param username the muted name
     * @return {@code true} if the name was muted; {@code false} if not (or the mute had lapsed), or
     *         if the server is not running
     */
    public boolean unmute(String username) {
        Objects.requireNonNull(username, "username");
        ServerRuntime running = runtime;
        return running != null && running.unmute(username);
    }

    /**
     * Sends an announcement to the room: a room event from the host, delivered to every member in
     * room order ({@link ChatClientListener#onAnnouncement}). It is not rate limited and not part
     * of history.
     *
     * @param text the text, at most the room's maximum message size in bytes of UTF-8
     * @throws IllegalArgumentException if the text is larger than the room allows
     * @throws IllegalStateException    if the server is not running
     */
    public void announce(String text) {
        Arguments.utf8AtMost(text, settings.maxMessageBytes(), "announcement");
        ServerRuntime running = runtime;
        if (running == null || !running.announce(text)) {
            throw new IllegalStateException("the server is not running");
        }
    }

    /**
     * What the server has done since it started: members, messages, deliveries, refusals, traffic,
     * packets dropped and departures, as one consistent snapshot copied on the I/O thread. Cheap
     * enough to call every second; thread-safe.
     *
     * @return the snapshot; all zeros before {@link #start()}, the last counts after {@link #close()}
     */
    public ServerStats stats() {
        ServerRuntime running = runtime;
        return ServerStats.of(running == null ? null : running.stats());
    }

    /**
     * Closes the room: every member is told ({@link LeaveReason#SERVER_CLOSED}, re-sent until
     * acknowledged, for at most about a second), the listener sees every member leave, and the
     * socket is released. Blocks until done, and until the listener calls already queued have
     * run (unless called from a listener, which would wait for itself). Idempotent; a server
     * that was never started is simply marked closed.
     */
    @Override
    public void close() {
        ServerRuntime running;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            boolean wasRunning = state == State.RUNNING;
            state = State.CLOSED;
            if (!wasRunning) {
                return;
            }
            running = runtime;
        }
        running.close();
        log.info("room '{}' on {} closed", settings.roomName(), running.localAddress());
    }

    /** Listener calls dropped because the listener was too far behind; 0 before {@link #start()}. For tests: {@link #stats()} does not count them yet. */
    long droppedListenerCalls() {
        ServerRuntime started = runtime;
        return started == null ? 0 : started.droppedCallbacks();
    }

    /** Most listener calls that have waited at once; 0 before {@link #start()}. For tests that check the bound. */
    int mostQueuedListenerCalls() {
        ServerRuntime started = runtime;
        return started == null ? 0 : started.mostQueuedCallbacks();
    }

    /**
     * Configures a {@link ChatServer}. Mutable and not thread-safe; {@link #build()} validates
     * and copies, so one builder can build several servers. Every method that takes an object
     * throws {@link NullPointerException}, naming the parameter, if it is {@code null}; durations
     * longer than {@link ChatServer#LONGEST_DURATION} are taken as that long.
     */
    public static final class Builder extends ServerOptions<Builder> {
        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * A server with this configuration, not yet started.
         *
         * @return the server
         * @throws IllegalStateException if no bind address was given
         */
        public ChatServer build() {
            return new ChatServer(settings(), chosenListener());
        }
    }
}
