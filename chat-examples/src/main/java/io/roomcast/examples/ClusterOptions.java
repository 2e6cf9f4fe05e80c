package io.roomcast.examples;

import io.roomcast.cluster.RaftRoomBackend;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import picocli.CommandLine.Option;

/**
 * {@code roomcast server}'s cluster options: with {@code --node} the server is one node of a room
 * served by several servers ({@link RaftRoomBackend} from chat-cluster), else it serves its room
 * alone. The cluster secret comes from {@code --cluster-secret-file FILE}, else from
 * {@value #SECRET_VARIABLE}, read by the rule of {@link Passwords} (one line ending at the very
 * end dropped, nothing else trimmed); never from the command line, where other users of the
 * machine could read it in the process list.
 *
 * <p>A {@code --peer ID} without an address is found by discovery: when it (or a node that knows
 * it) contacts this node. So at least one of any two nodes must know the other's address; the
 * usual way is that every node lists the addresses of the nodes started before it.
 *
 * <p>Not thread-safe: picocli fills it, then {@link #node} reads it once.
 */
final class ClusterOptions {
    /** The environment variable that holds the cluster secret. */
    static final String SECRET_VARIABLE = "ROOMCAST_CLUSTER_SECRET";
    /** How long the server waits at start for a majority before it runs, reporting the room unavailable. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(2);
    /** The longest failure detection accepted. */
    static final Duration LONGEST_FAILURE_DETECTION = Duration.ofMinutes(10);
    /** Fewest bytes in a cluster secret (what {@link RaftRoomBackend.Builder#clusterSecret(byte[])} requires). */
    static final int MIN_SECRET_BYTES = 16;
    /** Longest node id, in characters, as the room's commands carry it. */
    static final int MAX_NODE_ID = 64;
    /** The --help text about the cluster. */
    static final String HELP = "With --node the server is one node of a room served by several servers"
            + " (see \"Running a room on three machines\" in README.md): every node needs the same --room,"
            + " room password and cluster secret. The cluster secret (at least " + MIN_SECRET_BYTES
            + " bytes) comes from --cluster-secret-file, else $" + SECRET_VARIABLE
            + ", never from the command line; the same rule as for passwords applies. Keep cluster traffic"
            + " on a trusted network: it is encrypted but not protected against tampering.";

    @Option(names = "--node", paramLabel = "ID", description = "Run as node ID of a cluster serving one room"
            + " (1-" + MAX_NODE_ID + " characters, stable across restarts).")
    String node;

    @Option(names = "--cluster", paramLabel = "HOST:PORT", description = "Address of this node's cluster"
            + " traffic (TCP; not the chat port; port 0: any free port).")
    String cluster;

    @Option(names = "--peer", paramLabel = "ID[=HOST:PORT]", description = "Another node of the cluster, with"
            + " its cluster address; without one it is found when it contacts this node. Once per other node.")
    List<String> peers = new ArrayList<>();

    @Option(names = "--cluster-secret-file", paramLabel = "FILE", description = "File holding the cluster"
            + " secret (else $" + SECRET_VARIABLE + ").")
    Path secretFile;

    @Option(names = "--cluster-data", paramLabel = "DIR", description = "Keep this node's Raft log in DIR, so"
            + " that it survives a restart (default: in memory; a restarted node catches up from the others).")
    Path dataDirectory;

    @Option(names = "--failure-detection", paramLabel = "DURATION", description = "How long a silent node takes"
            + " to be declared dead and its members left (default: 5s).")
    String failureDetection;

    /** Refused, with the reason: a secret on the command line is visible to every user of the machine. */
    @Option(names = "--cluster-secret", hidden = true, paramLabel = "SECRET")
    String secretOnCommandLine;

