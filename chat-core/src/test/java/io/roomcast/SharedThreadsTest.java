package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients share threads: many clients in one process over a bounded set of I/O loops and callback
 * threads, each client's callbacks still in order and never overlapping, a blocked listener
 * holding up only its own client, and a client with threads of its own when it asks. Real sockets
 * on loopback: the wiring; the loop's rules are in {@code EventLoopTest}.
 */
class SharedThreadsTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /**
     * The bound ChatClient's Javadoc states for the shared client threads — one loop per core, four
     * callback threads per core (at least eight), one futures thread per core (at least two), one SRP
     * thread per two cores (at least one) — and one server's: its loop, its SRP workers (half the
     * cores, one to four) and its listener's thread.
     */
    private static final int THREAD_BOUND = CORES + Math.max(8, 4 * CORES) + Math.max(2, CORES)
            + Math.max(1, CORES / 2) + 1 + Math.max(1, Math.min(4, CORES / 2)) + 1;

    private static final Duration GENEROUS = Duration.ofSeconds(60);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatServer startServer(int maxMembers) throws Exception {
        return startServer(maxMembers, new ChatServerListener() {
        });
    }

    private ChatServer startServer(int maxMembers, ChatServerListener listener) throws Exception {
        // generous timeouts: a crowd's joins and goodbyes keep a shared two-core machine busy for a while
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).password("secret").roomName("hall")
                .maxMembers(maxMembers).rateLimit(10_000, 10_000).idleTimeout(GENEROUS).listener(listener).build();
        closeables.add(server);
        server.start();
        return server;
    }

    private ChatClient join(ChatServer server, String username, ChatClientListener listener) throws Exception {
        return join(ChatClient.builder().server(server.localAddress()).username(username).password("secret")
                .listener(listener).connectTimeout(GENEROUS).idleTimeout(GENEROUS));
    }

    private ChatClient join(ChatClient.Builder builder) throws Exception {
        ChatClient client = builder.build();
        closeables.add(client);
        client.connect();
        return client;
    }

    /**
     * A crowd of 300 by default: joins cost SRP work and every join and leave goes to every member,
     * so a thousand take minutes on a busy two-core machine; {@code -Droomcast.crowd=1000} (and a
     * patient machine) runs the full thousand.
     */
    @Test
    @Timeout(120)
    void aCrowdOfClientsSharesABoundedSetOfThreadsAndAllChatAndCloseCleanly() throws Exception {
        int members = Integer.getInteger("roomcast.crowd", 300);
        int senders = 10;
        int perSender = 3;
        BlockingQueue<LeaveReason> serverSawLeave = new LinkedBlockingQueue<>();
        ChatServer server = startServer(members, new ChatServerListener() {
            @Override
            public void onMemberLeft(Member member, LeaveReason reason) {
                serverSawLeave.add(reason);
            }
        });
        String serverThreads = "roomcast-server-" + server.localAddress().getPort() + "-";
        Predicate<String> ours = name -> name.startsWith("roomcast-shared-") || name.startsWith(serverThreads)
                || name.startsWith("roomcast-client-crowd");
        AtomicInteger mostThreads = new AtomicInteger(countThreads(ours));
        // clients' SRP work caught on a shared I/O thread by the sampler: none, it runs on the SRP pool
        Queue<String> srpOnIo = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sampler"));
        ExecutorService connectors = Executors.newFixedThreadPool(8);
        try {
            sampler.scheduleAtFixedRate(() -> mostThreads.accumulateAndGet(sample(ours, srpOnIo), Math::max), 0,
                    5, TimeUnit.MILLISECONDS);
            CountDownLatch delivered = new CountDownLatch(members * senders * perSender);
            List<CrowdMember> crowd = new ArrayList<>();
            List<Future<ChatClient>> joins = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                CrowdMember member = new CrowdMember(delivered);
                crowd.add(member);
                String name = String.format("crowd%04d", i);
                joins.add(connectors.submit(() -> join(server, name, member)));
            }
            List<ChatClient> clients = new ArrayList<>();
            for (Future<ChatClient> joined : joins) {
                clients.add(joined.get(60, TimeUnit.SECONDS));
            }
            assertThat(server.members()).hasSize(members);
            assertThat(srpOnIo).as("clients' SRP work seen on a shared I/O thread").isEmpty();

            List<CompletableFuture<ChatMessage>> sent = new ArrayList<>();
            for (int round = 0; round < perSender; round++) {
                for (int s = 0; s < senders; s++) {
                    sent.add(clients.get(s * (members / senders)).send("round " + round + " from " + s));
                }
            }
            for (CompletableFuture<ChatMessage> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
            assertThat(delivered.await(60, TimeUnit.SECONDS)).as("every message reached every member").isTrue();
            int whileConnected = countThreads(ours);

            List<Future<?>> closes = new ArrayList<>();
            for (ChatClient client : clients) {
                closes.add(connectors.submit(client::close));
            }
            for (Future<?> closed : closes) {
                closed.get(60, TimeUnit.SECONDS);
            }
            List<String> unclean = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                if (!List.copyOf(crowd.get(i).disconnections).equals(List.of(LeaveReason.LEFT))) {
                    unclean.add(i + ": " + crowd.get(i).disconnections);
                }
            }
            assertThat(unclean).as("members whose end was not LEFT alone").isEmpty();
            for (CrowdMember member : crowd) {
                assertThat(member.messages).hasSize(senders * perSender).allSatisfy((text, times) ->
                        assertThat(times).as("deliveries of %s", text).isEqualTo(1));
            }
            // a goodbye lost in the storm of leaves (the CLOSE is re-sent for about a second) leaves
            // the server to find out by the idle timeout
            long giveUp = System.nanoTime() + GENEROUS.plusSeconds(30).toNanos();
            while (!server.members().isEmpty() && System.nanoTime() < giveUp) {
                serverSawLeave.poll(1, TimeUnit.SECONDS);
            }
            assertThat(server.members()).isEmpty();
            assertThat(mostThreads.get()).as("roomcast threads, at most (%d while connected)", whileConnected)
                    .isLessThanOrEqualTo(THREAD_BOUND);
        } finally {
            sampler.shutdownNow();
            connectors.shutdownNow();
        }
    }

    @Test
    @Timeout(60)
    void aBlockedListenerDelaysNeitherAnotherClientNorItsOwnClientsIo() throws Exception {
        ChatServer server = startServer(16);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<String> heardByA = new LinkedBlockingQueue<>();
        ChatClient a = join(server, "a", new ChatClientListener() {
            @Override
            public void onMessage(ChatMessage message) {
                heardByA.add(message.text());
                if (message.text().equals("block")) {
                    blocked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        RecordingClientListener heardByB = new RecordingClientListener();
        ChatClient b = join(server, "b", heardByB);
        ChatClient c = join(server, "c", new ChatClientListener() {
        });
        try {
            heardByB.assertJoined("c");
            c.send("block");
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            heardByB.assertMessage("c", "block");

            for (int i = 0; i < 20; i++) {
                c.send("during " + i);
            }
            for (int i = 0; i < 20; i++) {
                heardByB.assertMessage("c", "during " + i);
            }
            ChatMessage own = a.send("from a, its listener blocked").get(10, TimeUnit.SECONDS);
            assertThat(own.sender()).isEqualTo("a");
            heardByB.assertMessage("a", "from a, its listener blocked");
            assertThat(b.members()).containsExactly("a", "b", "c");
        } finally {
            release.countDown();
        }
        List<String> expected = new ArrayList<>(List.of("block"));
        for (int i = 0; i < 20; i++) {
            expected.add("during " + i);
        }
        expected.add("from a, its listener blocked");
        for (String text : expected) {
            assertThat(heardByA.poll(10, TimeUnit.SECONDS)).isEqualTo(text);
        }
    }

    @Test
    @Timeout(60)
    void oneClientsCallbacksRunInOrderAndNeverOverlapWhileSpreadOverSharedThreads() throws Exception {
        ChatServer server = startServer(16);
        OverlapProbe probe = new OverlapProbe();
        join(server, "receiver", probe);
        List<ChatClient> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            senders.add(join(server, "sender" + i, new ChatClientListener() {
            }));
        }
        int rounds = 25;
        for (int round = 0; round < rounds; round++) {
            for (ChatClient sender : senders) {
                sender.send("round " + round);
            }
            // the receiver drains between rounds, so that each round is a new turn on the shared threads
            for (int i = 0; i < senders.size(); i++) {
                assertThat(probe.sequences.poll(10, TimeUnit.SECONDS)).as("round %d", round).isNotNull();
            }
        }
        assertThat(probe.overlaps.get()).as("callbacks that overlapped another").isZero();
        assertThat(probe.outOfOrder.get()).as("messages out of room order").isZero();
        assertThat(probe.threads).as("shared threads the callbacks ran on").hasSizeGreaterThan(1)
                .allSatisfy(thread -> assertThat(thread).startsWith("roomcast-shared-").endsWith("-callbacks"));
    }

    @Test
    @Timeout(60)
    void aClientThatAsksForThreadsOfItsOwnGetsThemNamedAfterIt() throws Exception {
        ChatServer server = startServer(16);
        RecordingClientListener soloEvents = new RecordingClientListener();
        ChatClient solo = join(ChatClient.builder().server(server.localAddress()).username("solo").password("secret")
                .listener(soloEvents).dedicatedThreads(true));
        RecordingClientListener crowdEvents = new RecordingClientListener();
        join(server, "crowd", crowdEvents);
        Thread soloIo = threadNamed("roomcast-client-solo-io");
        assertThat(soloIo).as("solo's own I/O thread").isNotNull();

        // a dependent added after the future completed runs on the caller: send a few, so that some
        // are certainly still open when their dependent is added, and every other thread is checked
        List<CompletableFuture<Thread>> completedOn = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            completedOn.add(solo.send("hello " + i).thenApply(message -> Thread.currentThread()));
        }
        soloEvents.assertJoined("crowd");
        for (int i = 0; i < 5; i++) {
            soloEvents.assertMessage("solo", "hello " + i);
            crowdEvents.assertMessage("solo", "hello " + i);
        }

        List<String> completers = new ArrayList<>();
        for (CompletableFuture<Thread> future : completedOn) {
            completers.add(future.get(10, TimeUnit.SECONDS).getName());
        }
        assertThat(completers).contains("roomcast-client-solo-futures")
                .allSatisfy(name -> assertThat(name).isIn("roomcast-client-solo-futures", Thread.currentThread().getName()));
        assertThat(soloEvents.callbackThreads()).extracting(Thread::getName).containsOnly("roomcast-client-solo-callbacks");
        assertThat(crowdEvents.callbackThreads()).extracting(Thread::getName)
                .allSatisfy(name -> assertThat(name).startsWith("roomcast-shared-").endsWith("-callbacks"));
        solo.close();
        soloIo.join(10_000);
        assertThat(soloIo.isAlive()).as("solo's I/O thread ends with it").isFalse();
    }

    /**
     * Counts the live threads {@code names} accepts, as {@link #countThreads}, and adds to
     * {@code srpOnIo} each shared I/O thread caught in a client's SRP exponentiation: making its
     * session ({@code g^a}) or answering the CHALLENGE.
     */
    private static int sample(Predicate<String> names, Queue<String> srpOnIo) {
        int count = 0;
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            Thread thread = entry.getKey();
            if (!thread.isAlive() || !names.test(thread.getName())) {
                continue;
            }
            count++;
            if (thread.getName().matches("roomcast-shared-\\d+-io")) {
                for (StackTraceElement frame : entry.getValue()) {
                    if (frame.getClassName().equals("io.roomcast.internal.crypto.SrpClientSession")
                            && Set.of("<init>", "respond", "sessionKeys").contains(frame.getMethodName())) {
                        srpOnIo.add(thread.getName() + " in " + frame);
                        break;
                    }
                }
            }
        }
        return count;
    }

    private static int countThreads(Predicate<String> names) {
        int count = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && names.test(thread.getName())) {
                count++;
            }
        }
        return count;
    }

    private static Thread threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElse(null);
    }

    /** One of the crowd: how many times each message reached it, and how it ended. */
    private static final class CrowdMember implements ChatClientListener {
        private final CountDownLatch delivered;
        final Map<String, Integer> messages = new ConcurrentHashMap<>();
        final Queue<LeaveReason> disconnections = new ConcurrentLinkedQueue<>();

        CrowdMember(CountDownLatch delivered) {
            this.delivered = delivered;
        }

        @Override
        public void onMessage(ChatMessage message) {
            messages.merge(message.text(), 1, Integer::sum);
            delivered.countDown();
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            disconnections.add(reason);
        }

        @Override
        public void onReconnecting(LeaveReason cause) {
            disconnections.add(cause); // an outage on loopback: the machine starved the loops for an idle timeout
        }
    }

    /** Counts callbacks that ran while another was running, and messages out of room order. */
    private static final class OverlapProbe implements ChatClientListener {
        private final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger outOfOrder = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final BlockingQueue<Long> sequences = new LinkedBlockingQueue<>();
        private long lastSequence;

        @Override
        public void onMessage(ChatMessage message) {
            enter();
            try {
                if (message.sequence() <= lastSequence) {
                    outOfOrder.incrementAndGet();
                }
                lastSequence = message.sequence();
                sequences.add(message.sequence());
            } finally {
                exit();
            }
        }

        @Override
        public void onMemberJoined(String username) {
            enter();
            exit();
        }

        private void enter() {
            threads.add(Thread.currentThread().getName());
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            Thread.yield(); // widen the window in which an overlapping call would be seen
        }

        private void exit() {
            inside.decrementAndGet();
        }
    }
}
