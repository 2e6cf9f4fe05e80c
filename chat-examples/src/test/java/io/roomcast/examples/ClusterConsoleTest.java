package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.LeaveReason;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three {@code roomcast server} runs in this JVM, nodes a, b and c of one cluster on 127.0.0.1
 * (chat and cluster ports 0: b and c are given the cluster address a printed), serve one room: a
 * member joined through one node sees a member joined through another, and what it says; a node
 * that stops leaves the cluster without telling its members the room closed.
 *
 * <p>In this JVM the stopped node's chat server stays open while it has members (a real process
 * ends, and its members reconnect to another node): that is how a node stops, see
 * {@code ServerCommand}.
 */
@Timeout(90)
class ClusterConsoleTest {
    private static final String PASSWORD = "cluster console password";
    private static final Map<String, String> ENVIRONMENT = Map.of("ROOMCAST_PASSWORD", PASSWORD,
            ClusterOptions.SECRET_VARIABLE, "the console cluster's shared secret");
    private static final String CLUSTER_LINE = "^Cluster node %s on (127\\.0\\.0\\.1:\\d+), peers ";
    private static final String AVAILABLE = "^\\d\\d:\\d\\d:\\d\\d -- room available: node %s is in touch with a majority";

    private final List<AppRun> runs = new ArrayList<>();
    private final List<ChatClient> clients = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        clients.forEach(ChatClient::close);
        for (AppRun run : runs) {
            run.type("/quit"); // closes the node: it leaves the cluster
        }
        for (AppRun run : runs) {
            try {
                run.awaitExit();
            } finally {
                run.close();
            }
        }
    }

    /** Starts node {@code id} of a, b, c with the given peers; returns its chat address ("HOST:PORT"). */
    private AppRun node(String id, String... peers) {
        List<String> args = new ArrayList<>(List.of("server", "--host", "127.0.0.1", "--port", "0", "--node", id,
                "--cluster", "127.0.0.1:0", "--failure-detection", "2s"));
        for (String peer : peers) {
            args.add("--peer");
            args.add(peer);
        }
        AppRun run = new AppRun(ENVIRONMENT, args.toArray(String[]::new));
        runs.add(run);
        return run;
    }

    private static InetSocketAddress chatAddress(AppRun node) throws InterruptedException {
        String address = node.awaitLine("^Server running on (127\\.0\\.0\\.1:\\d+) \\(room lobby\\)$").group(1);
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(address.substring(address.indexOf(':') + 1)));
    }

    @Test
    void membersJoinedThroughDifferentNodesAreInOneRoom() throws Exception {
        AppRun a = node("a", "b", "c");
        a.awaitLine("^Cluster node a: joining the cluster on 127\\.0\\.0\\.1:0 \\(peers b \\(found by discovery\\),"
                + " c \\(found by discovery\\)\\)\\.\\.\\.$");
        InetSocketAddress chatA = chatAddress(a);
        String clusterA = a.awaitLine(String.format(CLUSTER_LINE, "a")).group(1);

        AppRun b = node("b", "a=" + clusterA, "c");
        InetSocketAddress chatB = chatAddress(b);
        String clusterB = b.awaitLine(String.format(CLUSTER_LINE, "b") + "a at " + clusterA.replace(".", "\\.")
                + ", c \\(found by discovery\\)$").group(1);
        AppRun c = node("c", "a=" + clusterA, "b=" + clusterB);
        InetSocketAddress chatC = chatAddress(c);
        c.awaitLine(String.format(CLUSTER_LINE, "c"));
        for (AppRun node : List.of(a, b, c)) {
            String id = node == a ? "a" : node == b ? "b" : "c";
            node.awaitLine(String.format(AVAILABLE, id));
        }

        Recorder joanSees = new Recorder();
        ChatClient joan = join("joan", List.of(chatB, chatA, chatC), joanSees);
        assertThat(joan.server()).isEqualTo(chatB);
        Recorder egaSees = new Recorder();
        ChatClient ega = join("ega", List.of(chatC), egaSees);

        joanSees.await("joined ega");
        assertThat(ega.members()).contains("joan", "ega");
        ega.send("halo from node c").get(30, TimeUnit.SECONDS);
        joanSees.await("ega: halo from node c");
        a.awaitLines("--> joan joined from 127\\.0\\.0\\.1:\\d+$", "--> ega joined from 127\\.0\\.0\\.1:\\d+$",
                "<ega> halo from node c$");

        // joan's node stops: it leaves the cluster without telling joan the room closed (it goes on on a and c)
        b.type("/quit");
        b.awaitLine("^Node b left the cluster; the room goes on on the other nodes");
        assertThat(b.awaitExit()).isZero();
        egaSees.await("left joan TIMED_OUT");
        a.awaitLine("<-- joan left \\(timed out\\)$");
        assertThat(joanSees.disconnected).as("joan is not told the room closed").isEmpty();
        ega.send("still here").get(30, TimeUnit.SECONDS);
    }

    private ChatClient join(String name, List<InetSocketAddress> servers, Recorder listener) throws Exception {
        ChatClient client = ChatClient.builder().servers(servers).username(name).password(PASSWORD).listener(listener)
                .connectTimeout(Duration.ofSeconds(30)).build();
        clients.add(client);
        client.connect();
        return client;
    }

    /** What a member is told, one line per event. */
    private static final class Recorder implements ChatClientListener {
        private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final List<LeaveReason> disconnected = new CopyOnWriteArrayList<>();

        @Override
        public void onMemberLeft(String username, LeaveReason reason) {
            events.add("left " + username + " " + reason);
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            disconnected.add(reason);
        }

        @Override
        public void onMemberJoined(String username) {
            events.add("joined " + username);
        }

        @Override
        public void onMessage(ChatMessage message) {
            events.add(message.sender() + ": " + message.text());
        }

        void await(String event) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> seen = new ArrayList<>();
            while (true) {
                String next = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(next).as("'%s' within 30 s; seen %s", event, seen).isNotNull();
                if (next.equals(event)) {
                    return;
                }
                seen.add(next);
            }
        }
    }
}
