package io.roomcast.gateway.irc;

import io.roomcast.AuthenticationException;
import io.roomcast.BannedException;
import io.roomcast.ChatClient;
import io.roomcast.ChatException;
import io.roomcast.InvalidUsernameException;
import io.roomcast.LeaveReason;
import io.roomcast.UsernameTakenException;
import java.io.IOException;
import java.text.Normalizer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IRC client's protocol state: registration (CAP, PASS, NICK, USER), then the room as one
 * channel. Registering joins the room: a {@code ChatClient} with the nick as its username and
 * PASS as the room password, so 464/433/432 come from the room's own answer. PART leaves the room
 * (the ChatClient closes; others see the member leave) and JOIN joins it again with a new one.
 *
 * <p>Threading: commands run on the connection's reader thread, one at a time; the fields the
 * room's callbacks read (caps, nick, channel, membership) are volatile or atomic.
 */
final class IrcSession {
    /** Joins one connection may try in a burst: each is an SRP handshake the room's server pays for. */
    static final int JOIN_BURST = 5;
    /** The pause that earns one more join attempt. */
    static final long JOIN_REFILL_NANOS = 10_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(IrcSession.class);

    private final IrcConnection link;
    private final GatewaySettings settings;
    private final RoomCommands room;
    private final UserCommands self;
    private final long registrationDeadline;
    private final AtomicReference<RoomBridge> membership = new AtomicReference<>();
    private final Capabilities caps = new Capabilities(this);
    private volatile String nick;
    private volatile String channel;
    private String user;
    private String password = "";
    private boolean registered;
    private boolean pingSent;
    private double joinTokens = JOIN_BURST;
    private long joinTokensAt = System.nanoTime();

    IrcSession(IrcConnection link, GatewaySettings settings) {
        this.link = link;
        this.settings = settings;
        this.room = new RoomCommands(this);
        this.self = new UserCommands(this);
        this.registrationDeadline = System.nanoTime() + settings.registrationTimeout().toNanos();
    }

    // ---- what the connection calls (reader thread)

