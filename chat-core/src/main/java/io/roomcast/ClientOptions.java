package io.roomcast;

import static io.roomcast.ChatClient.DEFAULT_CONNECT_TIMEOUT;
import static io.roomcast.ChatClient.DEFAULT_IDLE_TIMEOUT;
import static io.roomcast.ChatClient.DEFAULT_RECONNECT;
import static io.roomcast.ChatClient.LONGEST_DURATION;

import io.roomcast.internal.io.ClientSettings;
import io.roomcast.internal.io.TextRules;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The options of a {@link ChatClient} and their checks: the body of {@link ChatClient.Builder},
 * kept apart from the client itself. Each setter returns the builder ({@code B}).
 *
 * @param <B> the builder type the setters return
 */
abstract class ClientOptions<B extends ClientOptions<B>> {
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

    /** The builder, for the setters to return. */
    abstract B self();

    /**
     * The options as the runtime takes them.
     *
     * @throws IllegalStateException if no server or no username was given
     */
    ClientSettings settings() {
        if (servers == null) {
            throw new IllegalStateException("server: the server's address is required; call server(...)"
                    + " or servers(...)");
        }
        if (username == null) {
            throw new IllegalStateException("username: a username is required; call username(...)");
        }
        return new ClientSettings(servers, username, password, connectTimeout, idleTimeout, callbackExecutor,
                reconnect, dedicatedThreads);
    }

    /** The listener the built client calls. */
    ChatClientListener chosenListener() {
        return listener;
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
    public B server(InetSocketAddress address) {
        Objects.requireNonNull(address, "server");
        this.servers = List.of(Arguments.serverAddress(address, "server"));
        return self();
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
    public B servers(List<InetSocketAddress> addresses) {
        this.servers = Arguments.serverAddresses(addresses, "servers");
        return self();
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
    public B server(String host, int port) {
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
    public B username(String username) {
        Objects.requireNonNull(username, "username");
        TextRules.usernameProblem(username).ifPresent(problem -> {
            throw new IllegalArgumentException("username: " + problem);
        });
        this.username = TextRules.normalizeUsername(username);
        return self();
    }

    /**
     * The room password. Default: the empty password (an open room).
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
     * The listener for messages, joins, leaves and disconnection. Default: one that does nothing.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if the listener is null
     */
    public B listener(ChatClientListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
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
    public B callbackExecutor(Executor executor) {
        this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
        return self();
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
    public B connectTimeout(Duration timeout) {
        this.connectTimeout = Arguments.positive(timeout, "connectTimeout");
        return self();
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
    public B idleTimeout(Duration timeout) {
        this.idleTimeout = Arguments.positive(timeout, "idleTimeout");
        return self();
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
    public B reconnect(Duration giveUpAfter) {
        this.reconnect = Arguments.notNegative(giveUpAfter, "reconnect");
        return self();
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
    public B dedicatedThreads(boolean dedicated) {
        this.dedicatedThreads = dedicated;
        return self();
    }
}
