package io.roomcast;

import io.roomcast.internal.protocol.ServerEventSink;
import io.roomcast.internal.wire.CloseReason;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * Turns a server engine's events into {@link ChatServerListener} calls, run on the dispatcher.
 *
 * <p>Threads: called on the I/O thread; it builds the public values there and hands each
 * listener call to the dispatcher, so the listener never runs on the I/O thread. Holds no
 * mutable state.
 */
final class ServerListenerBridge implements ServerEventSink {
    private final ChatServerListener listener;
    private final Executor callbacks;

    ServerListenerBridge(ChatServerListener listener, Executor callbacks) {
        this.listener = listener;
        this.callbacks = callbacks;
    }

    @Override
    public void memberJoined(long sequence, String username, InetSocketAddress address) {
        Member member = new Member(username, address);
        callbacks.execute(() -> listener.onMemberJoined(member));
    }

    @Override
    public void message(long sequence, String sender, String text, long timestampMillis) {
        ChatMessage message = new ChatMessage(sequence, sender, text, Instant.ofEpochMilli(timestampMillis));
        callbacks.execute(() -> listener.onMessage(message));
    }

    @Override
    public void privateMessage(String sender, String recipient, String text, long timestampMillis) {
        PrivateMessage message = new PrivateMessage(sender, recipient, text, Instant.ofEpochMilli(timestampMillis));
        callbacks.execute(() -> listener.onPrivateMessage(message));
    }

    @Override
    public void memberLeft(long sequence, String username, InetSocketAddress address, CloseReason reason) {
        Member member = new Member(username, address);
        LeaveReason leaveReason = LeaveReasons.of(reason);
        callbacks.execute(() -> listener.onMemberLeft(member, leaveReason));
    }
}
