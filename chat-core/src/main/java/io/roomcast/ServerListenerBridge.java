package io.roomcast;

import io.roomcast.internal.io.CallbackDispatcher;
import io.roomcast.internal.protocol.ServerEventSink;
import io.roomcast.internal.wire.CloseReason;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Turns a server engine's events into {@link ChatServerListener} calls, run on the dispatcher.
 * The room never waits for the listener: past {@link CallbackDispatcher#MAX_QUEUED_CALLBACKS}
 * waiting calls, a message or a join is dropped (and counted by the dispatcher). A member's
 * {@code onMemberLeft} is queued whatever the bound when its {@code onMemberJoined} was, and
 * dropped when that was, so the listener never sees a leave without its join or a join without
 * its leave. Those leaves stay bounded: at most one per member whose join was queued.
 *
 * <p>Threads: called on the I/O thread; it builds the public values there and hands each
 * listener call to the dispatcher, so the listener never runs on the I/O thread. The names whose
 * join was queued belong to the I/O thread.
 */
final class ServerListenerBridge implements ServerEventSink {
    private final ChatServerListener listener;
    private final CallbackDispatcher callbacks;
    /** Members whose onMemberJoined was queued and whose onMemberLeft was not yet: at most the room's members. */
    private final Set<String> joinsQueued = new HashSet<>();

    ServerListenerBridge(ChatServerListener listener, CallbackDispatcher callbacks) {
        this.listener = listener;
        this.callbacks = callbacks;
    }

    @Override
    public void memberJoined(long sequence, String username, InetSocketAddress address) {
        Member member = new Member(username, address);
        if (callbacks.offer(() -> listener.onMemberJoined(member))) {
            joinsQueued.add(username);
        }
    }

    @Override
    public void message(long sequence, String sender, String text, long timestampMillis) {
        ChatMessage message = new ChatMessage(sequence, sender, text, Instant.ofEpochMilli(timestampMillis));
        callbacks.offer(() -> listener.onMessage(message));
    }

    @Override
    public void privateMessage(String sender, String recipient, String text, long timestampMillis) {
        PrivateMessage message = new PrivateMessage(sender, recipient, text, Instant.ofEpochMilli(timestampMillis));
        callbacks.offer(() -> listener.onPrivateMessage(message)); // dropped and counted past the bound, as messages
    }

    @Override
    public void memberLeft(long sequence, String username, InetSocketAddress address, CloseReason reason) {
        if (!joinsQueued.remove(username)) {
            return; // its join was dropped; the dispatcher counted it
        }
        Member member = new Member(username, address);
        LeaveReason leaveReason = LeaveReasons.of(reason);
        callbacks.execute(() -> listener.onMemberLeft(member, leaveReason));
    }
}
