package io.roomcast.gateway.classic;

import io.roomcast.Announcement;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.LeaveReason;
import io.roomcast.PrivateMessage;
import java.util.function.BiConsumer;

/**
 * What the room tells one classic client's {@link io.roomcast.ChatClient}, as the lines the
 * original server sent: every message (the client's own too, as the original forwarded each
 * message to every client), joins and leaves, and, new with Roomcast, private messages and
 * announcements. History is not sent: the original had none, and a classic client that joins
 * sees the room from its join on. Runs on the client's listener thread.
 */
final class ClassicRoomListener implements ChatClientListener {
    private final ClassicSession session;
    private final ClassicLines lines;
    private final BiConsumer<ClassicSession, String> removed;

    /**
     * @param removed called once the room has removed the client for any reason but its own
     *                leave (kicked, banned, timed out, the room closed), with the line that says why
     */
    ClassicRoomListener(ClassicSession session, ClassicLines lines, BiConsumer<ClassicSession, String> removed) {
        this.session = session;
        this.lines = lines;
        this.removed = removed;
    }

    @Override
    public void onMessage(ChatMessage message) {
        session.fromRoom(lines.message(message.sender(), message.text()));
    }

    @Override
    public void onPrivateMessage(PrivateMessage message) {
        session.fromRoom(lines.privateMessage(message.sender(), message.text()));
    }

    @Override
    public void onAnnouncement(Announcement announcement) {
        session.fromRoom(lines.announcement(announcement.text()));
    }

    @Override
    public void onMemberJoined(String username) {
        session.fromRoom(lines.joined(username));
    }

    @Override
    public void onMemberLeft(String username, LeaveReason reason) {
        session.fromRoom(lines.left(username));
    }

    @Override
    public void onDisconnected(LeaveReason reason) {
        if (reason != LeaveReason.LEFT) {
            removed.accept(session, lines.removed(reason));
        }
    }
}
