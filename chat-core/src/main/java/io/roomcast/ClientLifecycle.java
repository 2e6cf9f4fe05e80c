package io.roomcast;

import io.roomcast.internal.io.ClientRuntime;
import io.roomcast.internal.io.ClientSettings;
import io.roomcast.internal.io.TextRules;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link ChatClient}'s life behind its public methods: new → connecting → joined → closed, the
 * {@link ClientRuntime} it starts once, and the sends it hands that runtime. {@link ChatClient}
 * documents every method; this class only keeps the state.
 *
 * <p>Threads: any; the state is guarded by a lock, the runtime published once.
 */
final class ClientLifecycle {
    private enum State { NEW, CONNECTING, JOINED, CLOSED }

    private static final Logger log = LoggerFactory.getLogger(ChatClient.class);
    /** Why a send fails at once: see {@link ChatClient#send}. */
    private static final String NOT_SENT = "the client is not in the room, or is reconnecting with 64 messages"
            + " already waiting";

    private final ClientSettings settings;
    private final ChatClientListener listener;
    private final Object lock = new Object();
    private State state = State.NEW; // guarded by lock
    private boolean joinedOnce; // guarded by lock
    private volatile ClientRuntime<ClientListenerBridge> runtime; // set once, under lock, by connect()

    ClientLifecycle(ClientSettings settings, ChatClientListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    /** {@link ChatClient#connect()}. */
    void connect() throws IOException {
        ClientListenerBridge events;
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException(state == State.CLOSED ? "the client is closed"
                        : "connect() was already called");
            }
            try {
                runtime = ClientRuntime.connect(settings, callbacks -> new ClientListenerBridge(settings.servers(),
                        this::server, settings.username(), settings.connectTimeout(), listener, callbacks));
            } catch (IOException | RuntimeException e) {
                state = State.CLOSED;
                throw e;
            }
            events = runtime.events();
            state = State.CONNECTING;
        }
        try {
            events.awaitJoin();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new ChatException("interrupted while joining the room at " + server(), e);
        } catch (ChatException e) {
            close();
            throw e;
        }
        synchronized (lock) {
            joinedOnce = true;
            if (state == State.CONNECTING) {
                state = State.JOINED;
            }
        }
        log.debug("{} joined room '{}' at {}", settings.username(), roomName(), server());
    }

    /** {@link ChatClient#server()}. */
    InetSocketAddress server() {
        ClientRuntime<ClientListenerBridge> started = runtime;
        return started == null ? settings.servers().get(0) : started.server();
    }

    /** {@link ChatClient#send}. */
    CompletableFuture<ChatMessage> send(String text) {
        Objects.requireNonNull(text, "text");
        ClientRuntime<ClientListenerBridge> running = joinedRuntime();
        checkSize(running, text);
        CompletableFuture<ChatMessage> future = new CompletableFuture<>();
        running.send(text, messageId -> running.events().expectConfirmation(messageId, future),
                () -> future.completeExceptionally(new ChatException(NOT_SENT)));
        return future;
    }

    /** {@link ChatClient#sendPrivate}. */
    CompletableFuture<PrivateMessage> sendPrivate(String recipient, String text) {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(text, "text");
        TextRules.usernameProblem(recipient).ifPresent(problem -> {
            throw new IllegalArgumentException("recipient: " + problem);
        });
        ClientRuntime<ClientListenerBridge> running = joinedRuntime();
        checkSize(running, text);
        // the NFC form is what the rule measured (at most 32 code points, 128 bytes); a decomposed form may be longer
        String name = TextRules.normalizeUsername(recipient);
        CompletableFuture<PrivateMessage> future = new CompletableFuture<>();
        running.sendPrivate(name, text,
                messageId -> running.events().expectPrivateConfirmation(messageId, recipient, future),
                () -> future.completeExceptionally(new ChatException(NOT_SENT)));
        return future;
    }

    /** The runtime of a client that has joined (and may have left since). */
    private ClientRuntime<ClientListenerBridge> joinedRuntime() {
        synchronized (lock) {
            if (state == State.NEW || state == State.CONNECTING) {
                throw new IllegalStateException("not in the room yet: connect() has not completed");
            }
            if (!joinedOnce) {
                throw new IllegalStateException("not in the room: connect() did not succeed");
            }
            return runtime;
        }
    }

    private static void checkSize(ClientRuntime<ClientListenerBridge> running, String text) {
        Arguments.utf8AtMost(text, running.maxMessageBytes(), "message");
    }

    /** {@link ChatClient#members()}. */
    Set<String> members() {
        ClientRuntime<ClientListenerBridge> started = runtime;
        return started == null ? Set.of() : started.members();
    }

    /** {@link ChatClient#roomName()}. */
    String roomName() {
        ClientRuntime<ClientListenerBridge> started = runtime;
        return started == null ? null : started.roomName();
    }

    /** {@link ChatClient#close()}. */
    void close() {
        ClientRuntime<ClientListenerBridge> running;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            boolean started = state != State.NEW;
            state = State.CLOSED;
            if (!started) {
                return;
            }
            running = runtime;
        }
        running.close();
    }

    /** Most listener calls that have waited at once; 0 before {@link #connect()}. */
    int mostQueuedListenerCalls() {
        ClientRuntime<ClientListenerBridge> started = runtime;
        return started == null ? 0 : started.mostQueuedCallbacks();
    }
}
