package io.roomcast.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.ChatServer;
import io.roomcast.LeaveReason;
import io.roomcast.examples.ProcessIo;
import io.roomcast.examples.Roomcast;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code roomcast gateway} run in-process, as from a pipe, with a room and a classic client on 127.0.0.1. */
@Timeout(90)
class GatewayCommandTest {
    private static final long WAIT_SECONDS = 30;

    @Test
    void theClassicListenerSaysWhereItListensAndLetsAClassicClientTalkToAMember() throws Exception {
        try (ChatServer server = ChatServer.builder().bind("127.0.0.1", 0).password("rahasia").build()) {
            server.start();
            String room = "127.0.0.1:" + server.localAddress().getPort();
            try (Run gateway = new Run("gateway", "--room", room, "--classic", "127.0.0.1:0")) {
                Matcher listening = gateway.awaitLine("^classic gateway listening on 127\\.0\\.0\\.1:(\\d+)"
                        + " \\(UDP, the classroom protocol, Indonesian lines\\) into the room at " + Pattern.quote(room) + "$");
                int port = Integer.parseInt(listening.group(1));
                BlockingQueue<String> seen = new LinkedBlockingQueue<>();
                try (ChatClient ana = ChatClient.builder().server(server.localAddress()).username("ana").password("rahasia")
                        .listener(new ChatClientListener() {
                            @Override
                            public void onMessage(ChatMessage message) {
                                seen.add(message.sender() + ": " + message.text());
                            }

                            @Override
                            public void onMemberLeft(String username, LeaveReason reason) {
                                seen.add(username + " left " + reason);
                            }
                        }).build();
                     DatagramSocket classic = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                    ana.connect();
                    classic.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                    InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
                    assertThat(exchange(classic, to, "PASSWORD rahasia")).isEqualTo("PASSWORD OK");
                    assertThat(exchange(classic, to, "USERNAME budi")).isEqualTo("USERNAME OK");
                    assertThat(receive(classic)).isEqualTo("budi bergabung ke chatroom.");
                    send(classic, to, "budi: halo dari python");
                    assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("budi: halo dari python");
                    ana.send("hai budi").join();
                    assertThat(receive(classic)).isEqualTo("budi: halo dari python");
                    assertThat(receive(classic)).isEqualTo("ana: hai budi");

                    gateway.stop();
                    assertThat(gateway.awaitExit()).isZero();
                    gateway.awaitLine("^gateway closed$");
                    assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("ana: hai budi");
                    assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("budi left LEFT"); // the gateway left for budi
                }
            }
        }
    }

    @Test
    void englishLinesWithClassicLangEn() throws Exception {
        try (ChatServer server = ChatServer.builder().bind("127.0.0.1", 0).build()) {
            server.start();
            String room = "127.0.0.1:" + server.localAddress().getPort();
            try (Run gateway = new Run("gateway", "--room", room, "--classic", "127.0.0.1:0", "--classic-lang", "en");
                 DatagramSocket classic = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                int port = Integer.parseInt(gateway.awaitLine("listening on 127\\.0\\.0\\.1:(\\d+) .*English lines").group(1));
                classic.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
                assertThat(exchange(classic, to, "USERNAME budi")).isEqualTo("USERNAME OK"); // an open room
                assertThat(receive(classic)).isEqualTo("budi joined the chatroom.");
                assertThat(gateway.errors()).doesNotContain("WARNING"); // loopback: no warning
            }
        }
    }

