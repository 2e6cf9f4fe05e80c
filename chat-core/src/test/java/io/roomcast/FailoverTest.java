package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client given several servers (issue #13's failover) over real sockets on loopback, through the
 * public API: it joins past an address where nothing listens, and after an outage comes back through
 * the next address. The two servers here are two rooms (there is no cluster in chat-core), so the
 * second does not know the session: the client stays there as after a gap. The rules themselves are
 * proved in the simulator ({@code FailoverSimulationTest}); this is the wiring (the channel follows
 * the engine from one address to the next).
 */
@Timeout(60)
class FailoverTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final Duration IDLE = Duration.ofSeconds(1);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatServer server() throws Exception {
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).password("secret").idleTimeout(IDLE)
                .historySize(10).build();
        closeables.add(server);
        server.start();
        return server;
    }

    /** An address on loopback where nothing listens any more: a port the system gave, then closed. */
    private static InetSocketAddress deadAddress() throws Exception {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(ANY_LOOPBACK_PORT);
            return (InetSocketAddress) channel.getLocalAddress();
        }
    }

    private ChatClient client(List<InetSocketAddress> servers, String username, ChatClientListener listener) {
        ChatClient client = ChatClient.builder().servers(servers).username(username).password("secret")
                .idleTimeout(IDLE).connectTimeout(Duration.ofSeconds(8)).listener(listener).build();
        closeables.add(client);
        return client;
    }

    @Test
    void aClientJoinsThroughTheSecondAddressWhenNothingListensAtTheFirst() throws Exception {
        ChatServer live = server();
        InetSocketAddress dead = deadAddress();
        RecordingClientListener events = RecordingClientListener.withHistory();
        ChatClient joan = client(List.of(dead, live.localAddress()), "joan", events);
        assertThat(joan.server()).as("before connecting: the first").isEqualTo(dead);

        joan.connect();

        assertThat(joan.server()).isEqualTo(live.localAddress());
        assertThat(live.members()).containsExactly("joan");
        assertThat(events.assertHistory()).isEmpty();
        joan.send("halo").get(10, TimeUnit.SECONDS);
        events.assertMessage("joan", "halo");
    }

    @Test
    void whenNoAddressAnswersConnectFailsNamingEach() throws Exception {
        InetSocketAddress first = deadAddress();
        InetSocketAddress second = deadAddress();
        ChatClient joan = client(List.of(first, second), "joan", new RecordingClientListener());

        assertThatThrownBy(joan::connect).isInstanceOf(ChatException.class)
                .hasMessageContaining("no server admitted the client")
                .hasMessageContaining(first.toString()).hasMessageContaining(second.toString());
        assertThat(joan.server()).isEqualTo(second);
    }

    @Test
    void aClientWhoseServerIsBlackholedComesBackThroughTheNextAddress() throws Exception {
        ChatServer first = server();
        ChatServer second = server();
        LossyRelay relay = new LossyRelay(first.localAddress(), 3, 0, 0, 0);
        closeables.add(relay);
        RecordingClientListener egaEvents = RecordingClientListener.withHistory();
        ChatClient ega = client(List.of(second.localAddress()), "ega", egaEvents);
        ega.connect();
        ega.send("from the second room").get(10, TimeUnit.SECONDS);
        RecordingClientListener events = RecordingClientListener.withHistory();
        ChatClient joan = client(List.of(relay.address(), second.localAddress()), "joan", events);
        joan.connect();
        assertThat(events.assertHistory()).isEmpty();
        joan.send("in the first room").get(10, TimeUnit.SECONDS);
        events.assertMessage("joan", "in the first room");

        relay.silence();
        events.assertReconnecting(LeaveReason.TIMED_OUT);
        CompletableFuture<ChatMessage> queued = joan.send("while away");
        // the second room did not know the session: joan is a new member there, with a gap
        assertThat(events.assertHistory()).extracting(ChatMessage::text).containsExactly("from the second room");
        events.assertReconnected(false);
        assertThat(joan.server()).isEqualTo(second.localAddress());
        assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ChatException.class).hasMessageContaining("did not know its session");
        assertThat(joan.members()).containsExactly("ega", "joan");
        assertThat(second.members()).containsExactly("ega", "joan");
        joan.send("in the second room").get(10, TimeUnit.SECONDS);
        events.assertMessage("joan", "in the second room");
        egaEvents.assertHistory();
        egaEvents.assertMessage("ega", "from the second room");
        egaEvents.assertJoined("joan");
        egaEvents.assertMessage("joan", "in the second room");
        events.assertExhausted();
    }
}
