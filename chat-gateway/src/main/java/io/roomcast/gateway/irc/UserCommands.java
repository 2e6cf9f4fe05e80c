package io.roomcast.gateway.irc;

/**
 * What concerns the IRC user itself: the welcome burst (001-005 and the MOTD), user MODE (only
 * {@code i}, which changes nothing here but is what clients set on connecting) and AWAY (shown in
 * WHO as {@code G}; the room has no away state, so other members do not see it). Runs on the
 * session's reader thread; {@link #awayMessage()} is read from others.
 */
final class UserCommands {
    private final IrcSession session;
    private volatile String away;
    private boolean invisible;

    UserCommands(IrcSession session) {
        this.session = session;
    }

    void welcome() {
        GatewaySettings settings = session.settings();
        String server = settings.serverName();
        session.reply("001", "Welcome to the " + settings.network() + " IRC gateway, " + GatewaySettings.mask(session.nick()));
        session.reply("002", "Your host is " + server + ", running version " + GatewaySettings.VERSION);
        session.reply("003", "This server was created " + settings.created());
        session.reply("004", server, GatewaySettings.VERSION, "i", "nt");
        session.reply("005", "CASEMAPPING=rfc7613", "CHANTYPES=#", "CHANLIMIT=#:1",
                "CHANNELLEN=" + IrcText.utf8Length(session.channel()), "NICKLEN=32", "PREFIX=", "CHANMODES=,,,nt",
                "TARGMAX=PRIVMSG:" + RoomCommands.MAX_TARGETS + ",NOTICE:" + RoomCommands.MAX_TARGETS,
                "NETWORK=" + settings.network(), "UTF8ONLY", "are supported by this server");
        motd();
    }

    void motd() {
        session.reply("375", "- " + session.settings().serverName() + " Message of the day -");
        session.reply("372", "- This gateway puts you in the Roomcast room " + session.channel() + " as " + session.nick() + ".");
        session.reply("372", "- PART leaves the room, JOIN joins it again; the topic is read-only.");
        session.reply("376", "End of /MOTD command.");
    }

    void mode(IrcMessage msg) {
        String nick = session.nick();
        if (!IrcText.key(msg.param(0)).equals(IrcText.key(nick))) {
            session.reply("502", "Can't change mode for other users");
        } else if (!msg.has(1)) {
            session.reply("221", invisible ? "+i" : "+");
        } else if (msg.param(1).matches("[+-]i")) {
            invisible = msg.param(1).charAt(0) == '+';
            session.send(":" + nick + " MODE " + nick + " :" + msg.param(1));
        } else {
            session.reply("501", "Unknown MODE flag (only i)");
        }
    }

    void away(IrcMessage msg) {
        if (msg.has(0)) {
            away = IrcText.truncate(msg.param(0), 200);
            session.reply("306", "You have been marked as being away");
        } else {
            away = null;
            session.reply("305", "You are no longer marked as being away");
        }
    }

    String awayMessage() {
        return away;
    }
}
