package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.ChatServer;
import io.roomcast.LeaveReason;
import io.roomcast.MessageRefusedException;
import io.roomcast.PrivateMessage;
import io.roomcast.RefusalReason;
import io.roomcast.RoomUnavailableException;
import io.roomcast.UsernameTakenException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jgroups.protocols.DISCARD;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three {@link ChatServer}s on {@link RaftRoomBackend}s in one JVM serve one room to real clients
 * on 127.0.0.1: one order for everybody, a name admitted once, a member of a node that dies comes
 * back through another with nothing missed, and a node cut off from the others refuses rather
 * than queues.
 */
@Timeout(180)
class ClusterRoomTest {
    private static final String PASSWORD = "cluster room password";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** One node: its backend, its chat server, and a relay in front of the server. */
    private record Node(String id, RaftRoomBackend backend, ChatServer server, UdpRelay relay) {
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** Starts three nodes, each knowing the ones started before it, and waits until all serve. */
    private List<Node> startCluster() throws Exception {
        List<String> ids = List.of("a", "b", "c");
        List<Node> nodes = new ArrayList<>();
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (String id : ids) {
            RaftRoomBackend.Builder builder = RaftRoomBackend.builder().nodeId(id)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).clusterSecret(TestCluster.SECRET)
                    .failureDetection(TestCluster.FAILURE_DETECTION).startTimeout(Duration.ofSeconds(30));
            for (String other : ids) {
                Node known = nodes.stream().filter(node -> node.id().equals(other)).findFirst().orElse(null);
                if (other.equals(id)) {
                    continue;
                }
                if (known != null) {
                    builder.peer(other, known.backend().boundAddress());
                } else {
                    builder.peer(other);
                }
            }
            RaftRoomBackend backend = builder.build();
            ChatServer server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password(PASSWORD)
                    .backend(backend).build();
            toClose.add(server);
            CompletableFuture<Void> start = CompletableFuture.runAsync(() -> {
                try {
                    server.start();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            started.add(start);
            TestCluster.await("node " + id + " bound", WAIT, () -> backend.boundAddress() != null || start.isDone());
            nodes.add(new Node(id, backend, server, null));
        }
        List<Node> serving = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            started.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            Node node = nodes.get(i);
            UdpRelay relay = new UdpRelay(node.server().localAddress());
            toClose.add(relay);
            serving.add(new Node(node.id(), node.backend(), node.server(), relay));
        }
        for (Node node : serving) {
            TestCluster.await("node " + node.id() + " available", WAIT, node.backend()::available);
        }
        return serving;
    }

    /** A member that records what it is told. */
    private static final class Member implements ChatClientListener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final List<String> privates = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(ChatMessage message) {
            messages.add(message.sender() + ": " + message.text());
        }

        @Override
        public void onPrivateMessage(PrivateMessage message) {
            privates.add(message.sender() + ": " + message.text());
        }

        @Override
        public void onMemberLeft(String username, LeaveReason reason) {
            events.add("left " + username + " " + reason);
        }

        @Override
        public void onMemberJoined(String username) {
            events.add("joined " + username);
        }

        @Override
        public void onReconnecting(LeaveReason cause) {
            events.add("reconnecting");
        }

        @Override
        public void onReconnected(boolean nothingMissed) {
            events.add("reconnected " + nothingMissed);
        }

        void await(String event) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            String next;
            do {
                next = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(next).as("waiting for '%s'", event).isNotNull();
            } while (!next.equals(event));
        }
    }

    private ChatClient client(String name, Member member, List<InetSocketAddress> servers, Duration idle)
            throws Exception {
        ChatClient client = ChatClient.builder().servers(servers).username(name).password(PASSWORD)
                .listener(member).idleTimeout(idle).reconnect(Duration.ofSeconds(60)).build();
        toClose.add(client);
        client.connect();
        return client;
    }

    private static void awaitMessages(Member member, int count) {
        TestCluster.await(count + " messages", WAIT, () -> member.messages.size() >= count);
    }

