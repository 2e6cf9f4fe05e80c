package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Listeners that block, over real sockets on loopback: a listener may wait for its own send's future. */
@Timeout(120)
class SlowListenerTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatServer startServer(ChatServerListener listener) throws Exception {
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).password("secret")
                .rateLimit(100_000, 100_000).listener(listener).build();
        closeables.add(server);
        server.start();
        return server;
    }

    private ChatClient join(ChatServer server, String username, ChatClientListener listener) throws Exception {
        ChatClient client = ChatClient.builder().server(server.localAddress()).username(username).password("secret")
                .listener(listener).build();
        closeables.add(client);
        client.connect();
        return client;
    }

    @Test
    void aListenerCanWaitForItsOwnSendInsideOnMessage() throws Exception {
        ChatServer server = startServer(new ChatServerListener() {
        });
        AtomicReference<ChatClient> joan = new AtomicReference<>();
        BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        joan.set(join(server, "joan", new ChatClientListener() {
            @Override
            public void onMessage(ChatMessage message) {
                if (message.text().equals("ping")) {
                    try {
                        answers.add(joan.get().send("pong").get(5, TimeUnit.SECONDS));
                    } catch (Exception e) {
                        answers.add(e);
                    }
                }
            }
        }));
        ChatClient ega = join(server, "ega", new ChatClientListener() {
        });

        ega.send("ping").get(10, TimeUnit.SECONDS);

        Object answer = answers.poll(20, TimeUnit.SECONDS);
        assertThat(answer).as("the listener's own send completed while it waited in onMessage")
                .isInstanceOfSatisfying(ChatMessage.class, message -> {
                    assertThat(message.sender()).isEqualTo("joan");
                    assertThat(message.text()).isEqualTo("pong");
                });
    }
}
