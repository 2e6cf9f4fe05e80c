package io.roomcast.examples.bot;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.LeaveReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;

/**
 * Embed a room in your app: a bot that joins a room and answers {@code !time} and {@code !who}.
 * Everything it does is the public API: build a client, connect, react in the listener, send.
 */
public final class RoomBot implements ChatClientListener, AutoCloseable {
    private final ChatClient client;
    private final CountDownLatch gone = new CountDownLatch(1);

    /** A bot for the room at {@code server}; {@link #start()} joins. */
    public RoomBot(InetSocketAddress server, String username, String password) {
        this.client = ChatClient.builder().server(server).username(username).password(password)
                .listener(this).build();
    }

    /** Joins the room; throws {@link io.roomcast.ChatException} if the room refuses. */
    public void start() throws IOException {
        client.connect();
    }

    @Override
    public void onMessage(ChatMessage message) {
        if (message.sender().equals(client.username())) {
            return; // its own answers come back too: the room's order includes everyone
        }
        switch (message.text().strip()) {
            case "!time" -> client.send("It is " + ZonedDateTime.now(ZoneId.systemDefault())
                    .format(DateTimeFormatter.ofPattern("HH:mm:ss z")) + ".");
            case "!who" -> client.send(client.members().size() + " here: " + String.join(", ", client.members()));
            default -> {
            }
        }
    }

    @Override
    public void onDisconnected(LeaveReason reason) {
        gone.countDown();
    }

    /** Blocks until the bot is out of the room (closed, or the room closed). */
    public void awaitDisconnected() throws InterruptedException {
        gone.await();
    }

    @Override
    public void close() {
        client.close();
    }
}
