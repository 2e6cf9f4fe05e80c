package io.roomcast.gateway.classic;

import io.roomcast.ChatServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;

/** A room on 127.0.0.1 with the password {@link #PASSWORD}, gateways into it, and everything the test opened. */
final class ClassicRoom implements AutoCloseable {
    static final String PASSWORD = "rahasia";

    final ChatServer server;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    ClassicRoom() throws IOException {
        server = ChatServer.builder().bind("127.0.0.1", 0).password(PASSWORD).build();
        server.start();
    }

    /** A started gateway on 127.0.0.1, port 0, configured further by {@code configure}. */
    ClassicGateway gateway(UnaryOperator<ClassicGateway.Builder> configure) throws IOException {
        ClassicGateway gateway = configure.apply(ClassicGateway.builder().room(server.localAddress())
                .bind(new InetSocketAddress("127.0.0.1", 0))).build();
        opened.push(gateway);
        gateway.start();
        return gateway;
    }

    ClassicGateway gateway() throws IOException {
        return gateway(builder -> builder);
    }

    ClassicGateway gateway(Duration idleTimeout) throws IOException {
        return gateway(builder -> builder.idleTimeout(idleTimeout));
    }

    ClassicTestClient classic(ClassicGateway gateway) throws IOException {
        return remember(new ClassicTestClient(gateway.address()));
    }

    RecordingMember member(String name) throws IOException {
        return remember(new RecordingMember(server.localAddress(), name, PASSWORD));
    }

    private <T extends AutoCloseable> T remember(T closeable) {
        opened.push(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
        server.close();
    }
}