    /**
     * One node's cluster settings, checked.
     *
     * @param id               this node's id
     * @param bind             its cluster address
     * @param peers            the other nodes, by id, with their address or {@code null} (found by discovery)
     * @param secret           the cluster secret's UTF-8 bytes
     * @param dataDirectory    where the Raft log is kept, or {@code null} for memory
     * @param failureDetection how long a silent node takes to be declared dead
     */
    record Node(String id, InetSocketAddress bind, Map<String, InetSocketAddress> peers, byte[] secret,
                Path dataDirectory, Duration failureDetection) {

        /** A new backend for this node (it binds nothing until the server starts it). */
        RaftRoomBackend backend() {
            RaftRoomBackend.Builder builder = RaftRoomBackend.builder().nodeId(id).bind(bind).clusterSecret(secret)
                    .failureDetection(failureDetection).startTimeout(START_TIMEOUT);
            peers.forEach((peer, address) -> {
                if (address == null) {
                    builder.peer(peer);
                } else {
                    builder.peer(peer, address);
                }
            });
            if (dataDirectory != null) {
                builder.dataDirectory(dataDirectory);
            }
            return builder.build();
        }

        /** The peers as the console shows them: {@code b at 127.0.0.1:7802, c (found by discovery)}. */
        String peerList() {
            StringJoiner list = new StringJoiner(", ");
            peers.forEach((peer, address) -> list.add(TerminalText.escape(peer)
                    + (address == null ? " (found by discovery)" : " at " + text(address))));
            return list.toString();
        }

        /** How many nodes make a majority of this cluster. */
        int majority() {
            return (peers.size() + 1) / 2 + 1;
        }

        /** Whether the cluster address is this machine only (no other machine can reach it). */
        boolean loopback() {
            return bind.getAddress().isLoopbackAddress();
        }
    }

    /**
     * The node these options describe.
     *
     * @return the node, or {@code null} if no cluster option was given (the server serves alone)
     * @throws IllegalArgumentException with a message for the person at the console, if the options are
     *                                  incomplete or wrong or the secret is missing or unreadable
     */
    Node node(ProcessIo io) {
        if (secretOnCommandLine != null) {
            throw new IllegalArgumentException("--cluster-secret: the cluster secret is never given on the command"
                    + " line (other users can read it in the process list); set " + SECRET_VARIABLE
                    + " or give --cluster-secret-file FILE");
        }
        if (node == null) {
            String given = cluster != null ? "--cluster" : !peers.isEmpty() ? "--peer" : secretFile != null
                    ? "--cluster-secret-file" : dataDirectory != null ? "--cluster-data"
                    : failureDetection != null ? "--failure-detection" : null;
            if (given != null) {
                throw new IllegalArgumentException(given + " needs --node ID: the id of this server's node in the cluster");
            }
            return null;
        }
        String id = nodeId(node, "--node");
        if (cluster == null) {
            throw new IllegalArgumentException("--node needs --cluster HOST:PORT: the address of this node's cluster"
                    + " traffic, such as 127.0.0.1:7801");
        }
        InetSocketAddress bind = address(cluster, "--cluster", 0);
        if (bind.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("--cluster " + TerminalText.escape(cluster) + ": give an address of"
                    + " this machine that the other nodes can reach, not a wildcard address");
        }
        Map<String, InetSocketAddress> peerMap = new LinkedHashMap<>();
        for (String peer : peers) {
            int equals = peer.indexOf('=');
            String peerId = nodeId(equals < 0 ? peer : peer.substring(0, equals), "--peer " + TerminalText.escape(peer));
            InetSocketAddress address = equals < 0 ? null
                    : address(peer.substring(equals + 1), "--peer " + TerminalText.escape(peer), 1);
            if (peerId.equals(id)) {
                throw new IllegalArgumentException("--peer " + TerminalText.escape(peer) + ": " + TerminalText.escape(id)
                        + " is this node (--node); list the other nodes");
            }
            if (peerMap.containsKey(peerId)) {
                throw new IllegalArgumentException("--peer: node " + TerminalText.escape(peerId) + " is listed twice");
            }
            if (address != null && (address.equals(bind) || peerMap.containsValue(address))) {
                throw new IllegalArgumentException("--peer " + TerminalText.escape(peer) + ": " + text(address)
                        + " is already " + (address.equals(bind) ? "this node's --cluster address" : "another peer's address"));
            }
            peerMap.put(peerId, address);
        }
        if (peerMap.isEmpty()) {
            throw new IllegalArgumentException("--node " + TerminalText.escape(id) + " has no --peer: give one --peer"
                    + " ID[=HOST:PORT] for each other node of the cluster (three nodes survive the loss of one)");
        }
        Duration detection = RaftRoomBackend.FAILURE_DETECTION_DEFAULT;
        if (failureDetection != null) {
            try {
                detection = DurationText.parse(failureDetection);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--failure-detection: " + TerminalText.escape(e.getMessage()));
            }
            if (detection.compareTo(LONGEST_FAILURE_DETECTION) > 0) {
                throw new IllegalArgumentException("--failure-detection " + TerminalText.escape(failureDetection)
                        + " is too long: at most " + DurationText.format(LONGEST_FAILURE_DETECTION));
            }
        }
        return new Node(id, bind, Collections.unmodifiableMap(peerMap), secret(io), dataDirectory, detection);
    }

