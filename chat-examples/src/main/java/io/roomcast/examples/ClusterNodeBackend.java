package io.roomcast.examples;

import io.roomcast.cluster.RaftRoomBackend;
import io.roomcast.spi.RoomBackend;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A cluster node's backend as the server console runs it: the {@link RaftRoomBackend} itself,
 * with the room's availability (whether this node can reach a majority of the cluster) shown on
 * the console. Until {@link #showAvailability} the latest availability is only kept, so that it
 * comes after the server's own start lines; from then on every change is printed as it happens.
 *
 * <p>Threading: the backend calls the room on its own threads; printing is serialised here.
 */
final class ClusterNodeBackend implements RoomBackend {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final RaftRoomBackend backend;
    private final ClusterOptions.Node node;
    private final Consumer<String> print;
    private boolean showing;
    private boolean available;

    ClusterNodeBackend(ClusterOptions.Node node, Consumer<String> print) {
        this.node = node;
        this.backend = node.backend();
        this.print = print;
    }

    /** The backend itself (its bound address, for the console). */
    RaftRoomBackend raft() {
        return backend;
    }

    /** Prints the room's availability now, and every change from now on. */
    synchronized void showAvailability() {
        showing = true;
        print.accept(line(available));
    }

    private synchronized void availability(boolean now) {
        boolean changed = now != available;
        available = now;
        if (showing && changed) {
            print.accept(line(now));
        }
    }

    private String line(boolean now) {
        String id = TerminalText.escape(node.id());
        int nodes = node.peers().size() + 1;
        return LocalTime.now().format(TIME) + (now
                ? " -- room available: node " + id + " is in touch with a majority of the cluster"
                : " -- room unavailable: node " + id + " cannot reach a majority of the cluster (" + node.majority()
                        + " of " + nodes + " nodes); joins and messages are refused until it can");
    }

    @Override
    public String nodeId() {
        return backend.nodeId();
    }

    @Override
    public void start(RoomStateMachine room) throws IOException {
        backend.start(new Watched(room));
    }

    @Override
    public boolean submit(RoomCommand command) {
        return backend.submit(command);
    }

    @Override
    public boolean available() {
        return backend.available();
    }

    @Override
    public void close() {
        backend.close();
    }

    /** The server's room, with its availability changes seen on the way. */
    private final class Watched implements RoomStateMachine {
        private final RoomStateMachine room;

        Watched(RoomStateMachine room) {
            this.room = room;
        }

        @Override
        public void apply(RoomCommand command) {
            room.apply(command);
        }

        @Override
        public RoomCommand decode(byte[] bytes) {
            return room.decode(bytes);
        }

        @Override
        public RoomCommand nodeLost(String nodeId) {
            return room.nodeLost(nodeId);
        }

        @Override
        public Set<String> nodesWithMembers() {
            return room.nodesWithMembers();
        }

        @Override
        public void availabilityChanged(boolean now) {
            room.availabilityChanged(now);
            availability(now);
        }

        @Override
        public void failed(RoomCommand command) {
            room.failed(command);
        }

        @Override
        public void writeSnapshot(DataOutput out) throws IOException {
            room.writeSnapshot(out);
        }

        @Override
        public void readSnapshot(DataInput in) throws IOException {
            room.readSnapshot(in);
        }
    }
}
