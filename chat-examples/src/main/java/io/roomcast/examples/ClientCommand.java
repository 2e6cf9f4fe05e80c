package io.roomcast.examples;

import io.roomcast.AuthenticationException;
import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatException;
import io.roomcast.ChatMessage;
import io.roomcast.InvalidUsernameException;
import io.roomcast.LeaveReason;
import io.roomcast.UsernameTakenException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code roomcast client}: joins a room. Whatever is not given is asked for, in the classroom
 * chatroom's order: server address, password (without echo, and only at a terminal: see
 * {@link Passwords}), username. Lines typed are sent;
 * {@code /who}, {@code /help}, {@code /quit}; {@code exit} alone also leaves.
 */
@Command(name = "client", mixinStandardHelpOptions = true, description = "Join a chat room.",
        footer = {"", Passwords.HELP})
final class ClientCommand implements Callable<Integer> {
    static final String DEFAULT_SERVER = "127.0.0.1:" + ServerCommand.DEFAULT_PORT;
    private static final String HELP = "Type a line to send it. /who lists the room, /quit (or exit) leaves.";

    @Option(names = "--server", description = "HOST:PORT of the room (default: " + DEFAULT_SERVER + ").")
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
            InetSocketAddress address = serverAddress(console);
            if (address == null) {
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
                ChatClient client;
                try {
                    client = ChatClient.builder().server(address).username(name).password(password)
                            .listener(new ClientScreen(console, format)).build();
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
                    console.print(TerminalText.escape(e.getMessage()));
                    name = null;
                    continue;
                } catch (ChatException e) {
                    console.print(TerminalText.escape(e.getMessage())); // a refusal's detail: anyone can send one
                    return 1;
                }
                return chat(console, client, format);
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

    private InetSocketAddress serverAddress(ChatConsole console) throws IOException {
        String text = server != null ? server : console.ask("Server address", DEFAULT_SERVER);
        while (text != null) {
            int colon = text.lastIndexOf(':');
            try {
                if (colon <= 0) {
                    throw new IllegalArgumentException("a server address is HOST:PORT, such as " + DEFAULT_SERVER);
                }
                return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
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

    private int chat(ChatConsole console, ChatClient client, EventFormat format) throws IOException {
        try (client) {
            console.print("Joined " + TerminalText.escape(client.roomName()) + " as " + TerminalText.escape(client.username())
                    + " — " + client.members().size() + " members: " + TerminalText.escape(String.join(", ", client.members())));
            while (true) {
                String line = console.readLine(io.terminal() ? "> " : "");
                if (line == null) {
                    return 0;
                }
                String command = line.strip();
                switch (command) {
                    case "exit", "/quit" -> {
                        return 0;
                    }
                    case "/who" -> console.print(client.members().size() + " members: "
                            + TerminalText.escape(String.join(", ", client.members())));
                    case "/help" -> console.print(HELP);
                    case "" -> {
                    }
                    default -> send(console, client, line);
                }
            }
        }
    }

    private static void send(ChatConsole console, ChatClient client, String line) {
        try {
            client.send(line).whenComplete((message, failure) -> {
                if (failure != null) {
                    console.print("!! not delivered: " + TerminalText.escape(failure.getMessage()));
                }
            });
        } catch (IllegalArgumentException | IllegalStateException e) {
            console.print("!! not sent: " + TerminalText.escape(e.getMessage()));
        }
    }

    /** The client's screen: shows what happens in the room on the console. */
    private static final class ClientScreen implements ChatClientListener {
        private final ChatConsole console;
        private final EventFormat format;

        ClientScreen(ChatConsole console, EventFormat format) {
            this.console = console;
            this.format = format;
        }

        @Override
        public void onMessage(ChatMessage message) {
            console.print(format.message(message.timestamp(), message.sender(), message.text()));
        }

        @Override
        public void onMemberJoined(String name) {
            console.print(format.joined(Instant.now(), name));
        }

        @Override
        public void onMemberLeft(String name, LeaveReason reason) {
            console.print(format.left(Instant.now(), name, reason));
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            if (reason != LeaveReason.LEFT) {
                console.print("Disconnected:" + EventFormat.suffix(reason).replace("(", "").replace(")", "")
                        + (reason == LeaveReason.SERVER_CLOSED ? " — the room is gone. Press Enter to quit." : ""));
            }
        }
    }
}
