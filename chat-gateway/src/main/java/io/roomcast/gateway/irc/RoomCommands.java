package io.roomcast.gateway.irc;

import io.roomcast.ChatClient;
import io.roomcast.ChatException;
import io.roomcast.MessageRefusedException;
import io.roomcast.RefusalReason;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The commands about the room once registered: messages to the channel and to nicks, NAMES,
 * TOPIC (read-only: a Roomcast room has no topic, so the gateway shows a fixed one), WHO, WHOIS,
 * ISON and channel MODE queries. Runs on the session's reader thread; the futures of sends
 * complete on the room's futures threads and only queue lines.
 */
final class RoomCommands {
    /** At most this many targets in one PRIVMSG or NOTICE (TARGMAX). */
    static final int MAX_TARGETS = 4;

    private final IrcSession session;

    RoomCommands(IrcSession session) {
        this.session = session;
    }

    void join(IrcMessage msg) {
        if (!msg.has(0)) {
            session.reply("461", "JOIN", "Not enough parameters");
            return;
        }
        if (msg.param(0).equals("0")) {
            session.leaveRoom("Left all channels");
            return;
        }
        for (String target : msg.param(0).split(",", 5)) {
            if (!session.isOurChannel(target)) {
                session.reply("403", IrcText.token(target), "No such channel: this gateway has one channel, " + session.channel());
            } else if (session.membership() == null) {
                session.joinRoom(false);
            }
        }
    }

    void part(IrcMessage msg) {
        if (!msg.has(0)) {
            session.reply("461", "PART", "Not enough parameters");
            return;
        }
        for (String target : msg.param(0).split(",", 5)) {
            if (!session.isOurChannel(target)) {
                session.reply("403", IrcText.token(target), "No such channel");
            } else if (session.membership() == null) {
                session.reply("442", session.channel(), "You're not on that channel");
            } else {
                session.leaveRoom(msg.has(1) ? msg.param(1) : "Left");
            }
        }
    }

    void message(IrcMessage msg, boolean notice) {
        String command = notice ? "NOTICE" : "PRIVMSG";
        if (!msg.has(0)) {
            if (!notice) {
                session.reply("411", "No recipient given (" + command + ")");
            }
            return;
        }
        if (!msg.has(1)) {
            if (!notice) {
                session.reply("412", "No text to send");
            }
            return;
        }
        var targets = new java.util.LinkedHashSet<>(java.util.List.of(msg.param(0).split(",", -1)));
        if (targets.size() > MAX_TARGETS) {
            session.reply("407", IrcText.token(msg.param(0)), "Too many targets (at most " + MAX_TARGETS + ")");
            return;
        }
        for (String target : targets) {
            toTarget(target, msg.param(1), notice);
        }
    }

    private void toTarget(String target, String text, boolean notice) {
        RoomBridge bridge = session.membership();
        if (target.startsWith("#")) {
            if (!session.isOurChannel(target)) {
                numeric(notice, "403", IrcText.token(target), "No such channel");
            } else if (bridge == null) {
                numeric(notice, "404", session.channel(), "Cannot send to channel (you are not in the room: JOIN it)");
            } else {
                send(target, notice, () -> bridge.client().send(text));
            }
        } else if (bridge == null) {
            numeric(notice, "401", IrcText.token(target), "No such nick (you are not in the room: JOIN it)");
        } else {
            CompletableFuture<?> sent = send(target, notice, () -> bridge.client().sendPrivate(target, text));
            if (sent != null && session.hasCap("echo-message")) {
                sent.thenAccept(m -> bridge.echoPrivate((io.roomcast.PrivateMessage) m));
            }
        }
    }

