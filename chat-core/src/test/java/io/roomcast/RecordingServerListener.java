package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A server listener that records every call, with bounded-wait assertions. */
final class RecordingServerListener implements ChatServerListener {

    sealed interface Event permits Joined, Message, Left, Private {
    }

    record Private(PrivateMessage message) implements Event {
    }

    record Joined(Member member) implements Event {
    }

    record Message(ChatMessage message) implements Event {
    }

    record Left(Member member, LeaveReason reason) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    @Override
    public void onMemberJoined(Member member) {
        events.add(new Joined(member));
    }

    @Override
    public void onMessage(ChatMessage message) {
        events.add(new Message(message));
    }

    @Override
    public void onPrivateMessage(PrivateMessage message) {
        events.add(new Private(message));
    }

    @Override
    public void onMemberLeft(Member member, LeaveReason reason) {
        events.add(new Left(member, reason));
    }

    Event next() throws InterruptedException {
        Event event = events.poll(RecordingClientListener.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("an event within %s", RecordingClientListener.WAIT).isNotNull();
        return event;
    }

    Member assertJoined(String username) throws InterruptedException {
        Event event = next();
        assertThat(event).isInstanceOf(Joined.class);
        Member member = ((Joined) event).member();
        assertThat(member.username()).isEqualTo(username);
        return member;
    }

    ChatMessage assertMessage(String sender, String text) throws InterruptedException {
        Event event = next();
        assertThat(event).isInstanceOf(Message.class);
        ChatMessage message = ((Message) event).message();
        assertThat(message.sender()).isEqualTo(sender);
        assertThat(message.text()).isEqualTo(text);
        return message;
    }

    PrivateMessage assertPrivate(String sender, String recipient, String text) throws InterruptedException {
        Event event = next();
        assertThat(event).isInstanceOf(Private.class);
        PrivateMessage message = ((Private) event).message();
        assertThat(message.sender()).isEqualTo(sender);
        assertThat(message.recipient()).isEqualTo(recipient);
        assertThat(message.text()).isEqualTo(text);
        return message;
    }

    void assertLeft(String username, LeaveReason reason) throws InterruptedException {
        Event event = next();
        assertThat(event).isInstanceOf(Left.class);
        assertThat(((Left) event).member().username()).isEqualTo(username);
        assertThat(((Left) event).reason()).isEqualTo(reason);
    }

    void assertExhausted() {
        assertThat(events).as("no further events").isEmpty();
    }
}
