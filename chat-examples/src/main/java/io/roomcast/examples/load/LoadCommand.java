package io.roomcast.examples.load;

import io.roomcast.ChatClient;
import io.roomcast.ChatServer;
import io.roomcast.examples.DurationText;
import io.roomcast.examples.ExitStatus;
import io.roomcast.examples.PasswordException;
import io.roomcast.examples.Passwords;
import io.roomcast.examples.ProcessIo;
import io.roomcast.examples.TerminalText;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.ExternalTerminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code roomcast load}: runs many real members in this process against a room, measures joins,
 * deliveries and latency, and checks that nothing was lost, duplicated or reordered. This is how
 * a user sizes a server. See {@link LoadRun} for how the members send and what is counted.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load a room with many members; check nothing is lost, duplicated or reordered.",
            "Runs --members real members in this process. They join, --join-concurrency at a time (the first"
                + " refused join stops further joins; the run goes on with those in the room). Then --senders of them"
                + " send --rate messages per second"
                + " in all, round robin, for --duration; every member receives. Each message carries its send"
                + " time, so latency is send to receipt, measured on one clock. After sending, the run waits for what"
                + " the room accepted to arrive: until all has, or nothing has for 5s, or for 30s at most; what"
                + " has not arrived by then is lost.",
            "Every second a progress line (on standard error with --json); at the end a summary: joins/s,"
                + " messages/s, deliveries/s, latency percentiles, and the lost, duplicated and out-of-order counts."},
        footer = {"", "--local starts a room in this process on 127.0.0.1 with a password of its own, room for every"
                + " member and the per-member rate limit off, so the run measures the room rather than its limiter."
                + " A remote room keeps its limits: messages it refuses as too fast count as refused, not lost, and"
                + " the summary warns.",
            "", "The password of a remote room comes from --password-file, else $" + Passwords.ENVIRONMENT_VARIABLE
                + ", else it is typed without echo at a terminal; with no terminal to type at, the command exits"
                + " with status 2. " + Passwords.RULE,
            "", "Bounds: at most " + LoadCommand.MAX_MEMBERS + " members, " + LoadCommand.MAX_RATE + " msg/s, "
                + LoadCommand.MAX_DURATION_TEXT + " of sending, payloads of " + LoadMessage.HEADER_BYTES + " B (the"
                + " tool's header) to 1 MiB.",
            ""}, exitCodeListHeading = "Exit status:%n", exitCodeList = {
                "0:every member joined and stayed; nothing lost, duplicated or out of order",
                "1:something was lost, duplicated or out of order; a member could not join or lost the room;"
                    + " or the password was wrong",
                "2:bad options, or --payload larger than the room allows"})
