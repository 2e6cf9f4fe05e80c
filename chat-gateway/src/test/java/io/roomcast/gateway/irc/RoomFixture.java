package io.roomcast.gateway.irc;

import io.roomcast.ChatClient;
import io.roomcast.ChatServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A room (ChatServer on 127.0.0.1, port 0, password {@value #PASSWORD}, room {@code lobby}) with an
 * IRC gateway in front of it (127.0.0.1, port 0), and helpers to add IRC and native members.
 * Closes everything it made.
 */
final class RoomFixture implements AutoCloseable {
    static final String PASSWORD = "secret";
    static final String CHANNEL = "#lobby";

    final ChatServer server;
    final IrcGateway gateway;
    private final List<AutoCloseable> opened = new ArrayList<>();

    RoomFixture() throws IOException {
        this(s -> { }, g -> { });
    }

    RoomFixture(Consumer<ChatServer.Builder> serverOptions, Consumer<IrcGateway.Builder> gatewayOptions) throws IOException {
        ChatServer.Builder sb = ChatServer.builder().bind("127.0.0.1", 0).password(PASSWORD).roomName("lobby");
        serverOptions.accept(sb);
        server = sb.build();
        server.start();
        IrcGateway.Builder gb = IrcGateway.builder().room(server.localAddress())
                .bind(new InetSocketAddress("127.0.0.1", 0)).connectTimeout(Duration.ofSeconds(10));
        gatewayOptions.accept(gb);
        gateway = gb.build();
        try {
            gateway.start();
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    IrcTestClient irc() throws IOException {
        IrcTestClient client = IrcTestClient.connect(gateway.address());
        opened.add(client);
        return client;
    }

    IrcTestClient ircUser(String nick) throws IOException, InterruptedException {
        return irc().register(nick, PASSWORD);
    }

    RecordingListener nativeUser(String name) throws IOException {
        RecordingListener events = new RecordingListener();
        ChatClient client = ChatClient.builder().server(server.localAddress()).username(name).password(PASSWORD)
                .listener(events).build();
        opened.add(client);
        client.connect();
        events.client = client;
        return events;
    }

    @Override
    public void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                // closing what the test opened; the test's outcome is already decided
            }
        }
        gateway.close();
        server.close();
    }
}
