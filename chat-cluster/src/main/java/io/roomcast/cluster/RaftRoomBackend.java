package io.roomcast.cluster;

import io.roomcast.cluster.internal.ClusterNode;
import io.roomcast.cluster.internal.NodeSettings;
import io.roomcast.spi.RoomBackend;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link RoomBackend} that orders a room's commands through Raft (jgroups-raft on JGroups), so
 * that several {@code ChatServer}s, one per node, serve one room: each command is committed by
 * a majority of the nodes and applied by every node in one order. A node cut off from the
 * majority takes no commands ({@link #submit} returns {@code false}) until it rejoins.
 *
 * <pre>{@code
 * RoomBackend backend = RaftRoomBackend.builder()
 *     .nodeId("a")
 *     .bind(new InetSocketAddress("127.0.0.1", 7800))
 *     .peer("b", new InetSocketAddress("127.0.0.1", 7801))
 *     .peer("c", new InetSocketAddress("127.0.0.1", 7802))
 *     .clusterSecret(secret)
 *     .build();
 * }</pre>
 *
 * <p>Peers: the Raft members are this node and every {@link Builder#peer peer}. A peer's
 * address seeds discovery; a peer given without one (its port is not known in advance) is found
 * when it contacts this node, so a cluster can start on ephemeral ports: start the first node,
 * give the second the first's {@link #boundAddress()}, the third both, and so on.
 *
 * <p>Threading: as {@link RoomBackend} says; every method is thread-safe. A backend is started
 * once and serves one server. {@code null} arguments throw {@link NullPointerException}.
 */
public final class RaftRoomBackend implements RoomBackend {
    /** How long a silent node takes to be declared dead, by default: 5 seconds. */
    public static final Duration FAILURE_DETECTION_DEFAULT = Duration.ofSeconds(5);
    /** How long {@link #start} waits to catch up with a majority, by default: 30 seconds. */
    public static final Duration START_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    /** The log size, in bytes, past which a node snapshots the room and truncates, by default: 1 MB. */
    public static final long MAX_LOG_SIZE_DEFAULT = 1_000_000;
    /** The JGroups cluster name, by default. */
    public static final String CLUSTER_NAME_DEFAULT = "roomcast";

    private final NodeSettings settings;
    private final Object lock = new Object();
    private volatile ClusterNode node;
    private boolean started;
    private volatile boolean closed;

    private RaftRoomBackend(NodeSettings settings) {
        this.settings = settings;
    }

    /**
     * A builder; {@link Builder#nodeId}, and either {@link Builder#bind} with
     * {@link Builder#clusterSecret} or {@link Builder#jgroupsConfiguration}, are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String nodeId() {
        return settings.nodeId();
    }

    /**
     * Connects to the cluster and returns once this node has caught up with the room's log (a
     * fence it submits is applied), or after the start timeout with
     * {@link RoomStateMachine#availabilityChanged} told {@code false} if no majority answered;
     * it then keeps trying and reports {@code true} once it has caught up. The room is told the
     * availability once when this returns, then on every change.
     *
     * @param room the room to apply committed commands to
     * @throws IOException if the channel cannot be built or connected (the address is taken, the
     *                     configuration is invalid, the coordinator refused the join). A node with
     *                     the wrong secret usually gets no answer it can decrypt: it starts alone
     *                     and stays unavailable
     * @throws IllegalStateException if started before, or closed
     */
    @Override
    public void start(RoomStateMachine room) throws IOException {
        Objects.requireNonNull(room, "room");
        ClusterNode n;
        synchronized (lock) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "backend closed" : "backend already started");
            }
            started = true;
            n = new ClusterNode(settings, room);
            node = n;
        }
        n.start();
    }

    /**
     * Takes a command for ordering, never blocking: it goes to the leader (forwarded by
     * jgroups-raft's REDIRECT from a follower). Committed, it is applied on every node; if it
     * cannot be (the leader lost its majority), this node's room is told it
     * {@link RoomStateMachine#failed failed}, never both. A command with no outcome after the
     * failure-detection time is settled by a fence entry, once a majority is reachable again.
     *
     * @param command the command
     * @return {@code false} at once if this node knows no leader with a majority, has not caught
     *         up, or already has 4095 commands without an outcome
     */
    @Override
    public boolean submit(RoomCommand command) {
        Objects.requireNonNull(command, "command");
        ClusterNode n = node;
        return n != null && !closed && n.submit(command);
    }

    /**
     * Whether this node knows a leader whose view holds a majority of the Raft members, and has
     * caught up since it started.
     *
     * @return whether {@link #submit} would take a command
     */
    @Override
    public boolean available() {
        ClusterNode n = node;
        return n != null && !closed && n.available();
    }

    /**
     * The address the cluster transport bound (useful with port 0).
     *
     * @return the address, or null until {@link #start} has bound it (it is set before
     *         {@code start} waits to catch up)
     */
    public InetSocketAddress boundAddress() {
        ClusterNode n = node;
        return n == null ? null : n.boundAddress();
    }

    /** Leaves the cluster and stops; no calls into the room after this returns. Idempotent. */
    @Override
    public void close() {
        ClusterNode n;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            n = node;
        }
        if (n != null) {
            n.close();
        }
    }

    /** For tests: the node's runtime (its channel, whether it leads), or null before start. */
    ClusterNode node() {
        return node;
    }

    /**
     * Builds a {@link RaftRoomBackend}. Not thread-safe; each setter returns this builder.
     */
    public static final class Builder {
        private String nodeId;
        private InetSocketAddress bind;
        private final Map<String, InetSocketAddress> peers = new LinkedHashMap<>();
        private byte[] secret;
        private Path dataDirectory;
        private Duration failureDetection = FAILURE_DETECTION_DEFAULT;
        private Duration startTimeout = START_TIMEOUT_DEFAULT;
        private long maxLogSize = MAX_LOG_SIZE_DEFAULT;
        private String clusterName = CLUSTER_NAME_DEFAULT;
        private String jgroupsXml;

        private Builder() {
        }

        /**
         * This node's Raft id: stable across restarts, unique in the cluster. Required.
         *
         * @param id 1 to 255 UTF-8 bytes, no comma
         * @return this builder
         * @throws IllegalArgumentException if {@code id} is empty, too long or has a comma
         */
        public Builder nodeId(String id) {
            this.nodeId = NodeSettings.checkNodeId(id);
            return this;
        }

        /**
         * The address for cluster traffic (TCP): never the chat port. Port 0 picks a free port
         * ({@link #boundAddress()} tells which). Required unless {@link #jgroupsConfiguration}.
         *
         * @param address a local address
         * @return this builder
         */
        public Builder bind(InetSocketAddress address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Another Raft member, with the address of its cluster transport.
         *
         * @param id      its node id
         * @param address its cluster address, to seed discovery
         * @return this builder
         * @throws IllegalArgumentException if {@code id} is not a valid node id
         */
        public Builder peer(String id, InetSocketAddress address) {
            peers.put(NodeSettings.checkNodeId(id), Objects.requireNonNull(address, "address"));
            return this;
        }

        /**
         * Another Raft member whose address is not known here: it is found when it (or a node
         * that knows it) contacts this node.
         *
         * @param id its node id
         * @return this builder
         * @throws IllegalArgumentException if {@code id} is not a valid node id
         */
        public Builder peer(String id) {
            peers.putIfAbsent(NodeSettings.checkNodeId(id), null);
            return this;
        }

        /**
         * The secret every node of the cluster shares: the nodes derive from it (PBKDF2, then
         * HMAC) a key that encrypts their traffic and a key that authenticates joins. Required
         * unless {@link #jgroupsConfiguration}. The array is copied.
         *
         * @param secret at least 16 bytes
         * @return this builder
         * @throws IllegalArgumentException if shorter than 16 bytes
         */
        public Builder clusterSecret(byte[] secret) {
            if (secret.length < 16) {
                throw new IllegalArgumentException("cluster secret must be at least 16 bytes");
            }
            this.secret = secret.clone();
            return this;
        }

        /**
         * The cluster secret as characters (a pass phrase), encoded in UTF-8; see
         * {@link #clusterSecret(byte[])}.
         *
         * @param secret at least 16 UTF-8 bytes
         * @return this builder
         * @throws IllegalArgumentException if shorter than 16 bytes
         */
        public Builder clusterSecret(char[] secret) {
            ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            Arrays.fill(encoded.array(), (byte) 0);
            try {
                return clusterSecret(bytes);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }

        /**
         * Keeps the Raft log and snapshots in files under {@code directory} (created if
         * missing), so that a restarted node resumes from them. Default: none, the log is in
         * memory and a restarted node catches up from the others.
         *
         * @param directory a directory
         * @return this builder
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * How long a node that stops answering takes to be declared dead (JGroups' FD_ALL3
         * timeout; heartbeats go every fifth of it). Default {@link #FAILURE_DETECTION_DEFAULT}.
         * It also bounds how long a command may go without an outcome before a fence settles it.
         *
         * @param timeout at least 100 ms
         * @return this builder
         * @throws IllegalArgumentException if shorter than 100 ms
         */
        public Builder failureDetection(Duration timeout) {
            if (timeout.toMillis() < 100) {
                throw new IllegalArgumentException("failure detection must be at least 100 ms");
            }
            this.failureDetection = timeout;
            return this;
        }

        /**
         * How long {@link #start} waits to catch up with a majority. Default
         * {@link #START_TIMEOUT_DEFAULT}.
         *
         * @param timeout not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("start timeout must not be negative");
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * The log size, in bytes, past which a node writes a snapshot of the room and truncates
         * its log; a lagging or new node then catches up from the snapshot. Default
         * {@link #MAX_LOG_SIZE_DEFAULT}.
         *
         * @param bytes at least 1
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder maxLogSize(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max log size must be at least 1 byte");
            }
            this.maxLogSize = bytes;
            return this;
        }

        /**
         * The JGroups cluster name: nodes with different names ignore each other. Default
         * {@link #CLUSTER_NAME_DEFAULT}. It also salts the keys derived from the secret.
         *
         * @param name not empty
         * @return this builder
         * @throws IllegalArgumentException if empty
         */
        public Builder clusterName(String name) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("cluster name must not be empty");
            }
            this.clusterName = name;
            return this;
        }

        /**
         * Uses a full JGroups configuration (XML) instead of the stack built in code. It must end
         * with RAFT and REDIRECT (with ELECTION or ELECTION2 below them); this builder sets
         * RAFT's id, members, log and maximum log size. The configuration's own transport,
         * discovery and security apply: {@link #bind} and {@link #clusterSecret} are not used.
         *
         * @param xml the configuration
         * @return this builder
         */
        public Builder jgroupsConfiguration(String xml) {
            this.jgroupsXml = Objects.requireNonNull(xml, "xml");
            return this;
        }

        /**
         * Reads a full JGroups configuration from a file; see {@link #jgroupsConfiguration(String)}.
         *
         * @param file an XML file
         * @return this builder
         * @throws IOException if the file cannot be read
         */
        public Builder jgroupsConfiguration(Path file) throws IOException {
            return jgroupsConfiguration(Files.readString(file));
        }

        /**
         * Builds the backend (it binds nothing until {@link RaftRoomBackend#start}).
         *
         * @return the backend
         * @throws IllegalStateException if a required setting is missing, or a peer has this
         *                               node's id
         */
        public RaftRoomBackend build() {
            if (nodeId == null) {
                throw new IllegalStateException("nodeId is required");
            }
            if (peers.containsKey(nodeId)) {
                throw new IllegalStateException("peer " + nodeId + " has this node's id");
            }
            if (jgroupsXml == null && bind == null) {
                throw new IllegalStateException("bind is required (or a JGroups configuration)");
            }
            if (jgroupsXml == null && secret == null) {
                throw new IllegalStateException("clusterSecret is required (or a JGroups configuration)");
            }
            return new RaftRoomBackend(new NodeSettings(nodeId, bind, Collections.unmodifiableMap(new LinkedHashMap<>(peers)),
                    secret == null ? null : secret.clone(), dataDirectory, failureDetection, maxLogSize,
                    startTimeout, clusterName, jgroupsXml));
        }
    }
}
