package io.roomcast;

import io.roomcast.internal.io.ClientRuntime;
import io.roomcast.internal.protocol.ClientEventSink;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns a client engine's events into what the public API promises: {@link ChatClientListener}
 * calls, run on the listener's dispatcher; the completion of {@link ChatClient#send} futures, run
 * on the client's futures thread, so that a listener blocked on a future cannot hold it up; and
 * the outcome of {@link ChatClient#connect()} as a value or one of its exceptions. The engine
 * gives it room events only while the listener's dispatcher has room; the terminal
 * {@code onDisconnected} is queued whatever the bound, so it always comes.
 *
 * <p>Threads: the engine calls it on the I/O thread, which also registers each sent message's
 * future ({@link #expectConfirmation}); the thread in {@code connect()} waits in
 * {@link #awaitJoin()}. The futures map is concurrent because a disconnection reported by
 * {@code close()} after a forced stop runs on the closing thread.
 */
final class ClientListenerBridge implements ClientEventSink {
    /**
     * How much longer than the connect timeout {@link #awaitJoin()} waits: the engine enforces the
     * connect timeout itself, so the margin only guards against a loop that is stuck.
     */
    private static final Duration CONNECT_MARGIN = Duration.ofSeconds(5);

    /** Why the engine could not join, with its words for it. */
    private record Failure(ConnectFailure reason, String detail) {
    }

    /** A private message waiting for the server's confirmation, with the recipient as the application named it. */
    private record PendingPrivate(String recipient, CompletableFuture<PrivateMessage> future) {
    }

    /** The server the client is on or joining through (the last tried, once the join failed). */
    private final Supplier<InetSocketAddress> server;
    /** Whether the client has several servers: a failed join then names each. */
    private final boolean severalServers;
    private final String username;
    private final Duration connectTimeout;
    private final ChatClientListener listener;
    private final Executor callbacks;
    private final Executor futures;
    private final Map<Long, CompletableFuture<ChatMessage>> pendingSends = new ConcurrentHashMap<>();
    private final Map<Long, PendingPrivate> pendingPrivates = new ConcurrentHashMap<>();
    private final CountDownLatch connectDone = new CountDownLatch(1);
    private volatile Failure connectFailure; // written on the I/O thread before connectDone opens

    /**
     * @param servers every address of the room the client was given
     * @param server  the one it is on, joining through, or last tried
     */
    ClientListenerBridge(List<InetSocketAddress> servers, Supplier<InetSocketAddress> server, String username,
                         Duration connectTimeout, ChatClientListener listener, ClientRuntime.Callbacks callbacks) {
        this.server = server;
        this.severalServers = servers.size() > 1;
        this.username = username;
        this.connectTimeout = connectTimeout;
        this.listener = listener;
        this.callbacks = callbacks.listener();
        this.futures = callbacks.futures();
    }

    /**
     * Waits until the engine has joined or failed to, for the connect timeout and
     * {@link #CONNECT_MARGIN}.
     *
     * @throws ChatException        (or a subclass) saying why the client could not join
     * @throws InterruptedException if the waiting thread was interrupted
     */
    void awaitJoin() throws ChatException, InterruptedException {
        if (!connectDone.await(connectTimeout.plus(CONNECT_MARGIN).toMillis(), TimeUnit.MILLISECONDS)) {
            connectFailure = new Failure(ConnectFailure.TIMED_OUT, "no answer from " + server.get() + " within "
                    + connectTimeout.toMillis() + " ms");
        }
        Failure failure = connectFailure;
        if (failure == null) {
            return;
        }
        InetSocketAddress server = this.server.get();
        throw switch (failure.reason()) {
            case BAD_PASSWORD -> new AuthenticationException("wrong password for the room at " + server);
            case SERVER_NOT_AUTHENTIC -> new AuthenticationException(failure.detail() + " (" + server + ")");
            case USERNAME_TAKEN -> new UsernameTakenException(failure.detail());
            case INVALID_USERNAME -> new InvalidUsernameException(failure.detail());
            case BANNED -> new BannedException("the room at " + server + " refuses '" + username + "': "
                    + failure.detail());
            case ROOM_UNAVAILABLE -> new RoomUnavailableException(severalServers
                    ? "the room is unavailable: " + failure.detail()
                    : "the room is unavailable at " + server + " (that server is cut off from most of its cluster): "
                            + failure.detail());
            case REFUSED -> new ChatException(severalServers ? "'" + username + "' could not join: " + failure.detail()
                    : "the server at " + server + " refused to admit '" + username + "': " + failure.detail());
            case TIMED_OUT -> new ChatException(failure.detail() + (severalServers
                    ? ": are Roomcast servers running there?" : ": is a Roomcast server running there?"));
            case UNREACHABLE -> new ChatException(failure.detail());
            case CLOSED -> new ChatException("the client was closed while joining the room at " + server);
        };
    }

    /** {@code future} completes when the server confirms or refuses message {@code messageId}. I/O thread. */
    void expectConfirmation(long messageId, CompletableFuture<ChatMessage> future) {
        pendingSends.put(messageId, future);
    }

    /** {@code future} completes when the server confirms or refuses private message {@code messageId}. I/O thread. */
    void expectPrivateConfirmation(long messageId, String recipient, CompletableFuture<PrivateMessage> future) {
        pendingPrivates.put(messageId, new PendingPrivate(recipient, future));
    }

    @Override
    public void joined(String room, List<String> names, int maxBytes, long joinSequence) {
        connectDone.countDown();
    }

    @Override
    public void connectFailed(ConnectFailure failure, String detail) {
        connectFailure = new Failure(failure, detail);
        connectDone.countDown();
    }

    @Override
    public void message(long sequence, String sender, String text, long timestampMillis) {
        ChatMessage message = new ChatMessage(sequence, sender, text, Instant.ofEpochMilli(timestampMillis));
        callbacks.execute(() -> listener.onMessage(message));
    }

    @Override
    public void history(List<EventFrame> messages) {
        List<ChatMessage> history = new ArrayList<>(messages.size());
        for (EventFrame event : messages) {
            history.add(new ChatMessage(event.sequence(), event.username(), event.text(),
                    Instant.ofEpochMilli(event.timestampMillis())));
        }
        List<ChatMessage> unmodifiable = Collections.unmodifiableList(history);
        callbacks.execute(() -> listener.onHistory(unmodifiable));
    }

    @Override
    public void privateMessage(String sender, String text, long timestampMillis) {
        PrivateMessage message = new PrivateMessage(sender, username, text, Instant.ofEpochMilli(timestampMillis));
        callbacks.execute(() -> listener.onPrivateMessage(message));
    }

    @Override
    public void privateSent(long messageId, String recipient, String text, long timestampMillis) {
        PendingPrivate pending = pendingPrivates.remove(messageId);
        if (pending != null) {
            PrivateMessage message = new PrivateMessage(username, recipient, text, Instant.ofEpochMilli(timestampMillis));
            futures.execute(() -> pending.future().complete(message));
        }
    }

    @Override
    public void announcement(long sequence, String text, long timestampMillis) {
        Announcement announcement = new Announcement(sequence, text, Instant.ofEpochMilli(timestampMillis));
        callbacks.execute(() -> listener.onAnnouncement(announcement));
    }

    @Override
    public void memberJoined(long sequence, String name) {
        callbacks.execute(() -> listener.onMemberJoined(name));
    }

    @Override
    public void memberLeft(long sequence, String name, CloseReason reason) {
        LeaveReason leaveReason = LeaveReasons.of(reason);
        callbacks.execute(() -> listener.onMemberLeft(name, leaveReason));
    }

    @Override
    public void sendAccepted(long messageId, long sequence, String text, long timestampMillis) {
        CompletableFuture<ChatMessage> future = pendingSends.remove(messageId);
        if (future != null) {
            ChatMessage message = new ChatMessage(sequence, username, text, Instant.ofEpochMilli(timestampMillis));
            futures.execute(() -> future.complete(message));
        }
    }

    @Override
    public void sendRefused(long messageId, ErrorCode code, String detail) {
        CompletableFuture<ChatMessage> future = pendingSends.remove(messageId);
        if (future != null) {
            ChatException failure = refusal(code, "the server refused the message: " + detail, detail);
            futures.execute(() -> future.completeExceptionally(failure));
            return;
        }
        PendingPrivate pending = pendingPrivates.remove(messageId);
        if (pending != null) {
            // the server's detail is a constant; the recipient's name is the application's own
            ChatException failure = code == ErrorCode.NO_SUCH_MEMBER
                    ? refusal(code, "the server refused the private message: '" + pending.recipient()
                            + "' is not in the room", detail)
                    : refusal(code, "the server refused the private message to '" + pending.recipient() + "': "
                            + detail, detail);
            futures.execute(() -> pending.future().completeExceptionally(failure));
        }
    }

    @Override
    public void sendLost(long messageId, String detail) {
        CompletableFuture<?> future = pendingSends.remove(messageId);
        if (future == null) {
            PendingPrivate pending = pendingPrivates.remove(messageId);
            future = pending == null ? null : pending.future();
        }
        if (future != null) {
            CompletableFuture<?> lost = future;
            ChatException failure = new ChatException(detail);
            futures.execute(() -> lost.completeExceptionally(failure));
        }
    }

    /** The exception for a refusal: a {@link MessageRefusedException} when the reason is one the API names. */
    private static ChatException refusal(ErrorCode code, String message, String detail) {
        RefusalReason reason = RefusalReasons.of(code);
        return reason == null ? new ChatException(message) : new MessageRefusedException(reason, message, detail);
    }

    @Override
    public void reconnecting(CloseReason cause) {
        LeaveReason leaveReason = LeaveReasons.of(cause);
        callbacks.execute(() -> listener.onReconnecting(leaveReason));
    }

    @Override
    public void reconnected(boolean nothingMissed) {
        callbacks.execute(() -> listener.onReconnected(nothingMissed));
    }

    /** Fails every unconfirmed send and tells the listener. Called once (the runtime sees to it). */
    @Override
    public void disconnected(CloseReason reason) {
        LeaveReason leaveReason = LeaveReasons.of(reason);
        List<CompletableFuture<?>> unconfirmed = new ArrayList<>(pendingSends.values());
        pendingSends.clear();
        pendingPrivates.values().forEach(pending -> unconfirmed.add(pending.future()));
        pendingPrivates.clear();
        futures.execute(() -> {
            ChatException failure = new ChatException("disconnected (" + leaveReason
                    + ") before the server confirmed the message");
            for (CompletableFuture<?> future : unconfirmed) {
                future.completeExceptionally(failure);
            }
        });
        callbacks.execute(() -> listener.onDisconnected(leaveReason)); // terminal: queued past the bound
    }
}
