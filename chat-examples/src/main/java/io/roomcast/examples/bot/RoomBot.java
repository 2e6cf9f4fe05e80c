package io.roomcast.examples.bot;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.LeaveReason;
import io.roomcast.PrivateMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Embed a room in your app: a bot that joins a room and answers {@code !time} and {@code !who},
 * in the room, or privately to a private message. Everything it does is the public API: build a
 * client, connect, react in the listener, send. It leaves {@code onHistory} at its default:
 * questions asked before it came are not for it.
 */
public final class RoomBot implements ChatClientListener, AutoCloseable {
    private final ChatClient client;
    private final CountDownLatch gone = new CountDownLatch(1);
    private volatile LeaveReason leftFor; // set before gone opens

    /** A bot for the room at {@code server}; {@link #start()} joins. */
    public RoomBot(InetSocketAddress server, String username, String password) {
        this(List.of(server), username, password);
    }

    /**
     * A bot for the room reached through any of {@code servers} (the servers of one room's cluster,
     * tried in that order, see {@link ChatClient.Builder#servers}); {@link #start()} joins.
     */
    public RoomBot(List<InetSocketAddress> servers, String username, String password) {
        this.client = ChatClient.builder().servers(servers).username(username).password(password)
                .listener(this).build();
    }

    /**
     * Joins the room; throws {@link io.roomcast.ChatException} if the room refuses
     * ({@link io.roomcast.BannedException} if the host banned the bot).
     */
    public void start() throws IOException {
        client.connect();
    }

    @Override
    public void onMessage(ChatMessage message) {
        if (message.sender().equals(client.username())) {
            return; // its own answers come back too: the room's order includes everyone
        }
        String answer = answer(message.text());
        if (answer != null) {
            client.send(answer);
        }
    }

    @Override
    public void onPrivateMessage(PrivateMessage message) {
        String answer = answer(message.text());
        if (answer != null) {
            client.sendPrivate(message.sender(), answer);
        }
    }

    /** The answer to {@code text}, or {@code null} if it asks nothing the bot knows. */
    private String answer(String text) {
        return switch (text.strip()) {
            case "!time" -> "It is " + ZonedDateTime.now(ZoneId.systemDefault())
                    .format(DateTimeFormatter.ofPattern("HH:mm:ss z")) + ".";
            case "!who" -> client.members().size() + " here: " + String.join(", ", client.members());
            default -> null;
        };
    }

    @Override
    public void onDisconnected(LeaveReason reason) {
        leftFor = reason;
        gone.countDown();
    }

    /** Blocks until the bot is out of the room (closed, the room closed, kicked or banned), and says why. */
    public LeaveReason awaitDisconnected() throws InterruptedException {
        gone.await();
        return leftFor;
    }

    @Override
    public void close() {
        client.close();
    }
}
