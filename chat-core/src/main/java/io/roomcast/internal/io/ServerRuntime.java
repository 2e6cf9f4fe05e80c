package io.roomcast.internal.io;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;
import io.roomcast.internal.protocol.ServerConfig;
import io.roomcast.internal.protocol.ServerEngine;
import io.roomcast.internal.protocol.ServerEventSink;
import io.roomcast.internal.protocol.ServerStats;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.spi.RoomBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongPredicate;

/**
 * One open room: the bound channel and its {@link ServerEngine}, an {@link Endpoint} alone on an
 * {@link EventLoop} of its own (a dedicated loop: the room never shares its thread), the SRP
 * group and verifier, the {@link PooledOffload} for SRP work and the {@link CallbackDispatcher},
 * all wired here and nowhere else, and closed in order. The room never waits for its host's
 * listener: the sink offers it calls, and those past the dispatcher's bound are dropped and counted
 * ({@link #droppedCallbacks()}).
 *
 * <p>Threads: built and closed by the thread that starts or closes the public server, which
 * makes sure that happens once each; the engine belongs to the I/O thread; {@link #members()}
 * and {@link #localAddress()} are read from any thread.
 */
public final class ServerRuntime {
    /**
     * How long close waits for the engine to finish by itself before its endpoint is removed: the
     * engine re-sends {@code SERVER_CLOSED} until every member acknowledges it, for at most the
     * protocol's close timeout (1 second).
     */
    private static final Duration LOOP_STOP_GRACE = Duration.ofSeconds(3);
    /** SRP work (a few ms per handshake) runs on half the cores, at least one and at most four. */
    private static final int OFFLOAD_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    private static final SrpGroup GROUP = SrpGroup.RFC5054_2048_SHA256;
    /** How long a host command (kick, ban, mute, announce) waits for the I/O thread to apply it. */
    private static final Duration HOST_COMMAND_WAIT = Duration.ofSeconds(10);

    private final InetSocketAddress localAddress;
    private final CallbackDispatcher callbacks;
    private final CommandQueue commands;
    private final PooledOffload offload;
    private final ServerEngine engine;
    private final Endpoint endpoint;
    /** Orders the room's commands, or {@code null} for the room of this server alone. */
    private final RoomBackend backend;
    private volatile Set<String> members = Set.of(); // written on the I/O thread
    /** The counters as the room closed; written once, on the I/O thread as it ends. */
    private volatile ServerStats finalStats;

    private ServerRuntime(ServerSettings settings, DatagramChannel channel, Function<CallbackDispatcher, ServerEventSink> events)
            throws IOException {
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        String name = "roomcast-server-" + localAddress.getPort();
        SecureRandom random = new SecureRandom();
        String roomName = settings.roomName();
        ServerConfig config = ServerConfig.of(roomName, GROUP, SrpVerifier.create(GROUP, roomName,
                        settings.password(), random), settings.idleTimeout().toNanos(), settings.maxMessageBytes(),
                settings.maxMembers()).withRateLimit(settings.messagesPerSecond(), settings.messageBurst())
                .withHistorySize(settings.historySize()).withResumeWindow(settings.resumeWindow().toNanos());
        this.callbacks = new CallbackDispatcher(settings.callbackExecutor(), name + "-callbacks");
        EventLoop loop = EventLoop.dedicated(name + "-io");
        this.commands = new CommandQueue(loop);
        this.offload = new PooledOffload(name + "-srp", OFFLOAD_THREADS, commands);
        this.backend = settings.backend();
        Endpoint attached = null;
        try {
            this.engine = new ServerEngine(config, new MemberListPublisher(events.apply(callbacks)), random,
                    System::currentTimeMillis, offload, backend);
            if (backend != null) {
                // joins wait until the backend has caught up and says the room is available (start tells it)
                engine.roomStateMachine().availabilityChanged(false); // before the loop drives the engine
            }
            attached = loop.attach(channel, engine, commands);
            if (backend != null) {
                backend.start(new LoopRoomStateMachine(engine, loop, commands)); // returns once caught up
            }
            this.endpoint = attached;
        } catch (IOException | RuntimeException e) {
            if (attached != null) {
                attached.awaitStopOrForce(Duration.ZERO);
            }
            if (backend != null) {
                backend.close();
            }
            offload.close();
            commands.discard();
            loop.abandon();
            throw e;
        }
    }