    private byte[] secret(ProcessIo io) {
        String secret;
        String source;
        try {
            if (secretFile != null) {
                source = "the cluster secret file " + secretFile;
                secret = Passwords.fromText(Passwords.read(secretFile, "cluster secret"), source, "cluster secret");
            } else {
                String value = io.environment().get(SECRET_VARIABLE);
                if (value == null) {
                    throw new IllegalArgumentException("no cluster secret: set " + SECRET_VARIABLE + " or give"
                            + " --cluster-secret-file FILE (the same secret on every node, at least " + MIN_SECRET_BYTES
                            + " bytes)");
                }
                source = SECRET_VARIABLE;
                secret = Passwords.fromText(value, source, "cluster secret");
            }
        } catch (PasswordException e) {
            throw new IllegalArgumentException(TerminalText.escape(e.getMessage()));
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new IllegalArgumentException("the cluster secret from " + TerminalText.escape(source) + " is too short:"
                    + " at least " + MIN_SECRET_BYTES + " bytes (a long random string, the same on every node)");
        }
        return bytes;
    }

    private static String nodeId(String id, String option) {
        if (id.isEmpty() || id.length() > MAX_NODE_ID || id.indexOf(',') >= 0 || id.indexOf('=') >= 0
                || id.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
            throw new IllegalArgumentException(TerminalText.escape(option) + ": a node id is 1 to " + MAX_NODE_ID
                    + " characters, without spaces, control characters, ',' or '='");
        }
        return id;
    }

    /** {@code HOST:PORT} with a port from {@code lowestPort} to 65535, resolved; an IPv6 literal in brackets. */
    private static InetSocketAddress address(String text, String option, int lowestPort) {
        String shown = TerminalText.escape(text);
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || text.endsWith("]")) {
            throw new IllegalArgumentException(option + ": '" + shown + "' is not HOST:PORT, such as 127.0.0.1:7801");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < lowestPort || port > 0xFFFF) {
            throw new IllegalArgumentException(option + ": '" + shown + "': the port must be a number from "
                    + lowestPort + " to 65535");
        }
        InetSocketAddress resolved = new InetSocketAddress(host, port);
        if (resolved.isUnresolved()) {
            throw new IllegalArgumentException(option + ": '" + shown + "': the host cannot be resolved");
        }
        return resolved;
    }

    /**
     * What the console says, on standard error, about a cluster address that is not loopback.
     *
     * @return the warning, or {@code null} if cluster traffic stays on this machine
     */
    static String warning(Node node) {
        if (node.loopback()) {
            return null;
        }
        return "WARNING: cluster traffic on " + text(node.bind()) + " leaves this machine: keep it on a trusted"
                + " network (a private network or VPN). It is encrypted with the cluster secret but not protected"
                + " against tampering (JGroups SYM_ENCRYPT, AES-CBC without a MAC); see docs/cluster-backend.md,"
                + " \"Security notes\".";
    }

    /** {@code 127.0.0.1:7801}, {@code [::1]:7801}. */
    static String text(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
