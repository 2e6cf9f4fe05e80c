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

/**
 * Reconnect and resume (issue #12) over real sockets on loopback, through the public API with its
 * defaults except shorter idle timeouts: a relay blackholes one client for longer than the idle
 * timeout, then lets it through again. The rules themselves are proved in the simulator
 * ({@code ResumeSimulationTest}); this is the wiring.
 */
@Timeout(60)
class ReconnectTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final Duration IDLE = Duration.ofSeconds(1);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final RecordingServerListener serverEvents = new RecordingServerListener();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatClient join(InetSocketAddress server, String username, ChatClientListener listener) throws Exception {
        ChatClient client = ChatClient.builder().server(server).username(username).password("secret")
                .idleTimeout(IDLE).listener(listener).build();
        closeables.add(client);
        client.connect();
        return client;
    }

    @Test
    void aClientBlackholedLongerThanTheIdleTimeoutComesBackWithNothingMissedOrDoubled() throws Exception {
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).password("secret").idleTimeout(IDLE)
                .rateLimit(10_000, 10_000).listener(serverEvents).build();
        closeables.add(server);
        server.start();
        LossyRelay relay = new LossyRelay(server.localAddress(), 1, 0, 0, 0);
        closeables.add(relay);
        RecordingClientListener joanEvents = new RecordingClientListener();
        RecordingClientListener egaEvents = new RecordingClientListener();
        ChatClient joan = join(relay.address(), "joan", joanEvents);
        ChatClient ega = join(server.localAddress(), "ega", egaEvents);
        joanEvents.assertJoined("ega");
        ega.send("a1").get(10, TimeUnit.SECONDS);
        joanEvents.assertMessage("ega", "a1");
        egaEvents.assertMessage("ega", "a1");

        relay.silence();
        joanEvents.assertReconnecting(LeaveReason.TIMED_OUT);
        egaEvents.assertLeft("joan", LeaveReason.TIMED_OUT); // the server noticed too: longer than its idle timeout
        CompletableFuture<ChatMessage> queued = joan.send("j1"); // queued while reconnecting
        for (int i = 1; i <= 3; i++) {
            ega.send("b" + i).get(10, TimeUnit.SECONDS);
        }
        ChatClient mallory = ChatClient.builder().server(server.localAddress()).username("Joan").password("secret")
                .build();
        closeables.add(mallory);
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(ChatException.class, mallory::connect))
                .as("the name is held for joan").isInstanceOf(UsernameTakenException.class);
        relay.restore();

        joanEvents.assertMessage("ega", "b1"); // what it missed first,
        joanEvents.assertMessage("ega", "b2");
        joanEvents.assertMessage("ega", "b3");
        joanEvents.assertReconnected(true); // then that it is back,
        joanEvents.assertMessage("joan", "j1"); // then live events
        assertThat(queued.get(10, TimeUnit.SECONDS).text()).isEqualTo("j1");
        for (int i = 1; i <= 3; i++) {
            egaEvents.assertMessage("ega", "b" + i);
        }
        egaEvents.assertJoined("joan");
        egaEvents.assertMessage("joan", "j1");
        ega.send("c1").get(10, TimeUnit.SECONDS);
        joanEvents.assertMessage("ega", "c1");
        egaEvents.assertMessage("ega", "c1");
        joanEvents.assertExhausted();
        egaEvents.assertExhausted();
        assertThat(server.members()).containsExactlyInAnyOrder("joan", "ega");
    }

    @Test
    void withReconnectZeroAnOutageEndsTheClientAsBefore() throws Exception {
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).password("secret").idleTimeout(IDLE).build();
        closeables.add(server);
        server.start();
        LossyRelay relay = new LossyRelay(server.localAddress(), 2, 0, 0, 0);
        closeables.add(relay);
        RecordingClientListener joanEvents = new RecordingClientListener();
        ChatClient joan = ChatClient.builder().server(relay.address()).username("joan").password("secret")
                .idleTimeout(IDLE).reconnect(Duration.ZERO).listener(joanEvents).build();
        closeables.add(joan);
        joan.connect();

        relay.silence();
        joanEvents.assertDisconnected(LeaveReason.TIMED_OUT);
        joanEvents.assertExhausted();
    }
}