    /**
     * Binds the channel and opens the room.
     *
     * @param events makes, given the dispatcher that runs listener calls, the sink that turns the
     *               engine's events into them, {@link CallbackDispatcher#offer offering} them
     *               unless they are terminal; the sink is called on the I/O thread
     * @throws java.net.BindException if the address is in use or cannot be bound
     * @throws IOException            if the socket cannot be opened for another reason
     */
    public static ServerRuntime start(ServerSettings settings, Function<CallbackDispatcher, ServerEventSink> events)
            throws IOException {
        DatagramChannel channel = EventLoop.openChannel(settings.bindAddress().getAddress());
        try {
            channel.bind(settings.bindAddress());
            return new ServerRuntime(settings, channel, events);
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /** The bound address, with the actual port. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The members' usernames as the engine last reported them, in the order they joined; empty once closed. */
    public Set<String> members() {
        return members;
    }

    /**
     * The engine's counters, copied on the I/O thread; after close, the last copy.
     *
     * @return a copy, or {@code null} if the loop stopped before it could make one
     */
    public ServerStats stats() {
        ServerStats last = finalStats;
        if (last != null) {
            return last;
        }
        CompletableFuture<ServerStats> copy = new CompletableFuture<>();
        if (!commands.execute(now -> copy.complete(engine.statsSnapshot()))) {
            return finalStats;
        }
        try {
            return copy.get(HOST_COMMAND_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the room did not answer for its counters", e);
        }
    }

    /** Removes a member with {@code KICKED}; {@code false} if there is none by that name or the room is closed. */
    public boolean kick(String username) {
        return onLoop(now -> engine.kick(now, username));
    }

    /**
     * Bans a name and its member's address; {@code false} if the room is closed. Durations here
     * are at most {@code ChatServer.LONGEST_DURATION}, as the public API caps them.
     */
    public boolean ban(String username, Duration duration) {
        return onLoop(now -> {
            engine.ban(now, username, duration.toNanos());
            return true;
        });
    }

    /** Lifts a ban; {@code false} if there was none or the room is closed. */
    public boolean unban(String username) {
        return onLoop(now -> engine.unban(now, username));
    }

    /** Mutes a member; {@code false} if there is none by that name or the room is closed. */
    public boolean mute(String username, Duration duration) {
        return onLoop(now -> engine.mute(now, username, duration.toNanos()));
    }

    /** Lifts a mute; {@code false} if there was none or the room is closed. */
    public boolean unmute(String username) {
        return onLoop(now -> engine.unmute(now, username));
    }

    /** Logs an announcement; {@code false} if the room is closed. */
    public boolean announce(String text) {
        return onLoop(now -> engine.announce(now, text));
    }

    /**
     * Runs a host command on the I/O thread, in room order with everything else, and waits for its
     * answer: at most {@link #HOST_COMMAND_WAIT}, which only a wedged loop would take.
     *
     * @return the command's answer, or {@code false} if the loop has stopped
     * @throws IllegalStateException if the wait was interrupted (the interrupt is kept), or the command failed
     */
    private boolean onLoop(LongPredicate command) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        boolean queued = commands.execute(now -> {
            try {
                answer.complete(command.test(now));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
                throw e; // the loop logs it and goes on
            }
        });
        if (!queued) {
            return false;
        }
        try {
            return answer.get(HOST_COMMAND_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the room to apply a host command"
                    + " (it may have been applied)", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the room failed to apply a host command", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the room did not apply a host command within " + HOST_COMMAND_WAIT);
        }
    }

    /**
     * Closes the room: the engine tells every member and reports each as gone, the loop stops
     * (forced after {@link #LOOP_STOP_GRACE}), the SRP pool ends, and the callbacks already
     * queued run. Call once.
     */
    public void close() {
        commands.execute(engine::close);
        commands.execute(now -> finalStats = engine.statsSnapshot()); // runs as the loop ends, if not before
        endpoint.awaitStopOrForce(LOOP_STOP_GRACE);
        if (backend != null) {
            backend.close(); // after the engine's last leaves went to it
        }
        if (finalStats == null) {
            // the loop was stopped before it ran the command (or this thread was interrupted while
            // waiting): the engine is no longer driven, so its counters are read here
            finalStats = engine.statsSnapshot();
        }
        offload.close();
        members = Set.of();
        callbacks.awaitDrained();
    }

    /** Listener calls dropped because the listener was {@link CallbackDispatcher#MAX_QUEUED_CALLBACKS} behind. */
    public long droppedCallbacks() {
        return callbacks.dropped();
    }

    /** Most listener calls that have waited at once, for tests that check the bound. */
    public int mostQueuedCallbacks() {
        return callbacks.mostQueued();
    }

    /** Publishes the member list for other threads, then passes each event on. I/O thread. */
    private final class MemberListPublisher implements ServerEventSink {
        private final ServerEventSink events;

        MemberListPublisher(ServerEventSink events) {
            this.events = events;
        }

        @Override
        public void memberJoined(long sequence, String username, InetSocketAddress address) {
            publishMembers();
            events.memberJoined(sequence, username, address);
        }

        @Override
        public void message(long sequence, String sender, String text, long timestampMillis) {
            events.message(sequence, sender, text, timestampMillis);
        }

        @Override
        public void privateMessage(String sender, String recipient, String text, long timestampMillis) {
            events.privateMessage(sender, recipient, text, timestampMillis);
        }

        @Override
        public void memberLeft(long sequence, String username, InetSocketAddress address, CloseReason reason) {
            publishMembers();
            events.memberLeft(sequence, username, address, reason);
        }

        private void publishMembers() {
            members = Collections.unmodifiableSet(new LinkedHashSet<>(engine.memberNames()));
        }
    }
}
