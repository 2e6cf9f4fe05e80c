package io.roomcast.gateway.irc;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IRCv3 capability negotiation for one connection: CAP LS, LIST, REQ (all or nothing, {@code -cap}
 * removes) and END. A CAP LS or REQ before registration holds registration until CAP END. Commands
 * run on the reader thread; {@link #has} is read from the room's callback threads.
 */
final class Capabilities {
    /** Capabilities offered in CAP LS. */
    static final Set<String> OFFERED = Set.of("server-time", "message-tags", "echo-message", "multi-prefix");

    private final IrcSession session;
    private final Set<String> enabled = ConcurrentHashMap.newKeySet();
    private boolean negotiating;

    Capabilities(IrcSession session) {
        this.session = session;
    }

    boolean has(String cap) {
        return enabled.contains(cap);
    }

    /** Whether negotiation holds registration. */
    boolean negotiating() {
        return negotiating;
    }

    /** Handles a CAP command; {@code true} if it was CAP END (registration may go on). */
    boolean handle(IrcMessage msg, boolean registered) {
        if (!msg.has(0)) {
            session.reply("461", "CAP", "Not enough parameters");
            return false;
        }
        String head = ":" + session.settings().serverName() + " CAP " + session.nickOrStar();
        switch (msg.param(0).toUpperCase(Locale.ROOT)) {
            case "LS" -> {
                negotiating |= !registered;
                session.send(head + " LS :" + String.join(" ", new TreeSet<>(OFFERED)));
            }
            case "LIST" -> session.send(head + " LIST :" + String.join(" ", new TreeSet<>(enabled)));
            case "REQ" -> {
                negotiating |= !registered;
                String wanted = msg.param(1) == null ? "" : msg.param(1).trim();
                String[] tokens = wanted.isEmpty() ? new String[0] : wanted.split(" +");
                boolean known = tokens.length > 0
                        && Arrays.stream(tokens).allMatch(t -> OFFERED.contains(t.startsWith("-") ? t.substring(1) : t));
                if (known) {
                    for (String t : tokens) {
                        if (t.startsWith("-")) {
                            enabled.remove(t.substring(1));
                        } else {
                            enabled.add(t);
                        }
                    }
                }
                session.send(head + (known ? " ACK :" : " NAK :") + IrcText.truncate(wanted, 400));
            }
            case "END" -> {
                negotiating = false;
                return true;
            }
            default -> session.reply("410", IrcText.token(msg.param(0)), "Invalid CAP command");
        }
        return false;
    }
}
