package io.roomcast.gateway.irc;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.LeaveReason;
import io.roomcast.PrivateMessage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A native member's events as strings in a queue, awaited with a bound. */
final class RecordingListener implements ChatClientListener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    volatile ChatClient client;

    @Override
    public void onMessage(ChatMessage message) {
        events.add("message " + message.sender() + ": " + message.text());
    }

    @Override
    public void onPrivateMessage(PrivateMessage message) {
        events.add("private " + message.sender() + ": " + message.text());
    }

    @Override
    public void onMemberJoined(String username) {
        events.add("joined " + username);
    }

    @Override
    public void onMemberLeft(String username, LeaveReason reason) {
        events.add("left " + username + " " + reason);
    }

    /** Waits for the next event that starts with {@code prefix}, skipping others. */
    String await(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + IrcTestClient.WAIT.toNanos();
        while (true) {
            String e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("timed out waiting for an event starting '" + prefix + "'");
            }
            if (e.startsWith(prefix)) {
                return e;
            }
        }
    }
}
