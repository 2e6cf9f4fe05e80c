package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What an attacker on the path or at the server's port can and cannot do, over real sockets. */
@Timeout(60)
class SecurityTest {
    private static final String PASSWORD = "correct horse battery staple";
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final RecordingServerListener serverEvents = new RecordingServerListener();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatServer startServer(ChatServer.Builder builder) throws Exception {
        ChatServer server = builder.bind(new InetSocketAddress("127.0.0.1", 0)).password(PASSWORD)
                .listener(serverEvents).build();
        closeables.add(server);
        server.start();
        return server;
    }

    private LossyRelay tap(ChatServer server, String backHost) throws Exception {
        LossyRelay relay = new LossyRelay(server.localAddress(), 1, 0, 0, 0, backHost);
        closeables.add(relay);
        return relay;
    }

    private ChatClient join(InetSocketAddress via, String username, String password, RecordingClientListener listener)
            throws Exception {
        ChatClient client = ChatClient.builder().server(via).username(username).password(password)
                .listener(listener).build();
        closeables.add(client);
        client.connect();
        return client;
    }

    @Test
    void neitherThePasswordNorAnyTextIsOnTheWireAndReplaysOrForgeriesChangeNothing() throws Exception {
        ChatServer server = startServer(ChatServer.builder());
        LossyRelay relay = tap(server, "127.0.0.1");
        RecordingClientListener joanEvents = new RecordingClientListener();
        RecordingClientListener egaEvents = new RecordingClientListener();
        ChatClient joan = join(relay.address(), "joan", PASSWORD, joanEvents);
        join(relay.address(), "ega", PASSWORD, egaEvents);
        joanEvents.assertJoined("ega");
        String secret = "the launch code is 0000";
        joan.send(secret).get(10, TimeUnit.SECONDS);
        egaEvents.assertMessage("joan", secret);
        joanEvents.assertMessage("joan", secret);
        List<LossyRelay.Captured> captured = relay.captured();

        for (LossyRelay.Captured datagram : captured) {
            String asText = new String(datagram.bytes(), StandardCharsets.ISO_8859_1);
            String asUtf8 = new String(datagram.bytes(), StandardCharsets.UTF_8);
            assertThat(asText).doesNotContain(PASSWORD).doesNotContain("launch code");
            assertThat(asUtf8).doesNotContain(PASSWORD).doesNotContain("launch code");
        }

        // an attacker on the path replays everything twice, and sends a bit-flipped copy of each
        for (int round = 0; round < 2; round++) {
            for (LossyRelay.Captured datagram : captured) {
                relay.inject(datagram, datagram.bytes());
            }
        }
        for (LossyRelay.Captured datagram : captured) {
            byte[] flipped = datagram.bytes().clone();
            flipped[flipped.length / 2] ^= 0x04;
            relay.inject(datagram, flipped);
        }
        // a fresh message after the storm shows the room still works and nothing was duplicated
        joan.send("after the storm").get(10, TimeUnit.SECONDS);

        egaEvents.assertMessage("joan", "after the storm");
        joanEvents.assertMessage("joan", "after the storm");
        egaEvents.assertExhausted();
        joanEvents.assertExhausted();
        assertThat(server.members()).containsExactly("joan", "ega");
    }

    /**
     * The wiring of the password throttle: wrong passwords fail as {@link AuthenticationException},
     * and once the address is throttled every attempt from it, the right password included, fails
     * as a {@link ChatException} that says why; another address still joins. How many failures
     * and for how long is proven exactly, in virtual time, by {@code TimingRulesTest}.
     */
    @Test
    void wrongPasswordsFromOneAddressAreThrottledWhileAnotherAddressJoins() throws Exception {
        ChatServer server = startServer(ChatServer.builder());
        LossyRelay guesserAddress = tap(server, "127.0.0.2");
        for (int i = 0; i < 5; i++) {
            ChatClient guess = ChatClient.builder().server(guesserAddress.address()).username("mallory")
                    .password("guess-" + i).build();
            closeables.add(guess);
            assertThatThrownBy(guess::connect).as("guess %d", i).isInstanceOf(AuthenticationException.class);
        }
        ChatClient throttled = ChatClient.builder().server(guesserAddress.address()).username("mallory")
                .password("guess-5").build();
        closeables.add(throttled);
        assertThatThrownBy(throttled::connect).isInstanceOf(ChatException.class)
                .isNotInstanceOf(AuthenticationException.class).hasMessageContaining("too many wrong passwords")
                .hasMessageContaining("temporarily refused").hasMessageFindingMatch("try again in \\d+ s");

        ChatClient joan = join(server.localAddress(), "joan", PASSWORD, new RecordingClientListener());
        assertThat(joan.members()).containsExactly("joan");
        ChatClient stillRefused = ChatClient.builder().server(guesserAddress.address()).username("mallory")
                .password(PASSWORD).build();
        closeables.add(stillRefused);
        assertThatThrownBy(stillRefused::connect).isInstanceOf(ChatException.class)
                .hasMessageContaining("too many wrong passwords");
    }

    /**
     * The wiring of the rate limit: the builder's limit reaches the server, messages over it fail
     * their futures with a {@link ChatException} that says why, and another member still talks.
     * The refill is slow, so that however slowly a loaded machine sends, most of the flood is over
     * the limit; exactly how many messages a rate and a burst let through over a known time is
     * proven, in virtual time, by {@code TimingRulesTest}.
     */
    @Test
    void aFloodingMemberIsLimitedWhileAnotherMembersMessagesStillFlow() throws Exception {
        ChatServer server = startServer(ChatServer.builder().rateLimit(1, 40));
        RecordingClientListener joanEvents = new RecordingClientListener();
        ChatClient joan = join(server.localAddress(), "joan", PASSWORD, joanEvents);
        ChatClient flood = join(server.localAddress(), "flood", PASSWORD, new RecordingClientListener());
        joanEvents.assertJoined("flood");

        List<CompletableFuture<ChatMessage>> spam = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            spam.add(flood.send("spam " + i));
        }
        ChatMessage mine = joan.send("I can still talk").get(10, TimeUnit.SECONDS);

        int accepted = 0;
        int refused = 0;
        for (CompletableFuture<ChatMessage> future : spam) {
            try {
                future.get(10, TimeUnit.SECONDS);
                accepted++;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(ChatException.class).hasMessageContaining("faster than the room");
                refused++;
            }
        }
        assertThat(accepted + refused).isEqualTo(200);
        assertThat(accepted).as("the burst is never refused").isGreaterThanOrEqualTo(40);
        assertThat(refused).isPositive();
        assertThat(mine.text()).isEqualTo("I can still talk");
        assertThat(server.members()).containsExactly("joan", "flood");
    }
}