public final class LoadCommand implements Callable<Integer> {
    static final int MAX_MEMBERS = 10_000;
    static final int MAX_RATE = 1_000_000;
    static final Duration MAX_DURATION = Duration.ofDays(1);
    static final String MAX_DURATION_TEXT = "1d";
    static final int MAX_JOIN_CONCURRENCY = 256;
    /** How long Ctrl-C waits for the summary of what ran so far. */
    static final Duration SUMMARY_ON_INTERRUPT = Duration.ofSeconds(3);

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "The room to load.")
    String server;

    @Option(names = "--local", description = "Start a room in this process instead (127.0.0.1, a free port).")
    boolean local;

    @Option(names = "--members", paramLabel = "N", defaultValue = "50", description = "Members that join (default: ${DEFAULT-VALUE}).")
    int members;

    @Option(names = "--senders", paramLabel = "N", defaultValue = "5", description = "How many of them send (default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--rate", paramLabel = "MSGS_PER_SECOND", defaultValue = "100",
            description = "Messages per second, all senders together (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--payload", paramLabel = "BYTES", defaultValue = "64",
            description = "Bytes per message (default: ${DEFAULT-VALUE}; at least " + LoadMessage.HEADER_BYTES + ").")
    int payload;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s", description = "How long to send, such as 30s or 5m"
            + " (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the remote room's password"
            + " (else $" + Passwords.ENVIRONMENT_VARIABLE + ", else typed without echo at a terminal).")
    Path passwordFile;

    @Option(names = "--name-prefix", paramLabel = "PREFIX", defaultValue = "load-",
            description = "Member i is named PREFIXi (default: ${DEFAULT-VALUE}).")
    String namePrefix;

    @Option(names = "--join-concurrency", paramLabel = "N", defaultValue = "8",
            description = "Members joining at once (default: ${DEFAULT-VALUE}).")
    int joinConcurrency;

    @Option(names = "--json", description = "Print the summary as one JSON object on standard output"
            + " (progress goes to standard error).")
    boolean json;

    private final ProcessIo io;

    /** The command on {@code io}. */
    public LoadCommand(ProcessIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Duration sending;
        InetSocketAddress address = null;
        try {
            sending = validate();
            if (!local) {
                address = address(server);
            }
        } catch (IllegalArgumentException e) {
            io.err().println("roomcast load: " + e.getMessage());
            return ExitStatus.USAGE;
        }
        String password;
        if (local) {
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            password = Base64.getEncoder().encodeToString(secret);
        } else {
            try {
                password = password();
            } catch (PasswordException e) {
                io.err().println("roomcast load: " + e.getMessage());
                return ExitStatus.USAGE;
            }
            if (password == null) {
                return ExitStatus.FAILED;
            }
        }
        ChatServer room = null;
        if (local) {
            room = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).roomName("load")
                    .password(password).maxMembers(Math.max(members, ChatServer.DEFAULT_MAX_MEMBERS))
                    .maxMessageBytes(Math.max(payload, ChatServer.DEFAULT_MAX_MESSAGE_BYTES))
                    .rateLimit(1e9, Integer.MAX_VALUE).build();
            room.start();
            address = room.localAddress();
        }
        try {
            return load(address, password, sending);
        } finally {
            if (room != null) {
                room.close();
            }
        }
    }

    private int load(InetSocketAddress address, String password, Duration sending) throws InterruptedException {
        LoadRun.Settings settings = new LoadRun.Settings(address, password, members, senders, rate, payload, sending,
                namePrefix, joinConcurrency);
        LoadReport report = new LoadReport(local ? "127.0.0.1:" + address.getPort() : server, local);
        PrintStream progress = json ? io.err() : io.out();
        progress.println(report.header(settings));
        LoadRun run = new LoadRun(settings);
        CountDownLatch reported = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            run.close();
            try {
                reported.await(SUMMARY_ON_INTERRUPT.toMillis(), TimeUnit.MILLISECONDS); // the summary of what ran so far
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "roomcast-load-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown); // Ctrl-C: members leave the room properly
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "roomcast-load-progress");
            thread.setDaemon(true);
            return thread;
        });
        LoadResult result;
        try {
            LoadRun.Progress[] before = {null};
            reporter.scheduleAtFixedRate(() -> {
                LoadRun.Progress now = run.progress();
                if (now.phase() != LoadRun.Phase.CLOSING && now.phase() != LoadRun.Phase.DONE) {
                    progress.println(report.progressLine(now, before[0], settings));
                }
                before[0] = now;
            }, 1, 1, TimeUnit.SECONDS);
            result = run.run();
        } finally {
            reporter.shutdownNow();
            reporter.awaitTermination(5, TimeUnit.SECONDS);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it closes the members too
            }
        }
        try {
            return report(report, result);
        } finally {
            reported.countDown();
        }
    }

    private int report(LoadReport report, LoadResult result) {
        if (result.wrongPassword()) {
            io.err().println("roomcast load: wrong password for the room at " + server + " (the password comes from"
                    + " --password-file, else $" + Passwords.ENVIRONMENT_VARIABLE + ", else the terminal)");
            return ExitStatus.FAILED;
        }
        if (json) {
            io.out().println(report.json(result));
        } else {
            io.out().println(report.summary(result));
        }
        if (result.sendProblem() != null) {
            return ExitStatus.USAGE; // --payload larger than the room allows
        }
        return result.passed() ? ExitStatus.OK : ExitStatus.FAILED;
    }

    /** Checks the options; the send duration. */
    private Duration validate() {
        if (local == (server != null)) {
            throw new IllegalArgumentException("give either --server HOST:PORT or --local (one of them)");
        }
        if (local && passwordFile != null) {
            throw new IllegalArgumentException("--password-file is for --server: the --local room makes up its own");
        }
        inRange("--members", members, 1, MAX_MEMBERS);
        inRange("--senders", senders, 1, members);
        inRange("--rate", rate, 1, MAX_RATE);
        inRange("--payload", payload, LoadMessage.HEADER_BYTES, ChatServer.LARGEST_MAX_MESSAGE_BYTES);
        inRange("--join-concurrency", joinConcurrency, 1, MAX_JOIN_CONCURRENCY);
        Duration sending;
        try {
            sending = DurationText.parse(duration);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--duration: " + e.getMessage());
        }
        if (sending.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("--duration: at most " + MAX_DURATION_TEXT + ", was " + duration);
        }
        if (Math.ceil(rate * (double) sending.toSeconds() / senders) >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many messages for one sender to number: lower --rate or"
                    + " --duration, or raise --senders");
        }
        try {
            ChatClient.builder().username(namePrefix + (members - 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--name-prefix: the name " + TerminalText.escape(namePrefix + (members - 1))
                    + " is not a username: " + e.getMessage().replaceFirst("^username: ", ""));
        }
        return sending;
    }

    private static void inRange(String option, int value, int least, int most) {
        if (value < least || value > most) {
            throw new IllegalArgumentException(option + " must be from " + least + " to " + most + ", was " + value
                    + (option.equals("--senders") ? " (no more than --members)" : "")
                    + (option.equals("--payload") ? " (the tool's header takes " + least + " bytes)" : ""));
        }
    }

    private static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--server: a server address is HOST:PORT, such as 127.0.0.1:9000; was "
                    + TerminalText.escape(text));
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--server: not a port number: " + TerminalText.escape(text.substring(colon + 1)));
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--server: the port must be from 1 to 65535, was " + port);
        }
        InetSocketAddress address = new InetSocketAddress(text.substring(0, colon), port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("--server: cannot resolve " + TerminalText.escape(text.substring(0, colon)));
        }
        return address;
    }

    /** The remote room's password, as the client gets it; {@code null} if the person ended the input. */
    private String password() throws PasswordException, IOException {
        String given = Passwords.given(passwordFile, io);
        if (given != null) {
            return given;
        }
        try {
            if (!io.terminal()) {
                return io.passwordPrompt().read("Password: ");
            }
            try (Terminal terminal = terminal()) { // a full terminal: ask there, as the client's console does
                return Passwords.readAt(terminal, "Password: ");
            }
        } catch (PasswordException noTerminal) {
            throw new PasswordException("no password: give --password-file FILE or set " + Passwords.ENVIRONMENT_VARIABLE
                    + "; " + noTerminal.getMessage());
        }
    }

    private Terminal terminal() throws IOException {
        if (io.in() == System.in && io.out() == System.out) {
            return TerminalBuilder.builder().system(true).build();
        }
        return new ExternalTerminal("roomcast", io.environment().getOrDefault("TERM", "xterm-256color"),
                io.in(), io.out(), StandardCharsets.UTF_8);
    }
}
