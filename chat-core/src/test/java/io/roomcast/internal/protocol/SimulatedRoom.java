package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * A room in the simulator: one {@link ServerEngine} at {@link #SERVER} and any number of
 * {@link ClientEngine}s on one {@link SimulatedNetwork}, each engine with a sink that records what
 * it reports ({@link RecordingServerSink}, {@link RecordingClientSink}). Chat-core's simulation
 * tests and the benchmarks' rooms of idle members are built with it.
 *
 * <p>Every random choice comes from the network's seed, in a fixed order (the server's verifier,
 * the server, then each client as it is added), so the same seed and the same calls replay the same
 * run. Not thread-safe: one thread builds and drives the room.
 */
public final class SimulatedRoom {
    /** Where the server is. */
    public static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 9000);
    /** The room name unless the builder says otherwise. */
    public static final String DEFAULT_ROOM_NAME = "lobby";
    /** The room password unless the builder says otherwise. */
    public static final String DEFAULT_PASSWORD = "secret";
    /** The idle timeout of the server and the clients unless the builder says otherwise: the library's default. */
    public static final long DEFAULT_IDLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** The clients' connect timeout unless the builder says otherwise. */
    public static final long DEFAULT_CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long {@link #join(String)} waits for one member to join or fail. */
    public static final long JOIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** How long {@link #joinMembers} waits for one batch of members to join. */
    public static final long BATCH_JOIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int PORTS_PER_HOST = 50_000;

    /** Builds a room; the defaults are the library's, with a 64-member room of 16 KiB messages. */
    public static final class Builder {
        private final SimulatedNetwork network;
        private String roomName = DEFAULT_ROOM_NAME;
        private String password = DEFAULT_PASSWORD;
        private SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
        private long idleTimeoutNanos = DEFAULT_IDLE_TIMEOUT_NANOS;
        private long connectTimeoutNanos = DEFAULT_CONNECT_TIMEOUT_NANOS;
        private int maxMessageBytes = 16 * 1024;
        private int maxMembers = 64;
        private UnaryOperator<ServerConfig> configure = UnaryOperator.identity();
        private Offload offload = Offload.INLINE;
        private io.roomcast.spi.RoomBackend backend;
        private boolean keepEvents = true;

        private Builder(SimulatedNetwork network) {
            this.network = network;
        }

        /** The room name, which is also the SRP identity. Default {@value #DEFAULT_ROOM_NAME}. */
        public Builder roomName(String roomName) {
            this.roomName = roomName;
            return this;
        }

        /** The room password, which clients added without one use. Default {@value #DEFAULT_PASSWORD}. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** The SRP group. Default RFC 5054's 2048-bit group; the 1024-bit one makes handshakes cheaper. */
        public Builder group(SrpGroup group) {
            this.group = group;
            return this;
        }

        /** The idle timeout of the server and of every client. Default 15 s. */
        public Builder idleTimeoutNanos(long nanos) {
            this.idleTimeoutNanos = nanos;
            return this;
        }

        /** The clients' connect timeout. Default 10 s. */
        public Builder connectTimeoutNanos(long nanos) {
            this.connectTimeoutNanos = nanos;
            return this;
        }

        /** The largest message, in bytes of UTF-8. Default 16 KiB. */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** The most members the room admits. Default 64. */
        public Builder maxMembers(int members) {
            this.maxMembers = members;
            return this;
        }

        /**
         * Changes the server's configuration beyond what the builder sets, e.g.
         * {@code config -> config.withRateLimit(20, 40)}.
         */
        public Builder configure(UnaryOperator<ServerConfig> configure) {
            this.configure = configure;
            return this;
        }

        /** Where the server does its SRP work. Default {@link Offload#INLINE}; see {@link SimulatedNetwork#slowOffload}. */
        public Builder offload(Offload offload) {
            this.offload = offload;
            return this;
        }

        /**
         * With {@code false} the sinks record nothing, only whether clients joined or failed: for
         * rooms of thousands, where a record of every join each member saw would fill the heap.
         * {@link #serverSink()} and {@link #sink(String)} then refuse. Default {@code true}.
         */
        public Builder keepEvents(boolean keepEvents) {
            this.keepEvents = keepEvents;
            return this;
        }

        /** Starts the server on the network. */
        /** Orders the server's room through {@code backend}, which the room starts (default: in process). */
        public Builder backend(io.roomcast.spi.RoomBackend backend) {
            this.backend = backend;
            return this;
        }

        public SimulatedRoom build() {
            SrpVerifier verifier = SrpVerifier.create(group, roomName, password, network.newRandom());
            ServerConfig config = configure.apply(ServerConfig.of(roomName, group, verifier, idleTimeoutNanos,
                    maxMessageBytes, maxMembers));
            return new SimulatedRoom(this, config);
        }
    }

    /** One client of the room; {@code recorder} is null when the room keeps no events. */
    private record Member(ClientEngine engine, RecordingClientSink recorder, InetSocketAddress address) {
    }

    private final SimulatedNetwork network;
    private final String password;
    private final SrpGroup group;
    private final long idleTimeoutNanos;
    private final long connectTimeoutNanos;
    private final boolean keepEvents;
    private final ServerEventSink serverSink;
    private Map<String, Member> members = new LinkedHashMap<>();
    private ServerConfig config;
    private ServerEngine server;
    /** Orders the room (null: in process); started with every server the room makes. */
    private io.roomcast.spi.RoomBackend backend;
    private int nextDefaultAddress;
    private int nextHost;
    private int joins;
    /** Connects that failed and members that were disconnected, whatever the reason. */
    private int failures;
    /** The first of those since {@link #joinMembers} began its current batch. */
    private String firstFailure;

    private SimulatedRoom(Builder builder, ServerConfig config) {
        this.network = builder.network;
        this.password = builder.password;
        this.group = builder.group;
        this.idleTimeoutNanos = builder.idleTimeoutNanos;
        this.connectTimeoutNanos = builder.connectTimeoutNanos;
        this.keepEvents = builder.keepEvents;
        this.serverSink = keepEvents ? new RecordingServerSink(network) : new SilentServerSink();
        this.backend = builder.backend;
        replaceServer(config, builder.offload);
    }

    /** A room on a new network seeded with {@code seed}, with perfect conditions until told otherwise. */
    public static Builder builder(long seed) {
        return new Builder(new SimulatedNetwork(seed));
    }

    /** A room on {@code network}, which may already have conditions set. */
    public static Builder on(SimulatedNetwork network) {
        return new Builder(network);
    }

    /**
     * Starts a new server engine at {@link #SERVER} with {@code config}, in place of the one the
     * room has (which gets nothing more), reporting to the same server sink: for a test whose server
     * is configured in a way the builder does not offer. Draws one random source from the network.
     *
     * @return the new server
     */
    public ServerEngine replaceServer(ServerConfig config, Offload offload) {
        this.config = config;
        this.server = new ServerEngine(config, serverSink, network.newRandom(), network::wallClockMillis, offload,
                backend);
        if (backend != null) {
            try {
                backend.start(server.roomStateMachine());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        network.attach(SERVER, server);
        return server;
    }

    /**
     * Adds a client with {@code password} (the room's, or a wrong one) at the next free address
     * on 127.0.0.2; it starts joining now.
     */
    public ClientEngine add(String username, String password) {
        return add(clientConfig(username, password), nextAddress());
    }

    /** Adds a client with its own configuration at {@code address}; it starts joining now. */
    public ClientEngine add(ClientConfig clientConfig, InetSocketAddress address) {
        ClientEngine client = attachClient(clientConfig, address);
        network.act(() -> client.start(network.now()));
        return client;
    }

    /**
     * Adds a client that resumes {@code ticket}'s session, at {@code address}; it starts now and
     * takes the name's place in this room's table of clients (the old engine stays on the network).
     */
    /** As {@link #resume(String, ResumeTicket, InetSocketAddress)}, with a client config of the caller's (another server). */
    public ClientEngine resume(ClientConfig clientConfig, ResumeTicket ticket, InetSocketAddress address) {
        ClientEngine client = attachClient(clientConfig, address);
        network.act(() -> client.start(network.now(), ticket));
        return client;
    }

    public ClientEngine resume(String username, ResumeTicket ticket, InetSocketAddress address) {
        ClientEngine client = attachClient(clientConfig(username, password), address);
        network.act(() -> client.start(network.now(), ticket));
        return client;
    }

    /** The configuration a client of this room gets: the room's group and timeouts. */
    public ClientConfig clientConfig(String username, String password) {
        return new ClientConfig(SERVER, username, password, group, connectTimeoutNanos, idleTimeoutNanos);
    }

    /**
     * Adds a client with the room's password and runs until it has joined or failed, at most
     * {@link #JOIN_LIMIT_NANOS}.
     *
     * @return {@code true} if it joined
     */
    public boolean join(String username) {
        add(username, password);
        RecordingClientSink sink = sink(username);
        return network.runUntil(() -> sink.joined() || sink.connectFailure != null, JOIN_LIMIT_NANOS)
                && sink.joined();
    }

    /**
     * Adds {@code count} members named {@code m0}, {@code m1}, ... ({@code m} and the client's number
     * in the room), {@code batch} of them starting at the same moment, and runs each batch until all
     * of it has joined.
     *
     * @throws IllegalStateException naming the seed, if a batch is not in the room within
     *                               {@link #BATCH_JOIN_LIMIT_NANOS} or a client fails or is dropped
     */
    public void joinMembers(int count, int batch) {
        for (int done = 0; done < count; done += batch) {
            int size = Math.min(batch, count - done);
            int target = joins + size;
            int failuresBefore = failures;
            firstFailure = null;
            List<ClientEngine> starting = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                starting.add(attachClient(clientConfig("m" + members.size(), password), hostAddress()));
            }
            network.act(() -> starting.forEach(client -> client.start(network.now())));
            boolean joined = network.runUntil(() -> joins >= target || failures > failuresBefore,
                    BATCH_JOIN_LIMIT_NANOS);
            if (!joined || failures > failuresBefore) {
                throw new IllegalStateException((joins - target + size) + " of " + size + " members joined ("
                        + (failures > failuresBefore ? firstFailure : "the rest did not within "
                        + TimeUnit.NANOSECONDS.toSeconds(BATCH_JOIN_LIMIT_NANOS) + " s") + "); " + network);
            }
        }
    }

    /** Runs {@code action} now (e.g. clients sending), then lets the engines send what it caused. */
    public void act(Runnable action) {
        network.act(action);
    }

    /** {@code username} sends {@code text} now; returns the message id. */
    public long send(String username, String text) {
        long[] id = new long[1];
        network.act(() -> id[0] = client(username).send(text));
        return id[0];
    }

    /** See {@link SimulatedNetwork#runUntil}. */
    public boolean runUntil(BooleanSupplier done, long limitNanos) {
        return network.runUntil(done, limitNanos);
    }

    /** Runs for {@code durationNanos} of virtual time. */
    public void runFor(long durationNanos) {
        network.runFor(durationNanos);
    }

    /** The virtual time. */
    public long now() {
        return network.now();
    }

    /**
     * Takes every client off the network and forgets it and what it recorded, so that what stays
     * reachable from the room is the server's: for measuring what the server keeps per member.
     */
    public void detachClients() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (Member member : members.values()) {
            addresses.add(member.address());
        }
        network.detach(addresses);
        members = new LinkedHashMap<>(); // a cleared map would keep the table it grew to
    }

    /** The network the room is on. */
    public SimulatedNetwork network() {
        return network;
    }

    /** The server engine. */
    public ServerEngine server() {
        return server;
    }

    /** The server's configuration. */
    public ServerConfig serverConfig() {
        return config;
    }

    /** What the server reported. */
    public RecordingServerSink serverSink() {
        if (!(serverSink instanceof RecordingServerSink recording)) {
            throw new IllegalStateException("this room keeps no events");
        }
        return recording;
    }

    /** How many members the server has. */
    public int memberCount() {
        return server.memberNames().size();
    }

    /** How many of the room's clients have joined so far (including any that left since). */
    public int joinedClients() {
        return joins;
    }

    /** The client named {@code username}. */
    public ClientEngine client(String username) {
        return member(username).engine();
    }

    /** What the client named {@code username} reported. */
    public RecordingClientSink sink(String username) {
        RecordingClientSink recorder = member(username).recorder();
        if (recorder == null) {
            throw new IllegalStateException("this room keeps no events");
        }
        return recorder;
    }

    /** Where the client named {@code username} was added (it may have moved since: {@link SimulatedNetwork#rebind}). */
    public InetSocketAddress address(String username) {
        return member(username).address();
    }

    /** What every client reported, in the order they were added. */
    public Collection<RecordingClientSink> sinks() {
        if (!keepEvents) {
            throw new IllegalStateException("this room keeps no events");
        }
        List<RecordingClientSink> sinks = new ArrayList<>();
        for (Member member : members.values()) {
            sinks.add(member.recorder());
        }
        return sinks;
    }

    @Override
    public String toString() {
        return "SimulatedRoom[" + members.size() + " clients, " + network + "]";
    }

    private Member member(String username) {
        Member member = members.get(username);
        if (member == null) {
            throw new IllegalArgumentException("no client " + username + " in " + this);
        }
        return member;
    }

    private ClientEngine attachClient(ClientConfig clientConfig, InetSocketAddress address) {
        RecordingClientSink recorder = keepEvents ? new RecordingClientSink() : null;
        ClientEngine client = new ClientEngine(clientConfig, new MemberSink(recorder), network.newRandom());
        members.put(clientConfig.username(), new Member(client, recorder, address));
        network.attach(address, client);
        return client;
    }

    /**
     * A host of its own for each of many members (127.1.0.1, 127.1.0.2, …, port 10000), as a
     * crowd joining from many machines: the server allows only a few handshakes in progress per
     * address.
     */
    private InetSocketAddress hostAddress() {
        int n = nextHost++;
        return new InetSocketAddress("127." + (1 + n / 65_000) + "." + (n % 65_000 / 250) + "." + (1 + n % 250),
                10_000);
    }

    /** 127.0.0.2 from port 10000 on; after 50,000 clients 127.0.1.2, and so on. */
    private InetSocketAddress nextAddress() {
        int n = nextDefaultAddress++;
        return new InetSocketAddress("127.0." + (n / PORTS_PER_HOST) + ".2", 10_000 + n % PORTS_PER_HOST);
    }

    /** Counts joins and failures for the room, and passes everything on to the client's recorder, if any. */
    private final class MemberSink implements ClientEventSink {
        private final RecordingClientSink recorder;

        MemberSink(RecordingClientSink recorder) {
            this.recorder = recorder;
        }

        @Override
        public void joined(String roomName, List<String> members, int maxMessageBytes, long joinSequence) {
            joins++;
            if (recorder != null) {
                recorder.joined(roomName, members, maxMessageBytes, joinSequence);
            }
        }

        @Override
        public void connectFailed(ConnectFailure failure, String detail) {
            failed("a connect failed: " + failure + " " + detail);
            if (recorder != null) {
                recorder.connectFailed(failure, detail);
            }
        }

        @Override
        public void message(long sequence, String sender, String text, long timestampMillis) {
            if (recorder != null) {
                recorder.message(sequence, sender, text, timestampMillis);
            }
        }

        @Override
        public void history(List<EventFrame> messages) {
            if (recorder != null) {
                recorder.history(messages);
            }
        }

        @Override
        public void privateMessage(String sender, String text, long timestampMillis) {
            if (recorder != null) {
                recorder.privateMessage(sender, text, timestampMillis);
            }
        }

        @Override
        public void privateSent(long messageId, String recipient, String text, long timestampMillis) {
            if (recorder != null) {
                recorder.privateSent(messageId, recipient, text, timestampMillis);
            }
        }

        @Override
        public void announcement(long sequence, String text, long timestampMillis) {
            if (recorder != null) {
                recorder.announcement(sequence, text, timestampMillis);
            }
        }

        @Override
        public void memberJoined(long sequence, String username) {
            if (recorder != null) {
                recorder.memberJoined(sequence, username);
            }
        }

        @Override
        public void memberLeft(long sequence, String username, CloseReason reason) {
            if (recorder != null) {
                recorder.memberLeft(sequence, username, reason);
            }
        }

        @Override
        public void sendAccepted(long messageId, long sequence, String text, long timestampMillis) {
            if (recorder != null) {
                recorder.sendAccepted(messageId, sequence, text, timestampMillis);
            }
        }

        @Override
        public void sendRefused(long messageId, ErrorCode code, String detail) {
            if (recorder != null) {
                recorder.sendRefused(messageId, code, detail);
            }
        }

        @Override
        public void sendLost(long messageId, String detail) {
            if (recorder != null) {
                recorder.sendLost(messageId, detail);
            }
        }

        @Override
        public boolean hasRoom() {
            return recorder == null || recorder.hasRoom();
        }

        @Override
        public void reconnecting(CloseReason cause) {
            if (recorder != null) {
                recorder.reconnecting(cause);
            }
        }

        @Override
        public void reconnected(boolean nothingMissed) {
            if (recorder != null) {
                recorder.reconnected(nothingMissed);
            }
        }

        @Override
        public void disconnected(CloseReason reason) {
            failed("a member was disconnected: " + reason);
            if (recorder != null) {
                recorder.disconnected(reason);
            }
        }

        private void failed(String what) {
            failures++;
            if (firstFailure == null) {
                firstFailure = what;
            }
        }
    }

    /** A server sink that keeps nothing. */
    private static final class SilentServerSink implements ServerEventSink {
        @Override
        public void memberJoined(long sequence, String username, InetSocketAddress address) {
        }

        @Override
        public void message(long sequence, String sender, String text, long timestampMillis) {
        }

        @Override
        public void privateMessage(String sender, String recipient, String text, long timestampMillis) {
        }

        @Override
        public void memberLeft(long sequence, String username, InetSocketAddress address, CloseReason reason) {
        }
    }
}
