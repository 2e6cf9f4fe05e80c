package io.roomcast.gateway.classic;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.Announcement;
import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.LeaveReason;
import io.roomcast.PrivateMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Roomcast member beside the classic clients, recording what it sees as short strings. */
final class RecordingMember implements ChatClientListener, AutoCloseable {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final ChatClient client;

    RecordingMember(InetSocketAddress server, String name, String password) throws IOException {
        client = ChatClient.builder().server(server).username(name).password(password).listener(this).build();
        client.connect();
    }

    /** The next event, waiting a bounded time. */
    String next() throws InterruptedException {
        String event = events.poll(ClassicTestClient.WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(event).as("an event within %d s", ClassicTestClient.WAIT_SECONDS).isNotNull();
        return event;
    }

    void expect(String event) throws InterruptedException {
        assertThat(next()).isEqualTo(event);
    }

    @Override
    public void onMessage(ChatMessage message) {
        events.add("message " + message.sender() + ": " + message.text());
    }

    @Override
    public void onPrivateMessage(PrivateMessage message) {
        events.add("private " + message.sender() + ": " + message.text());
    }

    @Override
    public void onAnnouncement(Announcement announcement) {
        events.add("announcement " + announcement.text());
    }

    @Override
    public void onMemberJoined(String username) {
        events.add("joined " + username);
    }

    @Override
    public void onMemberLeft(String username, LeaveReason reason) {
        events.add("left " + username + " " + reason);
    }

    @Override
    public void close() {
        client.close();
    }
}