    @Test
    void theIrcListenerLetsAnIrcClientRegisterAndSpeakInTheRoom() throws Exception {
        try (ChatServer server = ChatServer.builder().bind("127.0.0.1", 0).password("rahasia").build()) {
            server.start();
            String room = "127.0.0.1:" + server.localAddress().getPort();
            try (Run gateway = new Run("gateway", "--room", room, "--irc", "127.0.0.1:0")) {
                int port = Integer.parseInt(gateway.awaitLine("^IRC gateway listening on 127\\.0\\.0\\.1:(\\d+) into the room at "
                        + Pattern.quote(room)).group(1));
                BlockingQueue<String> seen = new LinkedBlockingQueue<>();
                try (ChatClient ana = ChatClient.builder().server(server.localAddress()).username("ana").password("rahasia")
                        .listener(new ChatClientListener() {
                            @Override
                            public void onMessage(ChatMessage message) {
                                seen.add(message.sender() + ": " + message.text());
                            }
                        }).build();
                     java.net.Socket irc = new java.net.Socket("127.0.0.1", port)) {
                    ana.connect();
                    irc.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                            irc.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = irc.getOutputStream();
                    out.write("PASS rahasia\r\nNICK budi\r\nUSER budi 0 * :Budi\r\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    String line;
                    do {
                        line = in.readLine();
                        assertThat(line).as("the welcome").isNotNull();
                    } while (!line.contains(" 001 budi "));
                    out.write("PRIVMSG #lobby :halo dari irc\r\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    assertThat(seen.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("budi: halo dari irc");
                }
                assertThat(gateway.errors()).doesNotContain("WARNING");
            }
        }
    }

    @Test
    void ircTlsWithoutAKeyStoreIsAUsageError() throws Exception {
        try (Run gateway = new Run("gateway", "--room", "127.0.0.1:9000", "--irc", "127.0.0.1:0", "--irc-tls", "0")) {
            assertThat(gateway.awaitExit()).isEqualTo(2);
            assertThat(gateway.errors()).contains("--irc-tls PORT and --tls-keystore FILE go together");
        }
    }

    @Test
    void withNoListenerItSaysSoAndExitsNonZero() throws Exception {
        try (Run gateway = new Run("gateway", "--room", "127.0.0.1:9000")) {
            assertThat(gateway.awaitExit()).isEqualTo(2);
            assertThat(gateway.errors()).contains("no listener chosen").contains("--classic").contains("--irc");
        }
    }

    @Test
    void aBadLanguageOrAddressIsAUsageError() throws Exception {
        try (Run gateway = new Run("gateway", "--room", "127.0.0.1:9000", "--classic", "127.0.0.1:0", "--classic-lang", "fr")) {
            assertThat(gateway.awaitExit()).isEqualTo(2);
            assertThat(gateway.errors()).contains("--classic-lang: expected id or en");
        }
        try (Run gateway = new Run("gateway", "--room", "nowhere", "--classic")) {
            assertThat(gateway.awaitExit()).isEqualTo(2);
            assertThat(gateway.errors()).contains("--room: expected HOST:PORT");
        }
    }

    @Test
    void aListenerOffLoopbackGetsALoudWarningAndOneOnLoopbackNone() {
        assertThat(GatewayCommand.cleartextWarning("classic", new InetSocketAddress("0.0.0.0", 9100)))
                .startsWith("WARNING: the classic listener is on 0.0.0.0:9100, not loopback")
                .contains("clear text");
        assertThat(GatewayCommand.cleartextWarning("classic", new InetSocketAddress("127.0.0.1", 9100))).isNull();
        assertThat(GatewayCommand.cleartextWarning("classic", new InetSocketAddress("::1", 9100))).isNull();
    }

    private static String exchange(DatagramSocket socket, InetSocketAddress to, String line) throws Exception {
        send(socket, to, line);
        return receive(socket);
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, String line) throws Exception {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static String receive(DatagramSocket socket) throws Exception {
        byte[] buffer = new byte[1024]; // what the original client reads
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    /** One run of the command on its own thread, with its standard output read line by line. */
    private static final class Run implements AutoCloseable {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final Thread thread;

        Run(String... args) {
            OutputStream out = new OutputStream() {
                private final ByteArrayOutputStream line = new ByteArrayOutputStream();

                @Override
                public synchronized void write(int b) {
                    if (b == '\n') {
                        lines.add(line.toString(StandardCharsets.UTF_8).stripTrailing());
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            };
            InputStream nothingTyped = InputStream.nullInputStream();
            ProcessIo io = new ProcessIo(nothingTyped, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(errors, true, StandardCharsets.UTF_8), Map.of(), false);
            thread = new Thread(() -> {
                try {
                    exit.complete(Roomcast.run(io, args));
                } catch (Throwable t) {
                    exit.completeExceptionally(t);
                }
            }, "app-gateway");
            thread.setDaemon(true);
            thread.start();
        }

        Matcher awaitLine(String regex) throws InterruptedException {
            Pattern pattern = Pattern.compile(regex);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(line).as("a line matching %s within %d s; errors: %s", regex, WAIT_SECONDS, errors()).isNotNull();
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return matcher;
                }
            }
        }

        /** Stops it as Ctrl-C would end the wait; the gateway closes on the way out. */
        void stop() {
            thread.interrupt();
        }

        int awaitExit() throws Exception {
            return exit.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        String errors() {
            synchronized (errors) {
                return errors.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
