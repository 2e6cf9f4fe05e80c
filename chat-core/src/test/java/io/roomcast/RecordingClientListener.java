package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client listener that records every call in a queue, with assertions that each wait a
 * bounded time for the next call (after OkHttp's WebSocketRecorder).
 */
final class RecordingClientListener implements ChatClientListener {
    static final Duration WAIT = Duration.ofSeconds(10);

    sealed interface Event permits Message, Joined, Left, Disconnected, History, Private, Announced, Reconnecting,
            Reconnected {
    }

    record History(List<ChatMessage> messages) implements Event {
    }

    record Private(PrivateMessage message) implements Event {
    }

    record Announced(Announcement announcement) implements Event {
    }

    record Message(ChatMessage message) implements Event {
    }

    record Joined(String username) implements Event {
    }

    record Left(String username, LeaveReason reason) implements Event {
    }

    record Disconnected(LeaveReason reason) implements Event {
    }

    record Reconnecting(LeaveReason cause) implements Event {
    }

    record Reconnected(boolean nothingMissed) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Thread> callbackThreads = new ArrayList<>();
    private final boolean recordsHistory;

    /** A recorder that leaves history out: most tests do not ask for it. */
    RecordingClientListener() {
        this(false);
    }

    private RecordingClientListener(boolean recordsHistory) {
        this.recordsHistory = recordsHistory;
    }

    /** A recorder whose first event of each join is its history. */
    static RecordingClientListener withHistory() {
        return new RecordingClientListener(true);
    }

    @Override
    public void onHistory(List<ChatMessage> messages) {
        if (recordsHistory) {
            record(new History(messages));
        }
    }

    @Override
    public void onPrivateMessage(PrivateMessage message) {
        record(new Private(message));
    }

    @Override
    public void onAnnouncement(Announcement announcement) {
        record(new Announced(announcement));
    }

    @Override
    public void onMessage(ChatMessage message) {
        record(new Message(message));
    }

    @Override
    public void onMemberJoined(String username) {
        record(new Joined(username));
    }

    @Override
    public void onMemberLeft(String username, LeaveReason reason) {
        record(new Left(username, reason));
    }

    @Override
    public void onDisconnected(LeaveReason reason) {
        record(new Disconnected(reason));
    }

    @Override
    public void onReconnecting(LeaveReason cause) {
        record(new Reconnecting(cause));
    }

    @Override
    public void onReconnected(boolean nothingMissed) {
        record(new Reconnected(nothingMissed));
    }

    private void record(Event event) {
        synchronized (callbackThreads) {
            callbackThreads.add(Thread.currentThread());
        }
        events.add(event);
    }

    /** The next event, waiting at most {@link #WAIT}. */
    Event next() throws InterruptedException {
        Event event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("an event within %s", WAIT).isNotNull();
        return event;
    }

    ChatMessage assertMessage(String sender, String text) throws InterruptedException {
        Event event = next();
        assertThat(event).isInstanceOf(Message.class);
        ChatMessage message = ((Message) event).message();
        assertThat(message.sender()).isEqualTo(sender);
        assertThat(message.text()).isEqualTo(text);
        return message;
    }

    /** The next {@code count} events, each of which must be a message. */
    List<ChatMessage> takeMessages(int count) throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Event event = next();
            assertThat(event).as("event %d of %d", i + 1, count).isInstanceOf(Message.class);
            messages.add(((Message) event).message());
        }
        return messages;
    }

    List<ChatMessage> assertHistory() throws InterruptedException {
        Event event = next();
        assertThat(event).isInstanceOf(History.class);
        return ((History) event).messages();
    }

    PrivateMessage assertPrivate(String sender, String text) throws InterruptedException {
        Event event = next();
        assertThat(event).isInstanceOf(Private.class);
        PrivateMessage message = ((Private) event).message();
        assertThat(message.sender()).isEqualTo(sender);
        assertThat(message.text()).isEqualTo(text);
        return message;
    }

    Announcement assertAnnouncement(String text) throws InterruptedException {
        Event event = next();
        assertThat(event).isInstanceOf(Announced.class);
        Announcement announcement = ((Announced) event).announcement();
        assertThat(announcement.text()).isEqualTo(text);
        return announcement;
    }

    void assertJoined(String username) throws InterruptedException {
        assertThat(next()).isEqualTo(new Joined(username));
    }

    void assertLeft(String username, LeaveReason reason) throws InterruptedException {
        assertThat(next()).isEqualTo(new Left(username, reason));
    }

    void assertDisconnected(LeaveReason reason) throws InterruptedException {
        assertThat(next()).isEqualTo(new Disconnected(reason));
    }

    void assertReconnecting(LeaveReason cause) throws InterruptedException {
        assertThat(next()).isEqualTo(new Reconnecting(cause));
    }

    void assertReconnected(boolean nothingMissed) throws InterruptedException {
        assertThat(next()).isEqualTo(new Reconnected(nothingMissed));
    }

    /** Nothing else has been recorded. */
    void assertExhausted() {
        assertThat(events).as("no further events").isEmpty();
    }

    List<Thread> callbackThreads() {
        synchronized (callbackThreads) {
            return List.copyOf(callbackThreads);
        }
    }
}
