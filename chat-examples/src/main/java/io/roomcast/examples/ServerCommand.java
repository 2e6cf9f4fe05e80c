package io.roomcast.examples;

import io.roomcast.ChatMessage;
import io.roomcast.ChatServer;
import io.roomcast.ChatServerListener;
import io.roomcast.LeaveReason;
import io.roomcast.Member;
import io.roomcast.PrivateMessage;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code roomcast server}: hosts a room and prints every event with a timestamp, private messages
 * included (marked {@code *joan -> ega*}: the host sees them). With a terminal and no options it
 * asks for the address, port and password in turn, as the classroom chatroom did. The host's
 * commands ({@code /who}, {@code /say}, {@code /kick}, {@code /ban}, {@code /mute}, {@code /stats}
 * and the rest) are {@link HostCommands}. With {@code --node} it is one node of a room served by
 * several servers ({@link ClusterOptions}).
 */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Host a chat room.",
        footer = {"", Passwords.HELP, "", ClusterOptions.HELP})
final class ServerCommand implements Callable<Integer> {
    static final String DEFAULT_HOST = "0.0.0.0";
    static final int DEFAULT_PORT = 9000;

    @Option(names = "--host", description = "Address to bind (default: " + DEFAULT_HOST + ").")
    String host;

    @Option(names = "--port", description = "UDP port (default: " + DEFAULT_PORT + ").")
    Integer port;

