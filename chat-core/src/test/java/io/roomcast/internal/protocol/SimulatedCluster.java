package io.roomcast.internal.protocol;

import io.roomcast.spi.RoomBackend;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster's ordering in the simulator: each node's backend sends what its server submits to one
 * shared log after {@code latencyNanos} of virtual time, and every node that is up applies each
 * entry, through its bytes, in log order. A node can be lost (it applies nothing more, and the
 * others apply its loss). Deterministic: the network's clock and task order decide everything.
 */
final class SimulatedCluster {
    private final SimulatedNetwork network;
    private final long latencyNanos;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    /** Every committed command, in order, as bytes. */
    final List<byte[]> log = new ArrayList<>();

    SimulatedCluster(SimulatedNetwork network, long latencyNanos) {
        this.network = network;
        this.latencyNanos = latencyNanos;
    }

    /** A node's backend; its server is given later ({@link Node#serve}). */
    Node node(String id) {
        Node node = new Node(id);
        nodes.put(id, node);
        return node;
    }

    /** {@code id} is lost: it applies nothing more, and the first node still up orders its loss. */
    void lose(String id) {
        nodes.get(id).up = false;
        Node survivor = nodes.values().stream().filter(node -> node.up).findFirst().orElseThrow();
        survivor.submit(survivor.room.nodeLost(id));
    }

    private void commit(byte[] command) {
        log.add(command);
        for (Node node : nodes.values()) {
            if (node.up && node.server != null) {
                node.server.onBackend(network.now(), room -> room.apply(room.decode(command)));
            }
        }
    }

    /** One node's backend. */
    final class Node implements RoomBackend {
        private final String id;
        private RoomStateMachine room;
        private ServerEngine server;
        boolean up = true;

        private Node(String id) {
            this.id = id;
        }

        /** The server whose room this node's entries go to. */
        void serve(ServerEngine server) {
            this.server = server;
        }

        @Override
        public String nodeId() {
            return id;
        }

        @Override
        public void start(RoomStateMachine room) {
            this.room = room;
        }

        @Override
        public boolean submit(RoomCommand command) {
            if (!up) {
                return false;
            }
            byte[] bytes = command.toBytes();
            network.later(latencyNanos, () -> {
                if (up) {
                    commit(bytes);
                }
            });
            return true;
        }

        @Override
        public boolean available() {
            return up;
        }

        @Override
        public void close() {
            up = false;
        }
    }
}
