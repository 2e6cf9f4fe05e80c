package io.roomcast.examples;

import io.roomcast.ChatMessage;
import io.roomcast.ChatServer;
import io.roomcast.ChatServerListener;
import io.roomcast.LeaveReason;
import io.roomcast.Member;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code roomcast server}: hosts a room and prints every event with a timestamp. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Host a chat room.")
final class ServerCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "9000", description = "UDP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--room", defaultValue = ChatServer.DEFAULT_ROOM_NAME,
            description = "Room name (default: ${DEFAULT-VALUE}).")
    String room;

    @Option(names = "--password-file", description = "File holding the room password "
            + "(else $" + Passwords.ENVIRONMENT_VARIABLE + ", else asked for).")
    Path passwordFile;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        String password = Passwords.read(passwordFile, "Room password (empty for an open room): ");
        ChatServer server = ChatServer.builder().bind(host, port).roomName(room).password(password)
                .listener(new Printer()).build();
        try {
            server.start();
        } catch (BindException e) {
            System.err.println("Port " + port + " on " + host + " is in use (" + e.getMessage() + ")");
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "roomcast-shutdown"));
        try {
            out.printf("Server running on %s:%d (room %s)%n", host, server.localAddress().getPort(), room);
            BufferedReader console = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = console.readLine()) != null) {
                switch (line.strip()) {
                    case "/quit" -> {
                        return 0;
                    }
                    case "/who" -> out.println(server.members().size() + " members: "
                            + String.join(", ", server.members()));
                    case "" -> {
                    }
                    default -> out.println("commands: /who, /quit");
                }
            }
            // stdin closed (for example, started in the background): keep serving until killed
            Thread.currentThread().join();
            return 0;
        } finally {
            server.close();
        }
    }

    private final class Printer implements ChatServerListener {
        @Override
        public void onMemberJoined(Member member) {
            out.printf("%s --> %s joined from %s%n", now(), member.username(), member.address());
        }

        @Override
        public void onMessage(ChatMessage message) {
            out.printf("%s <%s> %s%n", now(), message.sender(), message.text());
        }

        @Override
        public void onMemberLeft(Member member, LeaveReason reason) {
            out.printf("%s <-- %s left%s%n", now(), member.username(), Reasons.suffix(reason));
        }

        private String now() {
            return LocalTime.now().format(TIME);
        }
    }
}