    @Option(names = "--room", defaultValue = ChatServer.DEFAULT_ROOM_NAME, description = "Room name (default: ${DEFAULT-VALUE}).")
    String room;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the room password"
            + " (else $" + Passwords.ENVIRONMENT_VARIABLE + ", else typed without echo at a terminal).")
    Path passwordFile;

    @Option(names = "--open", description = "Run a room without a password (its traffic is still encrypted).")
    boolean open;

    @Mixin
    ClusterOptions clusterOptions = new ClusterOptions();

    private final ProcessIo io;

    ServerCommand(ProcessIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        ClusterOptions.Node node;
        try {
            node = clusterOptions.node(io);
        } catch (IllegalArgumentException e) {
            io.err().println("roomcast: " + e.getMessage());
            return 2;
        }
        if (node != null && ClusterOptions.warning(node) != null) {
            io.err().println("roomcast: " + ClusterOptions.warning(node));
        }
        try (ChatConsole console = ChatConsole.open(io)) {
            boolean askAll = io.terminal() && host == null && port == null;
            String bindHost = host != null ? host : askAll ? console.ask("IP address", DEFAULT_HOST) : DEFAULT_HOST;
            String portText = port != null ? port.toString()
                    : askAll ? console.ask("Port", String.valueOf(DEFAULT_PORT)) : String.valueOf(DEFAULT_PORT);
            String password;
            try {
                password = open ? "" : Passwords.obtain(passwordFile, io, console,
                        "Room password (empty for an open room): ", "give --password-file FILE, set "
                                + Passwords.ENVIRONMENT_VARIABLE + ", or --open for a room without one");
            } catch (PasswordException e) {
                io.err().println("roomcast: " + e.getMessage());
                return 2;
            }
            if (bindHost == null || portText == null || password == null) {
                return 1;
            }
            return serve(console, bindHost, portText, password, node);
        }
    }

    private int serve(ChatConsole console, String bindHost, String portText, String password, ClusterOptions.Node node)
            throws IOException {
        EventFormat format = new EventFormat(console.colour(), "HH:mm:ss");
        MemberAddresses addresses = new MemberAddresses();
        ChatServer server;
        ClusterNodeBackend backend;
        while (true) {
            int bindPort;
            try {
                bindPort = Integer.parseInt(portText.strip());
                backend = node == null ? null : new ClusterNodeBackend(node, console::print); // a new one per attempt
                server = ChatServer.builder().bind(bindHost, bindPort).roomName(room).password(password)
                        .listener(new ServerScreen(console, format, addresses)).backend(backend).build();
            } catch (IllegalArgumentException e) {
                if (!io.terminal()) {
                    io.err().println("roomcast: " + TerminalText.escape(e.getMessage()));
                    return 2;
                }
                console.print(TerminalText.escape(e.getMessage()));
                portText = console.ask("Port", String.valueOf(DEFAULT_PORT));
                if (portText == null) {
                    return 1;
                }
                continue;
            }
            if (node != null) {
                console.print("Cluster node " + TerminalText.escape(node.id()) + ": joining the cluster on "
                        + ClusterOptions.text(node.bind()) + " (peers " + node.peerList() + ")...");
            }
            try {
                server.start();
                break;
            } catch (BindException e) {
                if (!io.terminal()) {
                    io.err().println("roomcast: port " + bindPort + " on " + bindHost + " is in use");
                    return 2;
                }
                console.print("Port " + bindPort + " on " + bindHost + " is in use.");
                portText = console.ask("Port", String.valueOf(bindPort + 1));
                if (portText == null) {
                    return 1;
                }
            } catch (IOException e) {
                if (node == null) {
                    throw e;
                }
                io.err().println("roomcast: cluster node " + TerminalText.escape(node.id()) + " cannot start on "
                        + ClusterOptions.text(node.bind()) + ": " + TerminalText.escape(String.valueOf(e.getMessage())));
                return 2;
            }
        }
        ChatServer running = server;
        ClusterNodeBackend clusterBackend = backend;
        Runnable stop = clusterBackend == null ? running::close : () -> leaveCluster(running, clusterBackend);
        // Ctrl-C: members are told the room closed; a cluster node leaves its cluster instead
        Thread shutdown = new Thread(stop, "roomcast-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            console.print("Server running on " + bindHost + ":" + running.localAddress().getPort() + " (room "
                    + TerminalText.escape(room) + ")");
            if (backend != null) {
                console.print("Cluster node " + TerminalText.escape(node.id()) + " on "
                        + ClusterOptions.text(backend.raft().boundAddress()) + ", peers " + node.peerList());
                backend.showAvailability();
            }
            commands(console, new HostCommands(running, console, format, addresses).table());
        } finally {
            stop.run();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it closes the server too
            }
        }
        console.print(clusterBackend == null ? "Server closed." : "Node " + TerminalText.escape(node.id())
                + " left the cluster; the room goes on on the other nodes, and this node's members reconnect to them.");
        return 0;
    }

    /**
     * How a cluster node stops: it leaves the cluster at once (the other nodes report its members
     * left, and hold their names for the resume window), but does not tell its members the room
     * closed, since it goes on on the other nodes: they hear nothing more from this server and
     * reconnect to another one given to them, resuming with nothing missed. The server itself is
     * closed only if the room is empty (the process ends anyway).
     */
    private static void leaveCluster(ChatServer server, ClusterNodeBackend backend) {
        backend.close();
        if (server.members().isEmpty()) {
            server.close();
        }
    }

    private void commands(ChatConsole console, ConsoleCommands commands) throws IOException {
        while (true) {
            String line = console.readLine("");
            if (line == null) {
                if (io.terminal()) {
                    return; // Ctrl-D or Ctrl-C at the terminal: a clean shutdown
                }
                try {
                    Thread.currentThread().join(); // no input (running in the background): serve until stopped
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            switch (commands.run(line)) {
                case QUIT -> {
                    return;
                }
                case NOT_A_COMMAND -> {
                    if (!line.isBlank()) {
                        console.print("Commands start with /: /help lists them, /say TEXT speaks to the room.");
                    }
                }
                case DONE -> {
                }
            }
        }
    }

    /** The server's screen: shows every room event on the console, with the time, and keeps members' addresses. */
    private static final class ServerScreen implements ChatServerListener {
        private final ChatConsole console;
        private final EventFormat format;
        private final MemberAddresses addresses;

        ServerScreen(ChatConsole console, EventFormat format, MemberAddresses addresses) {
            this.console = console;
            this.format = format;
            this.addresses = addresses;
        }

        @Override
        public void onMemberJoined(Member member) {
            addresses.joined(member);
            console.print(format.joined(Instant.now(), member.username()) + " from " + EventFormat.address(member.address()));
        }

        @Override
        public void onMessage(ChatMessage message) {
            console.print(format.message(message.timestamp(), message.sender(), message.text()));
        }

        @Override
        public void onPrivateMessage(PrivateMessage message) {
            console.print(format.privateSeen(message.timestamp(), message.sender(), message.recipient(), message.text()));
        }

        @Override
        public void onMemberLeft(Member member, LeaveReason reason) {
            addresses.left(member);
            console.print(format.left(Instant.now(), member.username(), reason));
        }
    }
}
