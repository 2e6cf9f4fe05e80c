package io.roomcast.examples;

import io.roomcast.Announcement;
import io.roomcast.AuthenticationException;
import io.roomcast.BannedException;
import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatException;
import io.roomcast.ChatMessage;
import io.roomcast.InvalidUsernameException;
import io.roomcast.LeaveReason;
import io.roomcast.PrivateMessage;
import io.roomcast.UsernameTakenException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code roomcast client}: joins a room. Whatever is not given is asked for, in the classroom
 * chatroom's order: server address (or several of one room's cluster, separated by commas:
 * {@link ServerAddresses}), password (without echo, and only at a terminal: see
 * {@link Passwords}), username. On joining it shows the
 * room's recent messages between {@link EventFormat#EARLIER} and {@link EventFormat#NOW}. Lines
 * typed are sent; {@code /msg NAME TEXT} sends privately, {@code /who}, {@code /help},
 * {@code /quit}; {@code exit} alone also leaves. When the server falls silent it shows
 * {@link #RECONNECTING} and the client tries to come back as itself: then {@link #BACK} after the
 * events it missed, or {@link #BACK_WITH_GAP} before the room's recent history if the room no
 * longer held them all. Lines typed meanwhile are queued ({@link #QUEUED}) and marked
 * {@link #SENT} once the room confirms them. The exit status says how the session ended
 * ({@link ExitStatus}): kicked or banned by the host, it is not 0.
 */
@Command(name = "client", mixinStandardHelpOptions = true, description = "Join a chat room.",
        footer = {"", Passwords.HELP})
final class ClientCommand implements Callable<Integer> {
    static final String DEFAULT_SERVER = "127.0.0.1:" + ServerCommand.DEFAULT_PORT;
    /** Shown when the connection to the server is lost and the client tries to come back. */
    static final String RECONNECTING = "-- connection lost, reconnecting…";
    /** Shown when the client is back and every room event it missed has been shown. */
    static final String BACK = "-- back (nothing missed)";
    /** Shown when the client is back but the room no longer held all it missed: the room's recent history follows. */
    static final String BACK_WITH_GAP = "-- back (some messages were missed; showing recent history)";
    /** Before a line typed while reconnecting: the client sends it once it is back. */
    static final String QUEUED = "-- queued: ";
    /** Before a line typed while reconnecting, once the room has confirmed it. */
    static final String SENT = "-- sent: ";

    @Option(names = "--server", paramLabel = "HOST:PORT[,HOST:PORT...]", description = "The room's server, or"
            + " several servers of one room's cluster separated by commas, tried in that order (default: "
            + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--username", description = "Your name in the room.")
    String username;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the room password"
            + " (else $" + Passwords.ENVIRONMENT_VARIABLE + ", else typed without echo at a terminal).")
    Path passwordFile;

    private final ProcessIo io;

    ClientCommand(ProcessIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        try (ChatConsole console = ChatConsole.open(io)) {
            List<InetSocketAddress> addresses = serverAddresses(console);
            if (addresses == null) {
                return server == null ? 1 : 2;
            }
            String password;
            try {
                password = Passwords.obtain(passwordFile, io, console, "Password: ",
                        "give --password-file FILE or set " + Passwords.ENVIRONMENT_VARIABLE);
            } catch (PasswordException e) {
                io.err().println("roomcast: " + e.getMessage());
                return 2;
            }
            if (password == null) {
                return 1;
            }
            String name = username;
            EventFormat format = new EventFormat(console.colour(), "HH:mm");
            while (true) {
                if (name == null && (name = console.ask("Username", null)) == null) {
                    return 1;
                }
                ClientScreen screen = new ClientScreen(console, format);
                ChatClient client;
                try {
                    client = ChatClient.builder().servers(addresses).username(name).password(password)
                            .listener(screen).build();
                } catch (IllegalArgumentException e) {
                    console.print("Invalid username: " + TerminalText.escape(e.getMessage().replaceFirst("^username: ", "")));
                    name = null;
                    continue;
                }
                try {
                    client.connect();
                } catch (AuthenticationException e) {
                    console.print("Wrong password.");
                    if ((password = askAgain(console)) == null) {
                        return 1;
                    }
                    continue;
                } catch (UsernameTakenException | InvalidUsernameException e) {
                    // the server's words, or anyone's who saw the HELLO: never at the start of a line
                    console.print("Refused: " + TerminalText.escape(e.getMessage()));
                    name = null;
                    continue;
                } catch (BannedException e) {
                    console.print("Banned: " + TerminalText.escape(e.getMessage()));
                    return ExitStatus.BANNED;
                } catch (ChatException e) {
                    console.print(TerminalText.escape(e.getMessage())); // a refusal's detail: anyone can send one
                    return ExitStatus.FAILED;
                }
                return chat(console, client, screen, format);
            }
        }
    }

    /** Another try after a wrong password: typed, where there is a terminal; else none (null). */
    private static String askAgain(ChatConsole console) throws IOException {
        try {
            return Passwords.typed(console, "Password: ");
        } catch (PasswordException noTerminal) {
            return null; // the password came from a file or the environment: asking a pipe would not help
        }
    }

    /** The servers' addresses ({@link ServerAddresses}): from {@code --server}, else asked for; null if none. */
    private List<InetSocketAddress> serverAddresses(ChatConsole console) throws IOException {
        String text = server != null ? server : console.ask("Server address", DEFAULT_SERVER);
        while (text != null) {
            try {
                return ServerAddresses.parse(text);
            } catch (IllegalArgumentException e) {
                console.print("Not a server address: " + TerminalText.escape(e.getMessage()));
                if (server != null) {
                    return null;
                }
                text = console.ask("Server address", DEFAULT_SERVER);
            }
        }
        return null;
    }

    private int chat(ChatConsole console, ChatClient client, ClientScreen screen, EventFormat format)
            throws IOException {
        try (client) {
            screen.show("Joined " + TerminalText.escape(client.roomName()) + " as " + TerminalText.escape(client.username())
                    + " — " + client.members().size() + " members: " + TerminalText.escape(String.join(", ", client.members())));
            ConsoleCommands commands = new ConsoleCommands(console::print)
                    .add("msg", "NAME " + ConsoleCommands.TEXT, "send TEXT to NAME only (and the host sees it)",
                            arguments -> sendPrivate(screen, client, format, arguments.get(0), arguments.get(1)))
                    .add("who", "", "list the room", arguments -> console.print(client.members().size() + " members: "
                            + TerminalText.escape(String.join(", ", client.members()))))
                    .quit("quit", "leave the room (exit does too)")
                    .note("Any other line is sent to the room; start it with // to send a line that starts with /.");
            while (true) {
                String line = console.readLine(io.terminal() ? "> " : "");
                LeaveReason gone = screen.disconnectedFor();
                if (line == null || gone != null) {
                    return gone == null ? ExitStatus.OK : ExitStatus.of(gone);
                }
                String typed = line.strip();
                if (typed.equals("exit")) {
                    return ExitStatus.OK;
                }
                if (typed.startsWith("//")) {
                    send(screen, client, typed.substring(1));
                    continue;
                }
                switch (commands.run(line)) {
                    case QUIT -> {
                        return ExitStatus.OK;
                    }
                    case NOT_A_COMMAND -> {
                        if (!typed.isEmpty()) {
                            send(screen, client, line);
                        }
                    }
                    case DONE -> {
                    }
                }
            }
        }
    }

    /**
     * Sends a line to the room. The room's echo of it ({@code 12:01 <joan> hi}) shows it sent; a
     * refusal is shown instead. Typed while the client is reconnecting, the line is queued by the
     * client: shown as {@code -- queued: hi} at once, and as {@code -- sent: hi} once the room has
     * confirmed it after the client is back (its echo comes then too).
     */
    private static void send(ClientScreen screen, ChatClient client, String line) {
        boolean queued = screen.reconnecting();
        try {
            CompletableFuture<ChatMessage> sent = client.send(line);
            if (queued) {
                screen.print(QUEUED + TerminalText.escape(line));
            }
            sent.whenComplete((message, failure) -> {
                if (failure != null) {
                    screen.print(RefusalText.of(failure, null));
                } else if (queued) {
                    screen.print(SENT + TerminalText.escape(message.text()));
                }
            });
        } catch (IllegalArgumentException | IllegalStateException e) {
            screen.print(RefusalText.of(e, null));
        }
    }

    /**
     * Sends a private message; shows it as {@code -> *ega* hi} once the room confirms it, or why not.
     * Typed while the client is reconnecting, it is shown as {@code -- queued for ega: hi} first.
     */
    private static void sendPrivate(ClientScreen screen, ChatClient client, EventFormat format, String recipient,
                                    String text) {
        boolean queued = screen.reconnecting();
        try {
            CompletableFuture<PrivateMessage> future = client.sendPrivate(recipient, text);
            if (queued) {
                screen.print("-- queued for " + TerminalText.escape(recipient) + ": " + TerminalText.escape(text));
            }
            future.whenComplete((sent, failure) -> screen.print(failure == null
                    ? format.privateSent(sent.timestamp(), sent.recipient(), sent.text())
                    : RefusalText.of(failure, recipient)));
        } catch (IllegalArgumentException | IllegalStateException e) {
            screen.print(RefusalText.of(e, recipient));
        }
    }

    /**
     * The client's screen: shows what happens in the room on the console. What arrives before the
     * app has printed that it joined (the history, first of all) is held until then, so the
     * screen reads in order.
     */
    private static final class ClientScreen implements ChatClientListener {
        private final ChatConsole console;
        private final EventFormat format;
        private final Object lock = new Object();
        private List<String> held = new ArrayList<>(); // guarded by lock; null once shown
        private volatile LeaveReason disconnectedFor;
        /** Between onReconnecting and onReconnected or onDisconnected. */
        private volatile boolean reconnecting;
        /** Whether {@link #BACK_WITH_GAP} was shown, before the history; listener thread only. */
        private boolean backShown;

        ClientScreen(ChatConsole console, EventFormat format) {
            this.console = console;
            this.format = format;
        }

        /** Prints {@code header}, then what was held, and from now on prints at once. */
        void show(String header) {
            synchronized (lock) {
                console.print(header);
                held.forEach(console::print);
                held = null;
            }
        }

        void print(String line) {
            synchronized (lock) {
                if (held != null) {
                    held.add(line);
                } else {
                    console.print(line);
                }
            }
        }

        /** Whether the client is trying to come back after an outage: what is sent now is queued. */
        boolean reconnecting() {
            return reconnecting;
        }

        /** Why the client is out of the room, or {@code null} while it is in it. */
        LeaveReason disconnectedFor() {
            return disconnectedFor;
        }

        @Override
        public void onHistory(List<ChatMessage> messages) {
            if (reconnecting && !backShown) {
                // back with a gap: the library calls onReconnected(false) after the history, the screen says it before
                print(BACK_WITH_GAP);
                backShown = true;
            }
            if (messages.isEmpty()) {
                return;
            }
            print(format.marker(EventFormat.EARLIER));
            for (ChatMessage message : messages) {
                print(format.earlier(message.timestamp(), message.sender(), message.text()));
            }
            print(format.marker(EventFormat.NOW));
        }

        @Override
        public void onMessage(ChatMessage message) {
            print(format.message(message.timestamp(), message.sender(), message.text()));
        }

        @Override
        public void onPrivateMessage(PrivateMessage message) {
            print(format.privateReceived(message.timestamp(), message.sender(), message.text()));
        }

        @Override
        public void onAnnouncement(Announcement announcement) {
            print(format.announcement(announcement.timestamp(), announcement.text()));
        }

        @Override
        public void onMemberJoined(String name) {
            print(format.joined(Instant.now(), name));
        }

        @Override
        public void onMemberLeft(String name, LeaveReason reason) {
            print(format.left(Instant.now(), name, reason));
        }

        @Override
        public void onReconnecting(LeaveReason cause) {
            reconnecting = true;
            backShown = false;
            print(RECONNECTING);
        }

        @Override
        public void onReconnected(boolean nothingMissed) {
            if (!backShown) {
                print(nothingMissed ? BACK : BACK_WITH_GAP);
            }
            backShown = false;
            reconnecting = false;
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            reconnecting = false;
            disconnectedFor = reason;
            String why = switch (reason) {
                case LEFT -> null;
                case SERVER_CLOSED -> "server closed — the room is gone.";
                case KICKED -> "kicked — the host removed you from the room.";
                case BANNED -> "banned — the host removed you from the room and refuses you for a while.";
                case TIMED_OUT -> "timed out — nothing was heard from the server.";
                case TOO_SLOW -> "too slow — you fell too far behind the room.";
            };
            if (why != null) {
                print("Disconnected: " + why + " Press Enter to quit.");
            }
        }
    }
}
