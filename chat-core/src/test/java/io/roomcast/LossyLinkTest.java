package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real sockets on loopback through a relay that loses, duplicates and reorders. */
@Timeout(60)
class LossyLinkTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final RecordingServerListener serverEvents = new RecordingServerListener();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatServer startServer(Duration idleTimeout) throws Exception {
        ChatServer server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password("secret")
                .idleTimeout(idleTimeout).rateLimit(10_000, 10_000).listener(serverEvents).build();
        closeables.add(server);
        server.start();
        return server;
    }

    private LossyRelay relay(ChatServer server, long seed, double loss, double duplication, long jitterMillis)
            throws Exception {
        LossyRelay relay = new LossyRelay(server.localAddress(), seed, loss, duplication, jitterMillis);
        closeables.add(relay);
        return relay;
    }

    private ChatClient join(InetSocketAddress via, String username, RecordingClientListener listener)
            throws Exception {
        return join(via, username, listener, ChatClient.DEFAULT_RECONNECT);
    }

    private ChatClient join(InetSocketAddress via, String username, RecordingClientListener listener,
                            Duration reconnect) throws Exception {
        ChatClient client = ChatClient.builder().server(via).username(username).password("secret")
                .reconnect(reconnect).listener(listener).build();
        closeables.add(client);
        client.connect();
        return client;
    }

    @Test
    void nothingIsLostAtTwentyPercentLoss() throws Exception {
        ChatServer server = startServer(ChatServer.DEFAULT_IDLE_TIMEOUT);
        LossyRelay relay = relay(server, 42, 0.20, 0.05, 15);
        List<String> names = List.of("joan", "ega", "budi");
        List<RecordingClientListener> listeners = new ArrayList<>();
        List<ChatClient> clients = new ArrayList<>();
        for (String name : names) {
            RecordingClientListener listener = new RecordingClientListener();
            listeners.add(listener);
            clients.add(join(relay.address(), name, listener));
        }
        listeners.get(0).assertJoined("ega");
        listeners.get(0).assertJoined("budi");
        listeners.get(1).assertJoined("budi");

        List<CompletableFuture<ChatMessage>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            for (ChatClient client : clients) {
                futures.add(client.send(client.username() + " " + i));
            }
        }
        for (CompletableFuture<ChatMessage> future : futures) {
            future.get(30, TimeUnit.SECONDS);
        }

        List<ChatMessage> first = listeners.get(0).takeMessages(150);
        for (RecordingClientListener listener : listeners.subList(1, 3)) {
            assertThat(listener.takeMessages(150)).isEqualTo(first);
        }
        for (String name : names) {
            assertThat(first.stream().filter(m -> m.sender().equals(name)).map(ChatMessage::text).toList())
                    .isEqualTo(java.util.stream.IntStream.range(0, 50).mapToObj(i -> name + " " + i).toList());
        }
        assertThat(relay.dropped()).isPositive();
    }

    @Test
    void aLargeMultiByteMessageArrivesIntactOverALossyLink() throws Exception {
        ChatServer server = startServer(ChatServer.DEFAULT_IDLE_TIMEOUT);
        LossyRelay relay = relay(server, 7, 0.20, 0.05, 15);
        RecordingClientListener joanEvents = new RecordingClientListener();
        RecordingClientListener egaEvents = new RecordingClientListener();
        ChatClient joan = join(relay.address(), "joan", joanEvents);
        join(relay.address(), "ega", egaEvents);
        joanEvents.assertJoined("ega");
        StringBuilder text = new StringBuilder();
        while (text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 16 * 1024 - 16) {
            text.append("ü😀日");
        }
        String large = text.toString();

        ChatMessage accepted = joan.send(large).get(30, TimeUnit.SECONDS);

        assertThat(egaEvents.assertMessage("joan", large)).isEqualTo(accepted);
        assertThat(joanEvents.assertMessage("joan", large)).isEqualTo(accepted);
    }

    /**
     * The wiring of the idle timeout: the builder's timeout reaches both ends, and a member whose
     * link falls silent is reported as timed out, to the room and to itself. That it happens at
     * the idle timeout, and not before, is proven in virtual time by {@code TimingRulesTest}.
     */
    @Test
    void aMemberWhoseLinkFallsSilentTimesOutForEveryone() throws Exception {
        ChatServer server = startServer(Duration.ofSeconds(1));
        LossyRelay egaLink = relay(server, 3, 0, 0, 0);
        RecordingClientListener joanEvents = new RecordingClientListener();
        RecordingClientListener egaEvents = new RecordingClientListener();
        join(server.localAddress(), "joan", joanEvents);
        join(egaLink.address(), "ega", egaEvents, Duration.ZERO); // the outage is terminal, as before #12
        joanEvents.assertJoined("ega");

        egaLink.silence();

        joanEvents.assertLeft("ega", LeaveReason.TIMED_OUT);
        egaEvents.assertDisconnected(LeaveReason.TIMED_OUT);
        assertThat(server.members()).containsExactly("joan");
    }
}
