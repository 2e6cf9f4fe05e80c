package io.roomcast;

import io.roomcast.internal.io.ClientSettings;
import io.roomcast.internal.io.TextRules;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

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
 * <p>Lifecycle: built → connecting ({@link #connect()}) → joined (⇄ reconnecting, after an
 * outage: {@link ChatClientListener#onReconnecting}, {@link ChatClientListener#onReconnected};
 * see {@link Builder#reconnect}) → closing ({@link #close()}) → closed. A client connects at most
 * once; to join again, build a new one. A client that failed to connect is closed. Its
 * configuration is immutable.
 *
 * <p>Servers: a room served by a cluster can be reached through any of its servers. A client given
 * several ({@link Builder#servers}) joins through the first that admits it, and after an outage
 * resumes through the others in turn (see {@link Builder#servers}); {@link #server()} says which it
 * is on.
 *
 * <p>Threading: all methods are thread-safe. By default the clients of a process share a few
 * daemon threads ({@code roomcast-shared-<n>-io}, {@code -callbacks}, {@code -futures}, {@code -srp};
 * how many: {@link Builder#dedicatedThreads}). Listener calls of one client run one at a time, in
 * the room's order, never overlapping (or on the builder's executor); at most 1,024 wait, and a
 * listener that falls further behind holds the room's events back (see
 * {@link ChatClientListener}). {@link #send} futures complete one at a time, in the order the room
 * confirmed the messages, on a futures thread, so a listener may wait for one. Neither ever runs
 * on an I/O thread nor on the caller's thread; a future and the listener call for the same message
 * are not ordered with each other. A listener that blocks holds up only its own client's calls,
 * but occupies a shared callback thread while it blocks.
 *
 * <p>Arguments: a {@code null} argument throws {@link NullPointerException} naming it, in every
 * method here and in the {@link Builder}. A {@link Duration} longer than {@link #LONGEST_DURATION}
 * (10,000 days) is taken as that long.
 */
public final class ChatClient implements Closeable {
    /** The default connect timeout: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The default time a client tries to come back after an outage: 30 seconds. */
    public static final Duration DEFAULT_RECONNECT = Duration.ofSeconds(30);
    /** The default idle timeout: the server's, {@link ChatServer#DEFAULT_IDLE_TIMEOUT}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = ChatServer.DEFAULT_IDLE_TIMEOUT;
    /** The longest duration the builder takes, {@link ChatServer#LONGEST_DURATION}: a longer one is taken as this. */
    public static final Duration LONGEST_DURATION = ChatServer.LONGEST_DURATION;

    private final ClientSettings settings;
    private final ClientLifecycle life;

    private ChatClient(ClientSettings settings, ChatClientListener listener) {
        this.settings = settings;
        this.life = new ClientLifecycle(settings, listener);
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
     * re-sent until answered; a server too busy to take another join is asked again, with growing
     * waits, until the connect timeout.
     *
     * <p>With several servers ({@link Builder#servers}) it tries them once each, in the given order,
     * and joins through the first that admits the client. The connect timeout is for all of them
     * together: each address gets an equal share of what is left of it when its turn comes (the
     * last one all that is left), so with three addresses and the default of 10 seconds the first
     * has about 3.3 seconds. The next address is tried at once when one does not answer within its
     * share, nothing listens there, it stays busy for its share or it says the room is unavailable
     * there ({@link RoomUnavailableException}); any other refusal (password, username, ban, room
     * full) is the room's answer and is thrown at once. When no address admits the client, the
     * exception's message names each address and what became of it.
     *
     * @throws AuthenticationException   if the server refused the password, or could not prove
     *                                   that it knows it (not the room you meant)
     * @throws UsernameTakenException    if another member has the username (ignoring case), or the
     *                                   server holds it for a member that may resume its session
     * @throws InvalidUsernameException  if the server's username rule refuses it
     * @throws BannedException           if the host banned this username or this client's address
     * @throws RoomUnavailableException  if the server is cut off from most of its cluster and cannot
     *                                   admit anyone now; with several servers, if no address admitted
     *                                   the client and at least one said this
     * @throws ChatException             if the server did not answer within the connect timeout,
     *                                   nothing listens at its address, it refused for another
     *                                   reason (room full), it stayed busy for the connect timeout
     *                                   (the message says so), the client was closed meanwhile,
     *                                   or the calling thread was interrupted
     * @throws IOException               if the socket cannot be opened
     * @throws IllegalStateException     if {@code connect} was already called
     */
    public void connect() throws IOException {
        life.connect();
    }

    /**
     * Sends a message to the room. The server stamps it with this client's username, the room
     * sequence number and the time, and delivers it to every member, this client included
     * (through {@link ChatClientListener#onMessage}). The message is re-sent until the server
     * confirms it. While the client is reconnecting it is queued, and goes once the session is
     * resumed; at most 64 messages (room and private) wait unconfirmed while reconnecting, and a
     * send past that gets a future that fails at once with a {@link ChatException}.
     *
     * @param text the text; at most the room's maximum message size in bytes of UTF-8 (a lone
     *             surrogate is sent as {@code ?})
     * @return a future that completes with the message as the room received it, or fails with a
     *         {@link MessageRefusedException} if the server refused it (rate limit, size, mute) or a
     *         {@link ChatException} if the client was disconnected or closed before the server's
     *         confirmation arrived. It completes on a futures thread (shared, or the client's
     *         own {@code roomcast-client-<username>-futures}), never on the I/O
     *         thread, the calling thread or the listener's, so a listener may block on it; it
     *         completes when the room's event for the message reaches the client, which may be
     *         before the listener's {@code onMessage} for it. Dependent stages attached without an
     *         executor run on that thread too: one that blocks delays later completions, so give
     *         blocking work an executor ({@code thenAcceptAsync(action, executor)}). Across an outage
     *         ({@link Builder#reconnect}) it completes once, normally if the room accepted the message
     *         (its sequence and time are 0 and {@link java.time.Instant#EPOCH} when the room had
     *         accepted it before the outage and the client came back with a gap, not knowing them);
     *         a message the room had not processed goes again after the resume.
     * @throws IllegalArgumentException if the text is larger than the room allows; the message
     *                                  names both sizes
     * @throws IllegalStateException    if {@link #connect()} has not succeeded (a client that
     *                                  joined and then left gets a failed future instead)
     */
    public CompletableFuture<ChatMessage> send(String text) {
        return life.send(text);
    }

    /**
     * Sends a private message to one member. The server stamps it with this client's username and
     * the time and delivers it to {@code recipient} only ({@link ChatClientListener#onPrivateMessage}
     * there; the host sees it too, {@link ChatServerListener#onPrivateMessage}). It travels like a
     * room message — same size limit, rate limit and reliability, re-sent until the server
     * confirms it — but it is not a room event and never appears in history.
     *
     * @param recipient the member's username, compared as the room compares names (case and
     *                  compatibility forms ignored)
     * @param text      the text; at most the room's maximum message size in bytes of UTF-8
     * @return a future that completes with the message as the server accepted it (its
     *         {@code recipient} as the room knows the name), or fails with a
     *         {@link MessageRefusedException} ({@link RefusalReason#NO_SUCH_MEMBER} if nobody by that
     *         name is in the room; {@code RATE_LIMITED}, {@code TOO_LARGE} or {@code MUTED}) or a
     *         {@link ChatException} if the client was disconnected or closed first. It completes
     *         where {@link #send}'s futures do: on the client's futures thread, never on the I/O
     *         thread, the calling thread or the listener's, so a listener may block on it. It is
     *         queued while reconnecting, as {@link #send}'s messages are; one the server had accepted
     *         before an outage completes after the resume with time {@link java.time.Instant#EPOCH}
     *         (its confirmation was lost with the old connection).
     * @throws IllegalArgumentException if the recipient breaks the username rule or the text is
     *                                  larger than the room allows
     * @throws IllegalStateException    if {@link #connect()} has not succeeded
     */
    public CompletableFuture<PrivateMessage> sendPrivate(String recipient, String text) {
        return life.sendPrivate(recipient, text);
    }

    /**
     * The usernames of the room's members as this client knows them now, its own included, in
     * the order they joined.
     *
     * @return an immutable snapshot; empty before joining and after leaving
     */
    public Set<String> members() {
        return life.members();
    }

    /**
     * This client's username, NFC-normalised.
     *
     * @return the username, never null
     */
    public String username() {
        return settings.username();
    }

    /**
     * The address of the server this client is in the room through: the one that admitted it, or
     * the one it last resumed its session on ({@link Builder#servers}). While reconnecting it is still
     * the one that was lost, until an attempt succeeds. Before {@link #connect()} and while joining,
     * the first address given; after a failed connect, the last one tried.
     *
     * @return the address, never null
     */
    public InetSocketAddress server() {
        return life.server();
    }

    /**
     * The name of the room this client joined.
     *
     * @return the room name, or {@code null} before joining
     */
    public String roomName() {
        return life.roomName();
    }

    /**
     * Leaves the room. Messages already passed to {@link #send} still go out first: close waits up
     * to 2 seconds for the server to confirm them (like closing a TCP socket), and those still
     * unconfirmed after that fail. Then the server is told (re-sent until acknowledged, for at
     * most about a second) and other members see {@link LeaveReason#LEFT}; the listener gets
     * {@link ChatClientListener#onDisconnected} with {@code LEFT}. Calls to {@link #send} after
     * close has begun fail at once. Blocks until done, and until every send future has completed
     * and the listener calls already queued have run (unless called from a listener). Idempotent.
     * A {@link #connect()} in progress on another thread fails.
     *
     * <p>While reconnecting, close ends at once: the listener gets {@code onDisconnected(LEFT)} and
     * unconfirmed messages fail. If a resume attempt's PROOF has gone out, the server may have
     * taken the client back: it is sent one CLOSE on that attempt's connection, and other members
     * see it leave {@link LeaveReason#LEFT} at once, with nothing held for it. If no attempt has
     * reached the server, it cannot be told: other members have seen {@link LeaveReason#TIMED_OUT},
     * or see it when the server's idle timeout passes, and the name stays taken until the server's
     * resume window ({@link ChatServer.Builder#resumeWindow}) has lapsed. That CLOSE goes once: if
     * it is lost, the member stays in the room until the server's idle timeout.
     */
    @Override
    public void close() {
        life.close();
    }

    /** Most listener calls that have waited at once; 0 before {@link #connect()}. For tests that check the bound. */
    int mostQueuedListenerCalls() {
        return life.mostQueuedListenerCalls();
    }

    /**
     * Configures a {@link ChatClient}. Mutable and not thread-safe; {@link #build()} validates
     * and copies, so one builder can build several clients. Every method that takes an object
     * throws {@link NullPointerException}, naming the parameter, if it is {@code null}; durations
     * longer than {@link ChatClient#LONGEST_DURATION} are taken as that long.
     */
    public static final class Builder {
        private List<InetSocketAddress> servers;
        private String username;
        private String password = "";
        private ChatClientListener listener = new ChatClientListener() {
        };
        private Executor callbackExecutor;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration reconnect = DEFAULT_RECONNECT;
        private boolean dedicatedThreads;

        private Builder() {
        }

        /**
         * The server's address. This or {@link #servers} is required; whichever is called last
         * decides (this replaces a list given before with this one address).
         *
         * @param address a resolved address with a port from 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if the address is unresolved or its port is 0
         * @throws NullPointerException     if the address is null
         */
        public Builder server(InetSocketAddress address) {
            Objects.requireNonNull(address, "server");
            this.servers = List.of(Arguments.serverAddress(address, "server"));
            return this;
        }

        /**
         * The addresses of several servers of one room (the nodes of a cluster), for joining and for
         * coming back after an outage through another when one fails. This or {@link #server} is
         * required; whichever is called last decides (this replaces an address given before). One
         * address is the same as {@link #server}.
         *
         * <p>{@link ChatClient#connect()} tries them in this order, once each, sharing the connect
         * timeout among them, and joins through the first that admits the client (see there).
         * After an outage ({@link #reconnect}) each resume attempt goes to the next address, round
         * robin, starting with the one after the address that was lost, with the same pauses between
         * attempts and within the same reconnect time as with one server; an address that does not
         * answer, is unreachable or says the room is unavailable there just lets the next attempt go
         * to the next address. A server of the same cluster resumes the session as the lost one
         * would. Another server than the lost one that does not know the session (one of another
         * room, or a cluster that let the session go) admits the client as a new member: the client
         * stays there, as after a resume with a gap ({@link ChatClientListener#onHistory}, then
         * {@code onReconnected(false)}), and every message not yet confirmed fails with a
         * {@link ChatException}, as whether the room had it is unknown. The lost server itself
         * admitting it afresh means the session lapsed: the client ends {@link LeaveReason#TIMED_OUT},
         * as a client of one server does.
         *
         * @param addresses resolved addresses with ports from 1 to 65535, none twice, in the order to
         *                  try them; the list is copied
         * @return this builder
         * @throws IllegalArgumentException if the list is empty, or an address is unresolved, has port
         *                                  0 or is listed twice; the message names it and its index
         * @throws NullPointerException     if the list or one of its addresses is null (the message
         *                                  gives the index)
         */
        public Builder servers(List<InetSocketAddress> addresses) {
            this.servers = Arguments.serverAddresses(addresses, "servers");
            return this;
        }

        /**
         * The server's address, from a host name or IP literal and a port. As
         * {@link #server(InetSocketAddress)}: this or {@link #servers} is required, the last call decides.
         *
         * @param host a host name or IP literal
         * @param port 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range or the host cannot be resolved
         * @throws NullPointerException     if the host is null
         */
        public Builder server(String host, int port) {
            Objects.requireNonNull(host, "host");
            return server(new InetSocketAddress(host, Arguments.inRange(port, 1, 0xFFFF, "port")));
        }

        /**
         * The username to join with. Required. 1 to 32 characters after NFC normalisation, each a
         * letter, a digit, {@code _}, {@code -} or {@code .}, none of them invisible (such as a
         * Hangul filler, a zero-width or bidi control, or a variation selector); its letters all in
         * one script, or in one of the mixes Latin+Han+Hiragana+Katakana, Latin+Han+Hangul or
         * Latin+Han+Bopomofo, so {@code joan} spelt with a Cyrillic o (U+043E) is refused. The name
         * is shown as given (NFC) but is unique in the room ignoring case and compatibility forms
         * (NFKC): {@code joan} followed by a fullwidth one (U+FF11) is taken if {@code JOAN1} is in
         * the room.
         *
         * @param username the username
         * @return this builder
         * @throws IllegalArgumentException if it breaks the rule; the message states the rule
         * @throws NullPointerException     if it is null
         */
        public Builder username(String username) {
            Objects.requireNonNull(username, "username");
            TextRules.usernameProblem(username).ifPresent(problem -> {
                throw new IllegalArgumentException("username: " + problem);
            });
            this.username = TextRules.normalizeUsername(username);
            return this;
        }

        /**
         * The room password. Default: the empty password (an open room).
         *
         * @param password the password, may be empty
         * @return this builder
         * @throws NullPointerException if the password is null
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
         * @throws NullPointerException if the listener is null
         */
        public Builder listener(ChatClientListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The executor that runs listener calls. Calls are still made one at a time, in order,
         * and at most 1,024 wait. The executor must run tasks on another thread than the one
         * that submits them. {@link ChatClient#send} futures never complete on it, so a listener
         * may wait for one even on a single-threaded executor. Default: the shared callback
         * threads, or one of the client's own with {@link #dedicatedThreads}.
         *
         * @param executor the executor
         * @return this builder
         * @throws NullPointerException if the executor is null
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
            return this;
        }

        /**
         * How long {@link ChatClient#connect()} tries before it fails: with several
         * {@link #servers}, all of them together (each gets a share, see {@link ChatClient#connect()}).
         * Default: {@link ChatClient#DEFAULT_CONNECT_TIMEOUT}.
         *
         * @param timeout a positive duration; at most {@link ChatClient#LONGEST_DURATION} (longer is taken as that)
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         * @throws NullPointerException     if it is null
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Arguments.positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long the server may stay silent before the client considers it gone and reports
         * {@link LeaveReason#TIMED_OUT}. Keepalives flow while both sides are alive. The
         * connection uses the smaller of this and the server's idle timeout. Default:
         * {@link ChatClient#DEFAULT_IDLE_TIMEOUT}.
         *
         * @param timeout a positive duration; at most {@link ChatClient#LONGEST_DURATION} (longer is taken as that)
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         * @throws NullPointerException     if it is null
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Arguments.positive(timeout, "idleTimeout");
            return this;
        }

        /**
         * How long the client tries to come back as itself after it stops hearing from the server
         * (for the idle timeout; an address change that path migration cannot follow shows the same
         * way): it calls {@link ChatClientListener#onReconnecting}, tries at once, then after pauses
         * of 250 ms doubling to 4 s (each shortened by up to half at random), and resumes its session
         * if the server still holds it ({@link ChatServer.Builder#resumeWindow}). Each attempt proves
         * the password again and presents a single-use credential of the old session. Messages are
         * queued meanwhile (see {@link ChatClient#send}); what the client gets back is stated on
         * {@link ChatClientListener#onReconnected}. Past this time, or if the server refuses for a
         * reason another attempt would meet too (wrong password now, banned, the name taken after
         * the server let the session go, or another protocol version) or no longer holds the
         * session, {@link ChatClientListener#onDisconnected} ends the client
         * ({@link LeaveReason#BANNED} if banned meanwhile, else {@link LeaveReason#TIMED_OUT}). A
         * room that is full when the client comes back is asked again, with the same pauses, until
         * this time is over (the server holds the session meanwhile); so is a busy server. A room
         * that has closed does not answer: the client tries until this time is over. With several
         * {@link #servers}, each attempt goes to the next address (see there). Default:
         * {@link ChatClient#DEFAULT_RECONNECT}.
         *
         * @param giveUpAfter zero or a positive duration; {@link Duration#ZERO} never reconnects
         *                    (an outage ends the client at once, as before reconnecting existed); at
         *                    most {@link ChatClient#LONGEST_DURATION} (longer is taken as that)
         * @return this builder
         * @throws IllegalArgumentException if it is negative
         * @throws NullPointerException     if it is null
         */
        public Builder reconnect(Duration giveUpAfter) {
            this.reconnect = Arguments.notNegative(giveUpAfter, "reconnect");
            return this;
        }

        /**
         * Whether the client has threads of its own instead of sharing the process's. Shared: one
         * I/O thread per core (each client given to the one serving the fewest), four callback
         * threads per core (at least eight), one futures thread per core (at least two) and one SRP
         * thread per two cores (at least one, so a join does not hold up the others' I/O), all
         * made when first needed, the last three ending after 5 seconds without work; a client whose
         * listener may block for long, or that must not share an I/O thread, asks for its own:
         * its own I/O thread ({@code roomcast-client-<username>-io}),
         * its own listener thread ({@code -callbacks}, unless {@link #callbackExecutor} is given) and
         * its own futures thread ({@code -futures}), the last two ending after a second without work.
         * Its I/O then never waits for other clients' and its listener never for theirs, at the cost
         * of two or three threads per client. Default: {@code false}, shared threads.
         *
         * <p>Shared threads are daemons, so a connected client on them does not keep the JVM
         * alive: a program whose {@code main} connects and returns exits, without leaving the room
         * (the server sees it time out). Call {@link ChatClient#close()} before exiting; a client with
         * threads of its own keeps the JVM alive until it is closed, as before threads were shared.
         *
         * @param dedicated {@code true} for threads of the client's own
         * @return this builder
         */
        public Builder dedicatedThreads(boolean dedicated) {
            this.dedicatedThreads = dedicated;
            return this;
        }

        /**
         * A client with this configuration, not yet connected.
         *
         * @return the client
         * @throws IllegalStateException if the server address or the username is missing
         */
        public ChatClient build() {
            if (servers == null) {
                throw new IllegalStateException("server: the server's address is required; call server(...)"
                        + " or servers(...)");
            }
            if (username == null) {
                throw new IllegalStateException("username: a username is required; call username(...)");
            }
            return new ChatClient(new ClientSettings(servers, username, password, connectTimeout, idleTimeout,
                    callbackExecutor, reconnect, dedicatedThreads), listener);
        }
    }
}
