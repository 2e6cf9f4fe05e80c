package io.roomcast.benchmarks;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A real {@link ChatServer} and real {@link ChatClient} members in this JVM on 127.0.0.1, with
 * everything on that users run: SRP handshake, AES-GCM, reliability, the callback dispatcher.
 * Two settings differ from the defaults: the server's per-member rate limit, raised so the
 * benchmark measures the room rather than the limit (a chat room's default is 20 messages/s),
 * and the member limit, raised to the room's size when that exceeds the default.
 */
final class LoopbackRoom implements AutoCloseable {
    static final String PASSWORD = "benchmark password";
    /** High enough that the token bucket never refuses a benchmark's messages. */
    static final double UNLIMITED_MESSAGES_PER_SECOND = 1e9;

    final ChatServer server;
    final List<ChatClient> members = new ArrayList<>();

    /**
     * Starts the server and joins {@code size} members named {@code m0, m1, ...}, member
     * {@code i} with the listener {@code listeners.apply(i)}.
     */
    LoopbackRoom(int size, IntFunction<ChatClientListener> listeners) throws IOException {
        server = ChatServer.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .password(PASSWORD)
                .roomName("benchmark")
                .maxMembers(Math.max(size, ChatServer.DEFAULT_MAX_MEMBERS))
                .rateLimit(UNLIMITED_MESSAGES_PER_SECOND, Integer.MAX_VALUE)
                .build();
        server.start();
        try {
            for (int i = 0; i < size; i++) {
                ChatClient client = newClient("m" + i, listeners.apply(i));
                client.connect();
                members.add(client);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The CPU clock of the server's I/O thread, the one thread every message passes through. */
    ThreadCpuClock serverLoopClock() {
        return ThreadCpuClock.ofThreadNamed("roomcast-server-" + server.localAddress().getPort() + "-io");
    }

    /** A client for this room, not yet connected. */
    ChatClient newClient(String username, ChatClientListener listener) {
        return ChatClient.builder()
                .server(server.localAddress())
                .username(username)
                .password(PASSWORD)
                .listener(listener)
                .build();
    }

    /** A string of {@code bytes} ASCII characters: a message of that many bytes of UTF-8. */
    static String payload(int bytes) {
        return "x".repeat(bytes);
    }

    @Override
    public void close() {
        for (ChatClient member : members) {
            member.close();
        }
        server.close();
    }
}
