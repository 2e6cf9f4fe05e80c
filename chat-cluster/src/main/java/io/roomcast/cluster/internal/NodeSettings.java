package io.roomcast.cluster.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A node's configuration, as the public builder validated it. Immutable (the secret array is
 * a private copy that nothing writes).
 *
 * @param nodeId           this node's Raft id
 * @param bind             the cluster address, or null with a JGroups configuration
 * @param peers            the other nodes' ids, each with its address or null if discovery finds it
 * @param secret           the cluster secret, or null with a JGroups configuration
 * @param dataDirectory    where the file-based log lives, or null for an in-memory log
 * @param failureDetection how long a silent node takes to be declared dead
 * @param maxLogSize       log bytes before a snapshot
 * @param startTimeout     how long start waits to catch up
 * @param clusterName      the JGroups cluster name
 * @param jgroupsXml       a full JGroups configuration, or null to build the stack in code
 */
public record NodeSettings(String nodeId, InetSocketAddress bind, Map<String, InetSocketAddress> peers,
                           byte[] secret, Path dataDirectory, Duration failureDetection, long maxLogSize,
                           Duration startTimeout, String clusterName, String jgroupsXml) {
    /** The longest node id, in characters: what a room's commands carry. */
    public static final int MAX_NODE_ID_LENGTH = 64;

    /**
     * Checks a node id: 1 to {@value #MAX_NODE_ID_LENGTH} characters (what the room's commands
     * carry), within {@link CommandEnvelope#MAX_ORIGIN_BYTES} UTF-8 bytes, no control character and
     * no comma (RAFT takes its members as a comma-separated list).
     *
     * @param id the id
     * @return the id
     * @throws IllegalArgumentException if it is not valid
     */
    public static String checkNodeId(String id) {
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > CommandEnvelope.MAX_ORIGIN_BYTES || id.length() > MAX_NODE_ID_LENGTH
                || id.indexOf(',') >= 0 || id.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("nodeId must be 1.." + MAX_NODE_ID_LENGTH
                    + " characters without a comma or control character: " + id);
        }
        return id;
    }
}
