package io.roomcast.gateway.irc;

import io.roomcast.Announcement;
import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.LeaveReason;
import io.roomcast.PrivateMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The listener of one IRC user's {@link ChatClient}: turns what happens in the room into IRC
 * lines. Events that arrive before the session has sent its JOIN, topic and names (history comes
 * during {@code connect()}) are held and released by {@link #open()}, so the client sees them
 * after the JOIN, in the room's order. After {@link #detach()} (PART, QUIT) nothing more is sent.
 *
 * <p>Threading: callbacks come one at a time on the room's callback threads; {@code open} and
 * {@code detach} on the reader thread; all meet under {@code lock}, held only while lines are
 * queued (which never blocks).
 */
final class RoomBridge implements ChatClientListener {
    /** Events held before {@link #open()} at most; past it the connection is dropped. */
    static final int MAX_HELD = 4096;

    private final IrcSession session;
    private final String nick;
    private final String ownKey;
    private final Object lock = new Object();
    private List<Runnable> held = new ArrayList<>();
    private boolean detached;
    private volatile ChatClient client;

    RoomBridge(IrcSession session, String nick) {
        this.session = session;
        this.nick = nick;
        this.ownKey = IrcText.key(nick);
    }

    void attach(ChatClient chatClient) {
        this.client = chatClient;
    }

    ChatClient client() {
        return client;
    }

    /** Releases the held events and passes the next ones straight through. */
    void open() {
        synchronized (lock) {
            List<Runnable> waiting = held;
            held = null;
            if (!detached) {
                waiting.forEach(Runnable::run);
            }
        }
    }

    void detach() {
        synchronized (lock) {
            detached = true;
        }
    }

    private void deliver(Runnable lines) {
        synchronized (lock) {
            if (detached) {
                return;
            }
            if (held == null) {
                lines.run();
            } else if (held.size() < MAX_HELD) {
                held.add(lines);
            } else {
                session.link().abort("Too many room events before the join completed");
            }
        }
    }

    @Override
    public void onHistory(List<ChatMessage> messages) {
        deliver(() -> messages.forEach(m -> say(m.sender(), session.channel(), m.text(), m.timestamp(), true)));
    }

    @Override
    public void onMessage(ChatMessage message) {
        if (IrcText.key(message.sender()).equals(ownKey) && !session.hasCap("echo-message")) {
            return;
        }
        deliver(() -> say(message.sender(), session.channel(), message.text(), message.timestamp(), false));
    }

    @Override
    public void onPrivateMessage(PrivateMessage message) {
        deliver(() -> say(message.sender(), nick, message.text(), message.timestamp(), false));
    }

    /** With echo-message: the private message this user sent, as the room accepted it. */
    void echoPrivate(PrivateMessage message) {
        deliver(() -> say(message.sender(), message.recipient(), message.text(), message.timestamp(), false));
    }

    @Override
    public void onAnnouncement(Announcement announcement) {
        deliver(() -> lines(":" + session.settings().serverName(), "NOTICE", session.channel(),
                announcement.text(), announcement.timestamp(), ""));
    }

    @Override
    public void onMemberJoined(String username) {
        deliver(() -> session.send(tag(Instant.now()) + ":" + GatewaySettings.mask(username) + " JOIN " + session.channel()));
    }

    @Override
    public void onMemberLeft(String username, LeaveReason reason) {
        deliver(() -> {
            String tag = tag(Instant.now());
            String server = session.settings().serverName();
            switch (reason) {
                case KICKED -> session.send(tag + ":" + server + " KICK " + session.channel() + " " + username + " :Kicked by the room's host");
                case BANNED -> session.send(tag + ":" + server + " KICK " + session.channel() + " " + username + " :Banned by the room's host");
                default -> session.send(tag + ":" + GatewaySettings.mask(username) + " QUIT :" + describe(reason));
            }
        });
    }

    @Override
    public void onReconnecting(LeaveReason cause) {
        deliver(() -> session.notice("Lost the room's server; reconnecting as " + nick + "..."));
    }

    @Override
    public void onReconnected(boolean nothingMissed) {
        deliver(() -> session.notice(nothingMissed ? "Back in the room; nothing was missed"
                : "Back in the room; some events were missed (the last messages were shown again)"));
    }

    @Override
    public void onDisconnected(LeaveReason reason) {
        deliver(() -> session.roomLost(this, reason));
    }

    /** A reason as IRC users read it in a QUIT or PART. */
    static String describe(LeaveReason reason) {
        return switch (reason) {
            case LEFT -> "Left the room";
            case TIMED_OUT -> "Timed out";
            case KICKED -> "Kicked";
            case TOO_SLOW -> "Too slow: fell behind the room";
            case SERVER_CLOSED -> "The room closed";
            case BANNED -> "Banned";
        };
    }

    private void say(String sender, String target, String text, Instant time, boolean history) {
        String stamp = history && !session.hasCap("server-time") ? IrcText.clockStamp(time) : "";
        lines(":" + GatewaySettings.mask(sender), "PRIVMSG", target, text, time, stamp);
    }

    /** {@code text} as as many {@code prefix command target :piece} lines as it needs, each within 512 bytes. */
    private void lines(String prefix, String command, String target, String text, Instant time, String stamp) {
        String head = prefix + " " + command + " " + target + " :";
        int budget = IrcText.MAX_LINE_BYTES - 2 - IrcText.utf8Length(head) - IrcText.utf8Length(stamp);
        String tag = tag(time);
        for (String piece : IrcText.pieces(text, Math.max(16, budget))) {
            session.send(tag + head + stamp + piece);
        }
    }

    private String tag(Instant time) {
        return session.hasCap("server-time") ? "@time=" + IrcText.serverTime(time) + " " : "";
    }
}