    int readTimeoutMillis() {
        if (!registered) {
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (registrationDeadline - System.nanoTime()) / 1_000_000));
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.pingInterval().toMillis()));
    }

    void onReadTimeout() {
        if (!registered) {
            link.close("Registration timed out");
        } else if (pingSent) {
            link.close("Ping timeout: " + settings.pingInterval().toSeconds() + " seconds");
        } else {
            pingSent = true;
            send("PING :" + settings.serverName());
        }
    }

    void onLineTooLong() {
        reply("417", "Input line was too long");
    }

    void onLine(String line) {
        pingSent = false;
        IrcMessage msg = IrcMessage.parse(line);
        if (msg == null) {
            return;
        }
        String cmd = msg.command();
        switch (cmd) {
            case "CAP" -> {
                if (caps.handle(msg, registered)) {
                    tryRegister();
                }
            }
            case "PASS" -> pass(msg);
            case "NICK" -> nick(msg);
            case "USER" -> user(msg);
            case "PING" -> ping(msg);
            case "PONG" -> { }
            case "QUIT" -> link.close(msg.has(0) ? "Quit: " + msg.param(0) : "Quit");
            default -> {
                if (!registered) {
                    reply("451", "You have not registered");
                } else {
                    registeredCommand(cmd, msg);
                }
            }
        }
    }

    /** The connection ended: leave the room. Reader thread. */
    void end() {
        RoomBridge bridge = membership.getAndSet(null);
        if (bridge != null) {
            bridge.detach();
            bridge.client().close();
        }
    }

    private void registeredCommand(String cmd, IrcMessage msg) {
        switch (cmd) {
            case "PRIVMSG", "NOTICE" -> room.message(msg, cmd.equals("NOTICE"));
            case "JOIN" -> room.join(msg);
            case "PART" -> room.part(msg);
            case "NAMES" -> room.names(msg);
            case "TOPIC" -> room.topic(msg);
            case "WHO" -> room.who(msg);
            case "WHOIS" -> room.whois(msg);
            case "ISON" -> room.ison(msg);
            case "MODE" -> mode(msg);
            case "AWAY" -> self.away(msg);
            case "MOTD" -> self.motd();
            case "TAGMSG" -> { } // the room carries no tags: accepted, not relayed
            default -> reply("421", IrcText.token(cmd), "Unknown command");
        }
    }

    // ---- registration

    private void pass(IrcMessage msg) {
        if (registered) {
            reply("462", "You may not reregister");
        } else if (msg.param(0) == null) {
            reply("461", "PASS", "Not enough parameters");
        } else {
            password = msg.param(0);
        }
    }

    private void nick(IrcMessage msg) {
        if (!msg.has(0)) {
            reply("431", "No nickname given");
            return;
        }
        String wanted = Normalizer.normalize(msg.param(0), Normalizer.Form.NFC);
        if (registered) {
            if (!IrcText.key(wanted).equals(IrcText.key(nick))) {
                reply("400", "NICK", "Nick changes are not supported: a Roomcast member keeps its name; reconnect with the new nick");
            }
            return;
        }
        try {
            ChatClient.builder().username(wanted);
        } catch (IllegalArgumentException e) {
            reply("432", IrcText.token(wanted), "Erroneous nickname: letters, digits, _ - . only, at most 32");
            return;
        }
        nick = wanted;
        tryRegister();
    }

    private void user(IrcMessage msg) {
        if (registered) {
            reply("462", "You may not reregister");
        } else if (msg.params().size() < 4 || !msg.has(0)) {
            reply("461", "USER", "Not enough parameters");
        } else {
            user = msg.param(0);
            tryRegister();
        }
    }

    private void ping(IrcMessage msg) {
        if (!msg.has(0)) {
            reply("409", "No origin specified");
        } else {
            send(":" + settings.serverName() + " PONG " + settings.serverName() + " :" + msg.param(0));
        }
    }

    private void tryRegister() {
        if (nick != null && user != null && !caps.negotiating() && !registered) {
            joinRoom(true);
        }
    }

    // ---- joining and leaving the room

    /** Joins the room with a new ChatClient: on registering, or on JOIN after PART or a kick. */
    void joinRoom(boolean registering) {
        if (!takeJoinToken()) {
            if (registering) {
                link.close("Too many join attempts");
            } else {
                reply("263", "JOIN", "Too many joins: please wait a while and try again");
            }
            return;
        }
        String name = nick;
        RoomBridge bridge = new RoomBridge(this, name);
        ChatClient client = null;
        boolean slot = false;
        boolean joined = false;
        try {
            client = ChatClient.builder().server(settings.room()).username(name).password(password)
                    .listener(bridge).connectTimeout(settings.connectTimeout()).build();
            bridge.attach(client);
            slot = settings.joinSlots().tryAcquire(settings.registrationTimeout().plus(settings.connectTimeout()).toMillis(),
                    TimeUnit.MILLISECONDS); // the wait is bounded by the registration timeout, not by each join
            if (!slot) {
                throw new ChatException("the gateway is busy joining others; try again");
            }
            client.connect();
            joined = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            link.close("The gateway is shutting down");
            return;
        } catch (AuthenticationException e) {
            if (registering) {
                reply("464", "Password incorrect");
                link.close("Bad password");
            } else {
                reply("475", channel, "Cannot join channel (wrong room password)");
            }
            return;
        } catch (UsernameTakenException e) {
            if (registering) {
                reply("433", name, "Nickname is already in use");
                nick = null;
            } else {
                reply("437", channel, "Cannot join channel: your nick is taken in the room");
            }
            return;
        } catch (InvalidUsernameException e) {
            reply("432", name, "Erroneous nickname");
            nick = registering ? null : nick;
            return;
        } catch (BannedException e) {
            if (registering) {
                reply("465", "You are banned from this room");
                link.close("Banned");
            } else {
                reply("474", channel, "Cannot join channel (you are banned)");
            }
            return;
        } catch (IOException | RuntimeException e) {
            String why = IrcText.truncate(IrcText.forLog(String.valueOf(e.getMessage())), 300);
            log.info("IRC connection {}: {} could not join the room: {}", link.id(), IrcText.forLog(name), why);
            if (registering) {
                link.close("Cannot join the room: " + why);
            } else {
                reply("471", channel, "Cannot join channel (" + why + ")");
            }
            return;
        } finally {
            if (slot) {
                settings.joinSlots().release();
            }
            if (!joined && client != null) {
                client.close();
            }
        }
        channel = IrcText.channelOf(client.roomName());
        membership.set(bridge);
        if (registering) {
            registered = true;
            self.welcome();
        }
        send(":" + GatewaySettings.mask(name) + " JOIN " + channel);
        room.topicReply();
        room.namesReply(client);
        bridge.open();
        log.debug("IRC connection {}: {} joined the room", link.id(), IrcText.forLog(name));
    }

    private boolean takeJoinToken() {
        long now = System.nanoTime();
        joinTokens = Math.min(JOIN_BURST, joinTokens + (now - joinTokensAt) / (double) JOIN_REFILL_NANOS);
        joinTokensAt = now;
        if (joinTokens < 1) {
            return false;
        }
        joinTokens -= 1;
        return true;
    }

    /** Leaves the room (PART): the ChatClient closes, and the room sees this member leave. */
    void leaveRoom(String reason) {
        RoomBridge bridge = membership.getAndSet(null);
        if (bridge == null) {
            return;
        }
        bridge.detach();
        send(":" + GatewaySettings.mask(nick) + " PART " + channel + " :" + reason);
        bridge.client().close();
    }

    /** The room removed this member, or its ChatClient ended: tell the client. Callback thread. */
    void roomLost(RoomBridge bridge, LeaveReason reason) {
        if (!membership.compareAndSet(bridge, null)) {
            return;
        }
        switch (reason) {
            case KICKED -> send(":" + settings.serverName() + " KICK " + channel + " " + nick + " :Kicked by the room's host");
            case BANNED -> send(":" + settings.serverName() + " KICK " + channel + " " + nick + " :Banned by the room's host");
            case SERVER_CLOSED -> link.close("The room closed");
            default -> send(":" + GatewaySettings.mask(nick) + " PART " + channel + " :Lost the room ("
                    + RoomBridge.describe(reason) + ")");
        }
    }

    // ---- shared with RoomCommands and RoomBridge

    /** {@code :server <numeric> <nick|*> params...}, the last parameter as a trailing one. */
    void reply(String numeric, String... params) {
        StringBuilder b = new StringBuilder(":").append(settings.serverName()).append(' ').append(numeric)
                .append(' ').append(nickOrStar());
        for (int i = 0; i < params.length; i++) {
            b.append(i == params.length - 1 ? " :" : " ").append(params[i]);
        }
        send(b.toString());
    }

    void send(String line) {
        link.send(line);
    }

    void notice(String text) {
        send(":" + settings.serverName() + " NOTICE " + nickOrStar() + " :" + text);
    }

    boolean isOurChannel(String target) {
        return channel != null && IrcText.key(target).equals(IrcText.key(channel));
    }

    String nickOrStar() {
        String n = nick;
        return n == null ? "*" : n;
    }

    boolean hasCap(String cap) {
        return caps.has(cap);
    }

    RoomBridge membership() {
        return membership.get();
    }

    String channel() {
        return channel;
    }

    String away() {
        return self.awayMessage();
    }

    String nick() {
        return nick;
    }

    private void mode(IrcMessage msg) {
        if (!msg.has(0)) {
            reply("461", "MODE", "Not enough parameters");
        } else if (msg.param(0).startsWith("#")) {
            room.channelMode(msg);
        } else {
            self.mode(msg);
        }
    }

    GatewaySettings settings() {
        return settings;
    }

    IrcConnection link() {
        return link;
    }
}
