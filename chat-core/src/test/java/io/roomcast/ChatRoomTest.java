package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The room over real sockets on loopback: the wiring of the public API to the protocol. */
@Timeout(60)
class ChatRoomTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final RecordingServerListener serverEvents = new RecordingServerListener();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatServer startServer(String password) throws Exception {
        // the rate limit has tests of its own; here it is raised out of the way of bursts
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).password(password).roomName("lobby")
                .rateLimit(10_000, 10_000).listener(serverEvents).build();
        closeables.add(server);
        server.start();
        return server;
    }

    private ChatClient.Builder client(ChatServer server, String username, String password) {
        return ChatClient.builder().server(server.localAddress()).username(username).password(password);
    }

    private ChatClient join(ChatServer server, String username, RecordingClientListener listener) throws Exception {
        ChatClient client = client(server, username, "secret").listener(listener).build();
        closeables.add(client);
        client.connect();
        return client;
    }

    @Test
    void threeMembersSeeAllThreeHundredMessagesExactlyOnceInOneOrder() throws Exception {
        ChatServer server = startServer("secret");
        Map<String, RecordingClientListener> listeners = Map.of(
                "joan", new RecordingClientListener(), "ega", new RecordingClientListener(),
                "budi", new RecordingClientListener());
        List<ChatClient> clients = new ArrayList<>();
        for (String name : List.of("joan", "ega", "budi")) {
            clients.add(join(server, name, listeners.get(name)));
        }
        // the earlier members hear about the later ones first
        listeners.get("joan").assertJoined("ega");
        listeners.get("joan").assertJoined("budi");
        listeners.get("ega").assertJoined("budi");

        ExecutorService senders = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<CompletableFuture<ChatMessage>>>> sent = new ArrayList<>();
            for (ChatClient client : clients) {
                sent.add(senders.submit(() -> {
                    List<CompletableFuture<ChatMessage>> futures = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        futures.add(client.send(client.username() + " #" + i));
                    }
                    return futures;
                }));
            }
            for (Future<List<CompletableFuture<ChatMessage>>> futures : sent) {
                for (CompletableFuture<ChatMessage> future : futures.get(10, TimeUnit.SECONDS)) {
                    assertThat(future.get(10, TimeUnit.SECONDS).sequence()).isPositive();
                }
            }
        } finally {
            senders.shutdownNow();
        }

        List<List<ChatMessage>> seen = new ArrayList<>();
        for (String name : List.of("joan", "ega", "budi")) {
            seen.add(listeners.get(name).takeMessages(300));
            listeners.get(name).assertExhausted();
        }
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
        assertThat(seen.get(2)).isEqualTo(seen.get(0));
        List<ChatMessage> order = seen.get(0);
        assertThat(order.stream().map(ChatMessage::text).collect(Collectors.toSet())).hasSize(300);
        assertThat(order).extracting(ChatMessage::sequence).isSorted().doesNotHaveDuplicates();
        for (String name : List.of("joan", "ega", "budi")) {
            List<String> fromOne = order.stream().filter(m -> m.sender().equals(name)).map(ChatMessage::text).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                expected.add(name + " #" + i);
            }
            assertThat(fromOne).as("%s's messages in sending order", name).isEqualTo(expected);
        }
    }

    @Test
    void theSendFutureCompletesWithTheMessageAsTheRoomSawIt() throws Exception {
        ChatServer server = startServer("secret");
        RecordingClientListener joanEvents = new RecordingClientListener();
        ChatClient joan = join(server, "joan", joanEvents);
        serverEvents.assertJoined("joan");

        ChatMessage accepted = joan.send("halo").get(10, TimeUnit.SECONDS);

        ChatMessage delivered = joanEvents.assertMessage("joan", "halo");
        assertThat(accepted).isEqualTo(delivered);
        assertThat(serverEvents.assertMessage("joan", "halo")).isEqualTo(delivered);
    }

    @Test
    void wrongPasswordIsRefusedAndAddsNoMember() throws Exception {
        ChatServer server = startServer("secret");
        ChatClient intruder = client(server, "mallory", "guess").build();
        closeables.add(intruder);

        assertThatThrownBy(intruder::connect).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("wrong password");

        assertThat(server.members()).isEmpty();
        ChatClient joan = join(server, "joan", new RecordingClientListener());
        serverEvents.assertJoined("joan"); // the first event the server saw is joan's join, not mallory's
        assertThat(joan.members()).containsExactly("joan");
    }

    @Test
    void aUsernameTakenInAnotherCaseIsRefused() throws Exception {
        ChatServer server = startServer("secret");
        join(server, "Joan", new RecordingClientListener());
        ChatClient second = client(server, "joan", "secret").build();
        closeables.add(second);

        assertThatThrownBy(second::connect).isInstanceOf(UsernameTakenException.class).hasMessageContaining("Joan");

        assertThat(server.members()).containsExactly("Joan");
    }

    @Test
    void aMemberThatClosesIsSeenLeaving() throws Exception {
        ChatServer server = startServer("secret");
        RecordingClientListener joanEvents = new RecordingClientListener();
        join(server, "joan", joanEvents);
        RecordingClientListener egaEvents = new RecordingClientListener();
        ChatClient ega = join(server, "ega", egaEvents);
        joanEvents.assertJoined("ega");
        serverEvents.assertJoined("joan");
        serverEvents.assertJoined("ega");

        ega.close();

        joanEvents.assertLeft("ega", LeaveReason.LEFT);
        serverEvents.assertLeft("ega", LeaveReason.LEFT);
        egaEvents.assertDisconnected(LeaveReason.LEFT);
        egaEvents.assertExhausted();
        assertThat(server.members()).containsExactly("joan");
        assertThat(ega.members()).isEmpty();
    }

    @Test
    void closingTheServerDisconnectsEveryMember() throws Exception {
        ChatServer server = startServer("secret");
        RecordingClientListener joanEvents = new RecordingClientListener();
        RecordingClientListener egaEvents = new RecordingClientListener();
        join(server, "joan", joanEvents);
        join(server, "ega", egaEvents);
        joanEvents.assertJoined("ega");

        server.close();

        joanEvents.assertDisconnected(LeaveReason.SERVER_CLOSED);
        egaEvents.assertDisconnected(LeaveReason.SERVER_CLOSED);
        serverEvents.assertJoined("joan");
        serverEvents.assertJoined("ega");
        serverEvents.assertLeft("joan", LeaveReason.SERVER_CLOSED);
        serverEvents.assertLeft("ega", LeaveReason.SERVER_CLOSED);
        assertThat(server.members()).isEmpty();
        server.close(); // idempotent
    }

    @Test
    void aBoundPortIsABindException() throws Exception {
        ChatServer first = startServer("secret");
        ChatServer second = ChatServer.builder().bind(first.localAddress()).build();
        closeables.add(second);

        assertThatThrownBy(second::start).isInstanceOf(java.net.BindException.class);
    }

    /**
     * The wiring of the connect timeout: a connect to an address that never answers fails with a
     * {@link ChatException} that names the timeout set on the builder. That it fails at the
     * timeout, and not before, is proven in virtual time by {@code TimingRulesTest}.
     */
    @Test
    void aSilentAddressFailsWithTheConnectTimeout() throws Exception {
        try (java.nio.channels.DatagramChannel silent = java.nio.channels.DatagramChannel.open()) {
            silent.bind(ANY_LOOPBACK_PORT);
            ChatClient client = ChatClient.builder().server((InetSocketAddress) silent.getLocalAddress())
                    .username("joan").connectTimeout(Duration.ofMillis(600)).build();
            closeables.add(client);

            assertThatThrownBy(client::connect).isInstanceOf(ChatException.class)
                    .hasMessageContaining("no answer").hasMessageContaining("600 ms");
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopDelivery() throws Exception {
        ChatServer server = startServer("secret");
        RecordingClientListener recorder = new RecordingClientListener();
        ChatClientListener throwing = new ChatClientListener() {
            @Override
            public void onMessage(ChatMessage message) {
                recorder.onMessage(message);
                throw new IllegalStateException("listener bug");
            }
        };
        ChatClient joan = join(server, "joan", new RecordingClientListener());
        ChatClient ega = client(server, "ega", "secret").listener(throwing).build();
        closeables.add(ega);
        ega.connect();

        joan.send("one");
        joan.send("two");

        recorder.assertMessage("joan", "one");
        recorder.assertMessage("joan", "two");
    }

    @Test
    void callbacksRunOnCallbackThreadsThatAreNeitherTheCallerNorTheLoop() throws Exception {
        ChatServer server = startServer("secret");
        RecordingClientListener joanEvents = new RecordingClientListener();
        ChatClient joan = join(server, "joan", joanEvents);
        join(server, "ega", new RecordingClientListener());
        joan.send("one").get(10, TimeUnit.SECONDS);
        joanEvents.assertJoined("ega");
        joanEvents.assertMessage("joan", "one");

        // the shared callback threads take turns (one at a time: SharedThreadsTest); none is the caller or a loop
        assertThat(joanEvents.callbackThreads()).isNotEmpty().allSatisfy(callbackThread -> {
            assertThat(callbackThread).isNotEqualTo(Thread.currentThread());
            assertThat(callbackThread.getName()).contains("callbacks").doesNotContain("-io");
        });
    }

    @Test
    void aCallbackExecutorRunsTheCallbacks() throws Exception {
        ChatServer server = startServer("secret");
        ExecutorService executor = Executors.newCachedThreadPool(r -> new Thread(r, "app-executor"));
        try {
            RecordingClientListener joanEvents = new RecordingClientListener();
            try (ChatClient joan = client(server, "joan", "secret").listener(joanEvents).callbackExecutor(executor)
                    .build()) {
                joan.connect();

                joan.send("one");

                joanEvents.assertMessage("joan", "one");
            }
            joanEvents.assertDisconnected(LeaveReason.LEFT);
            assertThat(joanEvents.callbackThreads()).allSatisfy(t -> assertThat(t.getName()).isEqualTo("app-executor"));
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void aMessageLargerThanTheRoomAllowsFailsAtOnce() throws Exception {
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).maxMessageBytes(10).build();
        closeables.add(server);
        server.start();
        ChatClient joan = client(server, "joan", "").build();
        closeables.add(joan);
        joan.connect();

        assertThatThrownBy(() -> joan.send("ü".repeat(6))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 bytes").hasMessageContaining("limit is 10");
        assertThat(joan.send("ü".repeat(5)).get(10, TimeUnit.SECONDS).text()).isEqualTo("üüüüü");
    }

    @Test
    void aMessageAtTheLargestLimitOfOneMebibyteArrivesWhole() throws Exception {
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT)
                .maxMessageBytes(ChatServer.LARGEST_MAX_MESSAGE_BYTES).build();
        closeables.add(server);
        server.start();
        RecordingClientListener egaEvents = new RecordingClientListener();
        ChatClient joan = client(server, "joan", "").build();
        closeables.add(joan);
        joan.connect();
        ChatClient ega = client(server, "ega", "").listener(egaEvents).build();
        closeables.add(ega);
        ega.connect();
        StringBuilder text = new StringBuilder(ChatServer.LARGEST_MAX_MESSAGE_BYTES);
        for (int i = 0; text.length() < ChatServer.LARGEST_MAX_MESSAGE_BYTES / 2; i++) {
            text.append("line ").append(i).append(" — ünï 😀\n");
        }
        while (text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                > ChatServer.LARGEST_MAX_MESSAGE_BYTES) {
            text.setLength(text.length() - 100);
        }
        String large = text.toString();

        joan.send(large).get(30, TimeUnit.SECONDS);

        assertThat(egaEvents.assertMessage("joan", large).text()).hasSize(large.length());
        assertThatThrownBy(() -> joan.send(large + "x".repeat(ChatServer.LARGEST_MAX_MESSAGE_BYTES)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOpenRoomNeedsNoPasswordButStillRefusesAWrongOne() throws Exception {
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).build();
        closeables.add(server);
        server.start();
        ChatClient open = client(server, "joan", "").build();
        closeables.add(open);
        open.connect();
        ChatClient wrong = client(server, "ega", "something").build();
        closeables.add(wrong);

        assertThatThrownBy(wrong::connect).isInstanceOf(AuthenticationException.class);
        assertThat(open.roomName()).isEqualTo(ChatServer.DEFAULT_ROOM_NAME);
    }

    @Test
    void sendingAfterCloseFailsTheFuture() throws Exception {
        ChatServer server = startServer("secret");
        ChatClient joan = join(server, "joan", new RecordingClientListener());
        joan.close();

        CompletableFuture<ChatMessage> future = joan.send("too late");

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ChatException.class);
    }

    @Test
    void aSendAfterLeavingFailsOnTheFuturesThreadNeverOnTheCallers() throws Exception {
        ChatServer server = startServer("secret");
        RecordingClientListener joanEvents = new RecordingClientListener();
        ChatClient joan = join(server, "joan", joanEvents);
        // occupy the client's futures thread with a stage of an earlier send, so that the future below
        // cannot complete before the stage below is attached
        // (a stage attached after its future completed runs on the caller and occupies nothing: then
        // it returns at once and another send is tried)
        CountDownLatch occupied = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread caller = Thread.currentThread();
        int sent = 0;
        do {
            joan.send("first").thenRun(() -> {
                if (Thread.currentThread() == caller) {
                    return;
                }
                occupied.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            sent++;
        } while (!occupied.await(2, TimeUnit.SECONDS) && sent < 5);
        assertThat(occupied.getCount()).as("a stage occupies the futures thread").isZero();
        server.close();
        for (int i = 0; i < sent; i++) {
            joanEvents.assertMessage("joan", "first");
        }
        joanEvents.assertDisconnected(LeaveReason.SERVER_CLOSED);

        CompletableFuture<ChatMessage> future = joan.send("too late");
        // a stage attached to a future that is already complete runs at once, on the attaching thread
        CompletableFuture<Thread> completedOn = future.handle((message, failure) -> Thread.currentThread());
        release.countDown();

        assertThat(completedOn.get(10, TimeUnit.SECONDS).getName()).endsWith("-futures");
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ChatException.class);
    }

    @Test
    void sendAfterAFailedConnectIsAnIllegalState() throws Exception {
        ChatServer server = startServer("secret");
        ChatClient refused = client(server, "joan", "wrong").build();
        closeables.add(refused);
        assertThatThrownBy(refused::connect).isInstanceOf(AuthenticationException.class);

        assertThatThrownBy(() -> refused.send("hi")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not succeed");
        ChatClient neverConnected = client(server, "ega", "secret").build();
        neverConnected.close();
        assertThatThrownBy(() -> neverConnected.send("hi")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sendBeforeConnectIsAnIllegalState() {
        ChatClient joan = ChatClient.builder().server(new InetSocketAddress("127.0.0.1", 9)).username("joan").build();
        assertThatThrownBy(() -> joan.send("hi")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("connect");
    }
}
