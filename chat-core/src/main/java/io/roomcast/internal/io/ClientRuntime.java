package io.roomcast.internal.io;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.protocol.ClientConfig;
import io.roomcast.internal.protocol.ClientEngine;
import io.roomcast.internal.protocol.ClientEventSink;
import io.roomcast.internal.protocol.Offload;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * One client's connection: the connected channel and its {@link ClientEngine}, an {@link Endpoint}
 * on an {@link EventLoop} (a shared one, or one of its own if the settings ask for
 * {@link ClientSettings#dedicatedThreads dedicated threads}), the SRP group and where its work
 * runs (the shared {@link SharedClientThreads} SRP pool through a {@link PooledOffload}, or, for a
 * client with its own threads, its own I/O thread), two
 * {@link CallbackDispatcher}s, one for the listener and one for completing futures (over the
 * {@link SharedClientThreads} pools, the application's executor for the listener, or threads of
 * the client's own), all wired here and nowhere else, and closed in order. What the
 * engine knows of the room (members, room name, message limit) is published here for other
 * threads.
 *
 * <p>The listener's dispatcher is bounded: the engine hands it room events only while it has room
 * ({@link CallbackDispatcher#hasRoom()}) and otherwise holds them back, and is told to go on
 * when half the queue has drained. Futures complete on a dispatcher of their own, so a listener
 * that blocks on one cannot stop it from completing.
 *
 * <p>Threads: built and closed by the threads that connect and close the public client, which
 * makes sure that happens once each; the engine belongs to the I/O thread; {@link #send} and the
 * getters are called from any thread.
 *
 * @param <E> the sink that turns the engine's events into listener calls
 */
public final class ClientRuntime<E extends ClientEventSink> {
    /**
     * Where the sink hands its work.
     *
     * @param listener runs listener calls, one at a time, in order; bounded as
     *                 {@link CallbackDispatcher#execute} says (terminal calls only — room events
     *                 are held back by the engine while it is full)
     * @param futures  completes futures, one at a time, in order, on a shared futures thread or one of
     *                 the client's own, never the listener's
     */
    public record Callbacks(Executor listener, Executor futures) {
    }

    /**
     * How long close waits for the engine to finish by itself before its endpoint is removed: the
     * engine first lets messages already sent be confirmed (for at most 2 seconds), then re-sends
     * CLOSE until the server acknowledges it (for at most 1 second).
     */
    private static final Duration LOOP_STOP_GRACE = Duration.ofSeconds(5);
    private static final SrpGroup GROUP = SrpGroup.RFC5054_2048_SHA256;

    private final E events;
    private final CallbackDispatcher callbacks;
    private final CallbackDispatcher completions;
    private final CommandQueue commands;
    private final ClientEngine engine;
    private final Endpoint endpoint;
    /** The address the client is on (or joining through, or lost): updated on the I/O thread at each change the sink hears of. */
    private volatile InetSocketAddress server;
    private final AtomicBoolean endReported = new AtomicBoolean();
    /** Whether {@link #close} has begun: a failure of the endpoint after that is close's to report. */
    private volatile boolean closing;
    /** Whether the loop removed the endpoint for a failure: commands still running then are refused. I/O thread. */
    private volatile boolean failed;
    /** Whether the sink has heard {@code connectFailed}. I/O thread. */
    private volatile boolean connectEnded;
    // written on the I/O thread (and by close once the endpoint is removed)
    private volatile boolean joined;
    private volatile String roomName;
    private volatile int maxMessageBytes;
    private volatile Set<String> members = Set.of();

    private ClientRuntime(ClientSettings settings, DatagramChannel channel, Function<Callbacks, E> events)
            throws IOException {
        String name = "roomcast-client-" + settings.username();
        this.server = settings.servers().get(0);
        ClientConfig config = new ClientConfig(server, settings.username(), settings.password(), GROUP,
                settings.connectTimeout().toNanos(), settings.idleTimeout().toNanos(), settings.reconnect().toNanos(),
                settings.servers());
        boolean own = settings.dedicatedThreads();
        Executor listenerThreads = settings.callbackExecutor() != null ? settings.callbackExecutor()
                : own ? null : SharedClientThreads.callbacks();
        this.callbacks = new CallbackDispatcher(listenerThreads, name + "-callbacks", this::roomAgain);
        // never the application's executor: a listener blocked on a future may be occupying it
        this.completions = new CallbackDispatcher(own ? null : SharedClientThreads.futures(), name + "-futures");
        this.events = events.apply(new Callbacks(callbacks, completions));
        EventLoop loop = own ? EventLoop.dedicated(name + "-io") : SharedClientThreads.nextLoop();
        this.commands = new CommandQueue(loop);
        // a client of its own threads blocks only itself: its SRP work stays on its loop
        Offload srp = own ? Offload.INLINE : new PooledOffload(SharedClientThreads.srp(), commands);
        try {
            this.engine = new ClientEngine(config, new RoomPublisher(), new SecureRandom(), srp);
            this.endpoint = loop.attach(channel, new FollowingChannel(engine, engine::server, channel, server), commands,
                    this::endpointFailed);
        } catch (IOException | RuntimeException e) {
            commands.discard();
            loop.abandon(); // a dedicated loop's selector; a shared loop may serve others already
            throw e;
        }
    }

    /**
     * Opens a channel to the first server and starts joining; the outcome reaches the sink. The
     * channel stays connected to the address the engine talks to, and follows it to another
     * ({@link FollowingChannel}).
     *
     * @param events makes, given where listener calls and future completions go, the sink that
     *               turns the engine's events into them; the sink is called on the I/O thread
     * @throws IOException if the socket cannot be opened
     */
    public static <E extends ClientEventSink> ClientRuntime<E> connect(ClientSettings settings,
                                                                       Function<Callbacks, E> events)
            throws IOException {
        List<InetSocketAddress> servers = settings.servers();
        InetSocketAddress server = servers.get(0);
        boolean oneFamily = servers.stream().allMatch(a -> a.getAddress().getClass() == server.getAddress().getClass());
        // one family: a channel of it; IPv4 and IPv6 mixed: an IPv6 one, which reaches IPv4 addresses too
        DatagramChannel channel = oneFamily ? EventLoop.openChannel(server.getAddress())
                : DatagramChannel.open(java.net.StandardProtocolFamily.INET6);
        ClientRuntime<E> runtime;
        try {
            // loopback servers are reached from a loopback address; otherwise the system chooses
            boolean loopback = oneFamily && servers.stream().allMatch(a -> a.getAddress().isLoopbackAddress());
            channel.bind(loopback ? new InetSocketAddress(server.getAddress(), 0) : null);
            channel.connect(server);
            runtime = new ClientRuntime<>(settings, channel, events);
            runtime.commands.execute(runtime.engine::start);
            return runtime;
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** The sink made for this runtime. */
    public E events() {
        return events;
    }

    /**
     * Queues {@code text} for the room. On the I/O thread, {@code queued} then gets its message
     * id, which the sink's {@code sendAccepted} or {@code sendRefused} will name; or, if the client
     * is no longer in the room or the loop has stopped, {@code notInRoom} runs where futures
     * complete instead, never on the calling thread.
     */
    public void send(String text, LongConsumer queued, Runnable notInRoom) {
        boolean accepted = commands.execute(now -> {
            if (!failed && engine.acceptsSends()) { // joined, or reconnecting with room to queue
                queued.accept(engine.send(text));
            } else {
                completions.execute(notInRoom);
            }
        });
        if (!accepted) {
            completions.execute(notInRoom);
        }
    }

    /**
     * Queues a private message for {@code recipient}, as {@link #send} does a room message: its id
     * goes to {@code queued} on the I/O thread (the sink's {@code privateSent} or
     * {@code sendRefused} will name it), or {@code notInRoom} runs where futures complete, never on
     * the calling thread or the listener's.
     */
    public void sendPrivate(String recipient, String text, LongConsumer queued, Runnable notInRoom) {
        boolean accepted = commands.execute(now -> {
            if (!failed && engine.acceptsSends()) {
                queued.accept(engine.sendPrivate(recipient, text));
            } else {
                completions.execute(notInRoom);
            }
        });
        if (!accepted) {
            completions.execute(notInRoom);
        }
    }

    /**
     * The address of the server the client is in the room through: the one that admitted it or that
     * it resumed on last; before joining the first, and after a failed join the last it tried.
     */
    public InetSocketAddress server() {
        return server;
    }

    /** The room's members as the engine last reported them, this client included; empty before joining and after leaving. */
    public Set<String> members() {
        return members;
    }

    /** The room's name, or {@code null} before joining. */
    public String roomName() {
        return roomName;
    }

    /** The room's limit on a message's text, in bytes of UTF-8; 0 before joining. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Leaves or gives up joining: the engine lets messages already sent go out and says goodbye,
     * the endpoint is removed (forced after {@link #LOOP_STOP_GRACE}), a joined client that the engine
     * could not report as disconnected in time is reported as having left, and the futures and
     * listener calls already queued run. Call once.
     */
    public void close() {
        closing = true;
        commands.execute(engine::close);
        endpoint.awaitStopOrForce(LOOP_STOP_GRACE);
        if (joined) {
            reportEnd(CloseReason.LEFT);
        }
        members = Set.of();
        completions.awaitDrained();
        callbacks.awaitDrained();
    }

    /** Most listener calls that have waited at once, for tests that check the bound. */
    public int mostQueuedCallbacks() {
        return callbacks.mostQueued();
    }

    /** The listener's dispatcher has drained to half after refusing events: the engine goes on delivering. */
    private void roomAgain() {
        commands.execute(engine::resumeDelivery);
    }

    /**
     * The loop removed the endpoint for a failure (its channel failed or was closed, the engine
     * threw, or the loop itself ended): the engine will never run again, so the client ends as if
     * the connection were lost for good — a joined client is reported {@code TIMED_OUT} (its
     * unconfirmed sends fail, its members are forgotten), one still joining fails to connect as
     * {@code UNREACHABLE} — once, and not if {@link #close} has begun (it reports the end itself).
     * I/O thread, after the commands still queued have run.
     */
    private void endpointFailed(Throwable cause) {
        failed = true;
        if (closing) {
            return;
        }
        if (joined) {
            reportEnd(CloseReason.TIMED_OUT);
        } else if (!connectEnded) {
            connectEnded = true;
            events.connectFailed(ClientEventSink.ConnectFailure.UNREACHABLE,
                    "the connection to " + server + " failed: " + cause);
        }
    }

    /** The sink's {@code disconnected}, once: from the engine, or from {@link #close} when the engine was stopped first. */
    private void reportEnd(CloseReason reason) {
        if (endReported.compareAndSet(false, true)) {
            members = Set.of();
            events.disconnected(reason);
        }
    }

    private static Set<String> snapshot(List<String> names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(names));
    }

    /** Publishes what the engine knows of the room for other threads, then passes each event on. I/O thread. */
    private final class RoomPublisher implements ClientEventSink {
        @Override
        public void joined(String room, List<String> names, int maxBytes, long joinSequence) {
            roomName = room;
            maxMessageBytes = maxBytes;
            members = snapshot(names);
            server = engine.server();
            joined = true;
            events.joined(room, names, maxBytes, joinSequence);
        }

        @Override
        public void connectFailed(ConnectFailure failure, String detail) {
            connectEnded = true;
            server = engine.server();
            events.connectFailed(failure, detail);
        }

        @Override
        public void message(long sequence, String sender, String text, long timestampMillis) {
            events.message(sequence, sender, text, timestampMillis);
        }

        @Override
        public void history(List<EventFrame> messages) {
            events.history(messages);
        }

        @Override
        public void privateMessage(String sender, String text, long timestampMillis) {
            events.privateMessage(sender, text, timestampMillis);
        }

        @Override
        public void privateSent(long messageId, String recipient, String text, long timestampMillis) {
            events.privateSent(messageId, recipient, text, timestampMillis);
        }

        @Override
        public void announcement(long sequence, String text, long timestampMillis) {
            events.announcement(sequence, text, timestampMillis);
        }

        @Override
        public void memberJoined(long sequence, String username) {
            members = snapshot(engine.members());
            events.memberJoined(sequence, username);
        }

        @Override
        public void memberLeft(long sequence, String username, CloseReason reason) {
            members = snapshot(engine.members());
            events.memberLeft(sequence, username, reason);
        }

        @Override
        public void sendAccepted(long messageId, long sequence, String text, long timestampMillis) {
            events.sendAccepted(messageId, sequence, text, timestampMillis);
        }

        @Override
        public void sendRefused(long messageId, ErrorCode code, String detail) {
            events.sendRefused(messageId, code, detail);
        }

        @Override
        public void sendLost(long messageId, String detail) {
            events.sendLost(messageId, detail);
        }

        @Override
        public void reconnecting(CloseReason cause) {
            events.reconnecting(cause);
        }

        @Override
        public void reconnected(boolean nothingMissed) {
            members = snapshot(engine.members());
            server = engine.server();
            roomName = engine.roomName(); // another room's, if a server that did not know the session took the client
            maxMessageBytes = engine.maxMessageBytes();
            events.reconnected(nothingMissed);
        }

        @Override
        public void disconnected(CloseReason reason) {
            reportEnd(reason);
        }

        @Override
        public boolean hasRoom() {
            return callbacks.hasRoom();
        }
    }
}
