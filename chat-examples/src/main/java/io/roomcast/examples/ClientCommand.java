package io.roomcast.examples;

import io.roomcast.AuthenticationException;
import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatException;
import io.roomcast.ChatMessage;
import io.roomcast.LeaveReason;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code roomcast client}: joins a room; lines typed are sent, {@code exit} or {@code /quit} leaves. */
@Command(name = "client", mixinStandardHelpOptions = true, description = "Join a chat room.")
final class ClientCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    @Option(names = "--server", defaultValue = "127.0.0.1:9000", description = "HOST:PORT (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--username", required = true, description = "Your name in the room.")
    String username;

    @Option(names = "--password-file", description = "File holding the room password "
            + "(else $" + Passwords.ENVIRONMENT_VARIABLE + ", else asked for).")
    Path passwordFile;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        int colon = server.lastIndexOf(':');
        if (colon < 0) {
            System.err.println("--server must be HOST:PORT, was " + server);
            return 2;
        }
        String password = Passwords.read(passwordFile, "Room password: ");
        ChatClient client;
        try {
            client = ChatClient.builder().server(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)))
                    .username(username).password(password).listener(new Printer()).build();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        try (client) {
            client.connect();
            out.printf("Joined %s as %s — %d members: %s%n", client.roomName(), client.username(),
                    client.members().size(), String.join(", ", client.members()));
            BufferedReader console = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = console.readLine()) != null) {
                String command = line.strip();
                if (command.equals("exit") || command.equals("/quit")) {
                    break;
                }
                if (command.equals("/who")) {
                    out.println(client.members().size() + " members: " + String.join(", ", client.members()));
                } else if (!command.isEmpty()) {
                    try {
                        client.send(line).whenComplete((message, failure) -> {
                            if (failure != null) {
                                out.println("!! not delivered: " + failure.getMessage());
                            }
                        });
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        out.println("!! " + e.getMessage());
                    }
                }
            }
            return 0;
        } catch (AuthenticationException e) {
            System.err.println("Wrong password: " + e.getMessage());
            return 1;
        } catch (ChatException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    private final class Printer implements ChatClientListener {
        @Override
        public void onMessage(ChatMessage message) {
            out.printf("%s <%s> %s%n", message.timestamp().atZone(ZoneId.systemDefault()).format(TIME),
                    message.sender(), message.text());
        }

        @Override
        public void onMemberJoined(String name) {
            out.printf("%s --> %s joined%n", LocalTime.now().format(TIME), name);
        }

        @Override
        public void onMemberLeft(String name, LeaveReason reason) {
            out.printf("%s <-- %s left%s%n", LocalTime.now().format(TIME), name, Reasons.suffix(reason));
        }

        @Override
        public void onDisconnected(LeaveReason reason) {
            if (reason != LeaveReason.LEFT) {
                out.println("Disconnected:" + Reasons.suffix(reason));
            }
        }
    }
}