    @Test
    void membersOnEveryNodeSeeOneOrderANameIsAdmittedOnceAndPrivateMessagesCrossNodes() throws Exception {
        List<Node> nodes = startCluster();
        List<Member> members = new ArrayList<>();
        List<ChatClient> clients = new ArrayList<>();
        for (Node node : nodes) {
            Member member = new Member();
            members.add(member);
            clients.add(client("m" + node.id(), member, List.of(node.server().localAddress()), Duration.ofSeconds(15)));
        }
        int perSender = 15;
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (ChatClient client : clients) {
            senders.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perSender; i++) {
                    client.send(client.username() + " " + i).join();
                }
            }));
        }
        for (CompletableFuture<Void> sender : senders) {
            sender.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        for (Member member : members) {
            awaitMessages(member, perSender * clients.size());
        }
        assertThat(members.get(1).messages).isEqualTo(members.get(0).messages);
        assertThat(members.get(2).messages).isEqualTo(members.get(0).messages);
        assertThat(members.get(0).messages).hasSize(perSender * clients.size()).doesNotHaveDuplicates();

        // one name, raced through all three nodes at once: admitted once
        List<CompletableFuture<ChatClient>> racers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String name = List.of("dave", "DAVE", "Dave").get(i);
            InetSocketAddress address = nodes.get(i).server().localAddress();
            racers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return client(name, new Member(), List.of(address), Duration.ofSeconds(15));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }));
        }
        int admitted = 0;
        for (CompletableFuture<ChatClient> racer : racers) {
            try {
                racer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                admitted++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(UsernameTakenException.class);
            }
        }
        assertThat(admitted).isEqualTo(1);
        TestCluster.await("the same members everywhere", WAIT, () -> nodes.stream()
                .allMatch(node -> node.server().members().equals(nodes.get(0).server().members())));
        assertThat(nodes.get(0).server().members()).hasSize(4);

        clients.get(0).sendPrivate("mc", "psst, from a to c").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        TestCluster.await("the private message", WAIT, () -> !members.get(2).privates.isEmpty());
        assertThat(members.get(2).privates).containsExactly("ma: psst, from a to c");
        assertThat(members.get(1).privates).isEmpty();
    }

    @Test
    void aMemberOfANodeThatDiesComesBackThroughAnotherWithNothingMissed() throws Exception {
        List<Node> nodes = startCluster();
        List<InetSocketAddress> relays = new ArrayList<>();
        for (Node node : nodes) {
            relays.add(node.relay().address());
        }
        Member joan = new Member();
        ChatClient joanClient = client("joan", joan, relays, Duration.ofSeconds(5));
        Node dying = nodes.get(relays.indexOf(joanClient.server()));
        Node other = nodes.stream().filter(node -> node != dying).findFirst().orElseThrow();
        Member ravi = new Member();
        ChatClient raviClient = client("ravi", ravi, List.of(other.server().localAddress()), Duration.ofSeconds(15));
        raviClient.send("before").join();
        awaitMessages(joan, 1);

        // the node dies: its cluster traffic and its members' datagrams vanish
        dying.relay().silence();
        FailureTest.cut(dying.backend());
        ravi.await("left joan TIMED_OUT");
        List<String> during = List.of("while you were away 1", "while you were away 2");
        for (String text : during) {
            raviClient.send(text).join();
        }
        joan.await("reconnected true");
        awaitMessages(joan, 1 + during.size());
        raviClient.send("after").join();
        awaitMessages(joan, 2 + during.size());

        assertThat(joan.messages).containsExactly("ravi: before", "ravi: while you were away 1",
                "ravi: while you were away 2", "ravi: after");
        assertThat(joanClient.server()).isNotEqualTo(dying.relay().address());
        ravi.await("joined joan");
    }

    @Test
    void aNodeCutOffFromTheOthersRefusesAsUnavailableWhileTheOthersGoOn() throws Exception {
        List<Node> nodes = startCluster();
        Node cut = nodes.get(2);
        Member here = new Member();
        ChatClient hereClient = client("here", here, List.of(cut.server().localAddress()), Duration.ofSeconds(30));
        Member there = new Member();
        ChatClient thereClient = client("there", there, List.of(nodes.get(0).server().localAddress()),
                Duration.ofSeconds(30));

        DISCARD discard = FailureTest.cut(cut.backend());
        TestCluster.await("the cut node unavailable", WAIT, () -> !cut.backend().available());
        assertThatThrownBy(() -> hereClient.send("anyone?").join())
                .cause().isInstanceOfSatisfying(MessageRefusedException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(RefusalReason.ROOM_UNAVAILABLE));
        assertThatThrownBy(() -> client("late", new Member(), List.of(cut.server().localAddress()),
                Duration.ofSeconds(30))).isInstanceOf(RoomUnavailableException.class);
        thereClient.send("the majority goes on").join();
        TestCluster.await("a message on the majority side", WAIT, () -> !there.messages.isEmpty());

        discard.discardAll(false);
        TestCluster.await("the cut node back", WAIT, cut.backend()::available);
        TestCluster.await("one room again", WAIT, () -> nodes.stream()
                .allMatch(node -> node.server().members().equals(nodes.get(0).server().members())));
        ChatClient late = client("late", new Member(), List.of(cut.server().localAddress()), Duration.ofSeconds(30));
        assertThat(late.members()).contains("there", "late");
    }
}
