package io.roomcast;

import io.roomcast.internal.io.ClientSettings;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

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
    public static final class Builder extends ClientOptions<Builder> {
        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * A client with this configuration, not yet connected.
         *
         * @return the client
         * @throws IllegalStateException if the server address or the username is missing
         */
        public ChatClient build() {
            return new ChatClient(settings(), chosenListener());
        }
    }
}