    private CompletableFuture<?> send(String target, boolean notice, java.util.function.Supplier<CompletableFuture<?>> sender) {
        CompletableFuture<?> future;
        try {
            future = sender.get();
        } catch (IllegalArgumentException e) {
            if (target.startsWith("#")) {
                session.notice("Not delivered to " + target + ": " + IrcText.forLog(e.getMessage()));
            } else {
                numeric(notice, "401", IrcText.token(target), "No such nick/channel");
            }
            return null;
        } catch (IllegalStateException e) {
            session.notice("Not delivered to " + IrcText.token(target) + ": not in the room");
            return null;
        }
        future.whenComplete((m, error) -> {
            if (error != null) {
                refused(target, notice, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
        });
        return future;
    }

    private void refused(String target, boolean notice, Throwable error) {
        String shown = IrcText.token(target);
        if (error instanceof MessageRefusedException refusal) {
            if (refusal.reason() == RefusalReason.NO_SUCH_MEMBER) {
                numeric(notice, "401", shown, "No such nick/channel");
            } else {
                session.notice("Not delivered to " + shown + " (" + refusal.reason().name().toLowerCase(java.util.Locale.ROOT)
                        + "): " + IrcText.forLog(refusal.detail()));
            }
        } else if (error instanceof ChatException) {
            session.notice("Not delivered to " + shown + ": " + IrcText.forLog(String.valueOf(error.getMessage())));
        } else {
            session.notice("Not delivered to " + shown + ": " + error.getClass().getSimpleName());
        }
    }

    private void numeric(boolean notice, String code, String target, String text) {
        if (!notice) { // no automatic replies to a NOTICE (RFC 2812 3.3.2)
            session.reply(code, target, text);
        }
    }

    void names(IrcMessage msg) {
        RoomBridge bridge = session.membership();
        String target = msg.has(0) ? msg.param(0).split(",", 2)[0] : session.channel();
        if (bridge != null && session.isOurChannel(target)) {
            namesReply(bridge.client());
        } else {
            session.reply("366", msg.has(0) ? IrcText.token(target) : "*", "End of /NAMES list");
        }
    }

    /** 353 lines (as many as the names need) and 366. */
    void namesReply(ChatClient client) {
        String head = ":" + session.settings().serverName() + " 353 " + session.nickOrStar() + " = " + session.channel() + " :";
        int budget = IrcText.MAX_LINE_BYTES - 2 - IrcText.utf8Length(head);
        StringBuilder names = new StringBuilder();
        for (String member : client.members()) {
            if (names.length() > 0 && IrcText.utf8Length(names.toString()) + 1 + IrcText.utf8Length(member) > budget) {
                session.send(head + names);
                names.setLength(0);
            }
            names.append(names.length() > 0 ? " " : "").append(member);
        }
        if (names.length() > 0) {
            session.send(head + names);
        }
        session.reply("366", session.channel(), "End of /NAMES list");
    }

    void topic(IrcMessage msg) {
        if (!msg.has(0)) {
            session.reply("461", "TOPIC", "Not enough parameters");
        } else if (!session.isOurChannel(msg.param(0))) {
            session.reply("403", IrcText.token(msg.param(0)), "No such channel");
        } else if (session.membership() == null) {
            session.reply("442", session.channel(), "You're not on that channel");
        } else if (msg.param(1) != null) {
            session.reply("482", session.channel(), "The topic is read-only: a Roomcast room has no topic");
        } else {
            topicReply();
        }
    }

    /** 332 and 333: the fixed topic, set by the gateway when it was built. */
    void topicReply() {
        GatewaySettings s = session.settings();
        session.reply("332", session.channel(), "Roomcast room " + session.channel().substring(1) + " (via " + s.network() + ")");
        session.reply("333", session.channel(), s.serverName(), Long.toString(s.created().getEpochSecond()));
    }

    void who(IrcMessage msg) {
        String mask = msg.has(0) ? msg.param(0) : "*";
        RoomBridge bridge = session.membership();
        if (bridge != null) {
            boolean wholeChannel = session.isOurChannel(mask);
            for (String member : bridge.client().members()) {
                if (wholeChannel || IrcText.key(member).equals(IrcText.key(mask))) {
                    boolean away = IrcText.key(member).equals(IrcText.key(session.nickOrStar())) && session.away() != null;
                    session.reply("352", session.channel(), member, GatewaySettings.HOST, session.settings().serverName(),
                            member, away ? "G" : "H", "0 " + member);
                }
            }
        }
        session.reply("315", IrcText.token(mask), "End of WHO list");
    }

    void whois(IrcMessage msg) {
        if (!msg.has(0)) {
            session.reply("431", "No nickname given");
            return;
        }
        String wanted = msg.param(msg.has(1) ? 1 : 0);
        RoomBridge bridge = session.membership();
        List<String> found = bridge == null ? List.of()
                : bridge.client().members().stream().filter(m -> IrcText.key(m).equals(IrcText.key(wanted))).toList();
        if (found.isEmpty()) {
            session.reply("401", IrcText.token(wanted), "No such nick/channel");
        } else {
            String member = found.get(0);
            session.reply("311", member, member, GatewaySettings.HOST, "*", member);
            session.reply("319", member, session.channel());
            session.reply("312", member, session.settings().serverName(), "Roomcast room member");
        }
        session.reply("318", IrcText.token(wanted), "End of /WHOIS list");
    }

    void ison(IrcMessage msg) {
        RoomBridge bridge = session.membership();
        StringBuilder present = new StringBuilder();
        if (bridge != null) {
            var members = bridge.client().members().stream().map(IrcText::key).toList();
            for (String p : msg.params()) {
                for (String n : p.split(" ")) {
                    if (!n.isEmpty() && members.contains(IrcText.key(n)) && present.length() < 400) {
                        present.append(present.length() > 0 ? " " : "").append(n);
                    }
                }
            }
        }
        session.reply("303", present.toString());
    }

    void channelMode(IrcMessage msg) {
        String target = msg.param(0);
        if (!session.isOurChannel(target)) {
            session.reply("403", IrcText.token(target), "No such channel");
        } else if (!msg.has(1)) {
            session.reply("324", session.channel(), "+nt");
            session.reply("329", session.channel(), Long.toString(session.settings().created().getEpochSecond()));
        } else if (msg.param(1).equals("b") || msg.param(1).equals("+b")) {
            session.reply("368", session.channel(), "End of channel ban list");
        } else {
            session.reply("482", session.channel(), "You're not channel operator: the room's host moderates it");
        }
    }
}
