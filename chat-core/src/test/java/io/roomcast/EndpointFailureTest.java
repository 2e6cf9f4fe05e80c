package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client whose endpoint the shared loop removes for a failure (here its channel, closed under the
 * loop, as a {@code receive} or {@code send} that throws would) ends as a lost connection does: its
 * listener hears {@code onDisconnected(TIMED_OUT)}, its unconfirmed sends fail, its members are
 * forgotten — well before any timeout — and another client on the same loop goes on. Real sockets
 * on loopback: the wiring; the loop's rules are in {@code EventLoopFailureTest}.
 */
@Timeout(60)
class EndpointFailureTest {
    /** Far longer than the test waits: nothing here may be rescued by a timeout. */
    private static final Duration PATIENT = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }

    /** The client's runtime, which its lifecycle holds once connect() has started it. */
    private static Object runtime(ChatClient client) throws ReflectiveOperationException {
        return field(field(client, "life"), "runtime");
    }

    private static Object endpoint(ChatClient client) throws ReflectiveOperationException {
        return field(runtime(client), "endpoint");
    }

    private ChatClient join(ChatServer server, String username, ChatClientListener listener) throws Exception {
        ChatClient client = ChatClient.builder().server(server.localAddress()).username(username).password("secret")
                .idleTimeout(PATIENT).connectTimeout(PATIENT).listener(listener).build();
        closeables.add(client);
        client.connect();
        return client;
    }

    @Test
    void aClientWhoseEndpointFailsIsDisconnectedAndItsSendsFailWhileItsLoopGoesOn() throws Exception {
        ChatServer server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password("secret")
                .roomName("hall").idleTimeout(PATIENT).build();
        closeables.add(server);
        server.start();
        BlockingQueue<LeaveReason> disconnects = new LinkedBlockingQueue<>();
        ChatClient zed = join(server, "zed", new ChatClientListener() {
            @Override
            public void onDisconnected(LeaveReason reason) {
                disconnects.add(reason);
            }
        });
        Object zedLoop = field(endpoint(zed), "loop");
        // shared loops are given by load: as the loads even out, one of these shares zed's
        ChatClient buddy = null;
        for (int i = 0; buddy == null && i <= 2 * Runtime.getRuntime().availableProcessors() + 1; i++) {
            ChatClient candidate = join(server, "buddy" + i, new ChatClientListener() {
            });
            if (field(endpoint(candidate), "loop") == zedLoop) {
                buddy = candidate;
            }
        }
        assertThat(buddy).as("a client on zed's loop").isNotNull();

        List<CompletableFuture<ChatMessage>> sends = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sends.add(zed.send("before " + i));
        }
        ((DatagramChannel) field(endpoint(zed), "channel")).close(); // as receive() or send() failing would
        for (int i = 0; i < 5; i++) {
            sends.add(zed.send("after " + i));
        }

        assertThat(disconnects.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("zed's listener is told")
                .isEqualTo(LeaveReason.TIMED_OUT);
        CompletableFuture<ChatMessage> last = sends.get(sends.size() - 1);
        assertThatThrownBy(() -> last.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ChatException.class);
        for (CompletableFuture<ChatMessage> send : sends) {
            send.handle((message, failure) -> null).get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // none hangs
        }
        assertThat(zed.members()).isEmpty();

        ChatMessage sent = buddy.send("still here").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(sent.text()).isEqualTo("still here");
        assertThat(buddy.members()).contains(buddy.username());

        zed.close();
        assertThat(disconnects).as("told once: close() adds no LEFT").isEmpty();
    }

    @Test
    void aClientWhoseEndpointFailsWhileJoiningFailsToConnectAtOnceNotAfterItsTimeout() throws Exception {
        try (DatagramSocket silentServer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silentServer.setSoTimeout((int) WAIT.toMillis());
            ChatClient client = ChatClient.builder().server((InetSocketAddress) silentServer.getLocalSocketAddress())
                    .username("zed").password("secret").connectTimeout(PATIENT).build();
            closeables.add(client);
            CompletableFuture<Void> connecting = CompletableFuture.runAsync(() -> {
                try {
                    client.connect();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            silentServer.receive(new DatagramPacket(new byte[2048], 2048)); // the client is joining
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (runtime(client) == null && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // set as connect() returns from starting the engine
            }
            ((DatagramChannel) field(endpoint(client), "channel")).close(); // its next handshake send fails

            assertThatThrownBy(() -> connecting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("connect fails well before its %s timeout", PATIENT)
                    .isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(ChatException.class);
        }
    }
}
