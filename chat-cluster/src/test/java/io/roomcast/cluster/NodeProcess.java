package io.roomcast.cluster;

import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.BufferedReader;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One cluster node in its own JVM, for {@link MultiProcessTest}. Arguments: its id, then
 * {@code id=host:port} or {@code id} for each peer. It prints {@code BOUND host:port},
 * {@code STARTED available}, then {@code APPLIED command} for each applied command; it reads
 * {@code say text} lines (printing {@code TAKEN text} or {@code REFUSED text}) until stdin closes.
 */
public final class NodeProcess {
    private NodeProcess() {
    }

    public static void main(String[] args) throws Exception {
        String id = args[0];
        RaftRoomBackend.Builder builder = RaftRoomBackend.builder()
                .nodeId(id)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .clusterSecret(TestCluster.SECRET)
                .failureDetection(TestCluster.FAILURE_DETECTION)
                .startTimeout(Duration.ofSeconds(20));
        for (int i = 1; i < args.length; i++) {
            String[] peer = args[i].split("=", 2);
            if (peer.length == 1) {
                builder.peer(peer[0]);
            } else {
                int colon = peer[1].lastIndexOf(':');
                builder.peer(peer[0], new InetSocketAddress(peer[1].substring(0, colon),
                        Integer.parseInt(peer[1].substring(colon + 1))));
            }
        }
        try (RaftRoomBackend backend = builder.build()) {
            Thread starter = new Thread(() -> {
                try {
                    backend.start(new PrintingRoom());
                    print("STARTED " + backend.available());
                } catch (IOException e) {
                    print("FAILED " + e);
                }
            });
            starter.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (backend.boundAddress() == null && starter.isAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            InetSocketAddress bound = backend.boundAddress();
            print("BOUND " + (bound == null ? "none" : bound.getAddress().getHostAddress() + ":" + bound.getPort()));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("say ")) {
                    String text = line.substring(4);
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    boolean taken;
                    while (!(taken = backend.submit(TestCommand.say(id, text))) && System.nanoTime() < until) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    }
                    print((taken ? "TAKEN " : "REFUSED ") + text);
                }
            }
        }
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Prints what is applied; its members are the nodes that said something and were not lost. */
    private static final class PrintingRoom implements RoomStateMachine {
        private final List<String> applied = new ArrayList<>();
        private final Set<String> nodes = new LinkedHashSet<>();

        @Override
        public synchronized void apply(RoomCommand command) {
            TestCommand c = (TestCommand) command;
            applied.add(c.encoded());
            if (c.isLost()) {
                nodes.remove(c.node());
            } else {
                nodes.add(c.node());
            }
            print("APPLIED " + c.encoded());
        }

        @Override
        public RoomCommand decode(byte[] bytes) {
            return TestCommand.decode(bytes);
        }

        @Override
        public RoomCommand nodeLost(String nodeId) {
            return TestCommand.lost(nodeId);
        }

        @Override
        public synchronized Set<String> nodesWithMembers() {
            return new LinkedHashSet<>(nodes);
        }

        @Override
        public void availabilityChanged(boolean available) {
            print("AVAILABLE " + available);
        }

        @Override
        public void failed(RoomCommand command) {
            print("FAILED " + command);
        }

        @Override
        public synchronized void writeSnapshot(DataOutput out) throws IOException {
            out.writeInt(applied.size());
            for (String s : applied) {
                out.writeUTF(s);
            }
            out.writeInt(nodes.size());
            for (String s : nodes) {
                out.writeUTF(s);
            }
        }

        @Override
        public synchronized void readSnapshot(DataInput in) throws IOException {
            applied.clear();
            nodes.clear();
            for (int i = in.readInt(); i > 0; i--) {
                applied.add(in.readUTF());
                print("APPLIED " + applied.get(applied.size() - 1));
            }
            for (int i = in.readInt(); i > 0; i--) {
                nodes.add(in.readUTF());
            }
        }
    }
}
