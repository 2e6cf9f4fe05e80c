package io.roomcast.examples.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatServer;
import io.roomcast.examples.ProcessIo;
import io.roomcast.examples.Roomcast;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code roomcast load} run in-process, its output captured, against a local room and a separate one. */
@Timeout(90)
class LoadCommandTest {
    private static final String[] SMALL_RUN = {"--members", "20", "--senders", "3", "--rate", "150", "--payload", "64",
        "--duration", "2s"};

    @TempDir
    Path directory;

    private ChatServer server;

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aLocalRunDeliversEveryMessageToEveryMemberOnceAndInOrder() throws InterruptedException {
        Run run = Run.of(Map.of(), args("--local", "--json"));

        assertThat(run.status).as(run.err).isZero();
        assertThat(run.out.lines()).as("one JSON object on standard output").hasSize(1);
        assertCleanRun(run.out);
        assertThat(run.out).contains("\"local\":true", "\"refused\":0", "\"passed\":true", "\"problems\":[]");
        assertEveryThreadEnds("roomcast-client-load-", "roomcast-server-", "roomcast-load-");
    }

    @Test
    void aRemoteRoomIsLoadedWithThePasswordFromAFile() throws IOException {
        startServer(1e9);
        Path passwordFile = Files.writeString(directory.resolve("password"), "load secret\n");

        Run run = Run.of(Map.of(), args("--server", address(), "--password-file", passwordFile.toString(), "--json"));

        assertThat(run.status).as(run.err).isZero();
        assertCleanRun(run.out);
        assertThat(run.out).contains("\"local\":false", "\"server\":\"" + address() + "\"");
    }

    @Test
    void messagesARateLimitedRoomRefusesAreCountedAsRefusedNotLost() {
        startServer(ChatServer.DEFAULT_MESSAGES_PER_SECOND); // 20 msg/s per member, bursts of 40; asked: 150
        Run run = Run.of(Map.of("ROOMCAST_PASSWORD", "load secret"), "load", "--server", address(), "--members", "5",
                "--senders", "1", "--rate", "150", "--duration", "2s");

        assertThat(run.status).as(run.err + run.out).isZero();
        Matcher refused = Pattern.compile("refused (\\d+), unconfirmed 0").matcher(run.out);
        assertThat(refused.find()).as(run.out).isTrue();
        assertThat(Long.parseLong(refused.group(1))).isPositive();
        assertThat(run.out).contains("lost 0  duplicated 0  out of order 0  (waited ")
                .containsPattern("warning: the room refused \\d+ of \\d+ messages \\(rate limited \\d+\\)")
                .contains("PASS");
    }

    @Test
    void progressLinesShowEverySecondAndTheSummaryFollows() {
        Run run = Run.of(Map.of(), args("--local"));

        assertThat(run.status).as(run.err).isZero();
        assertThat(run.out).startsWith("roomcast load: 20 members (3 sending) at 127.0.0.1:")
                .contains("(a room in this process, rate limit off); 150 msg/s of 64 B for 2s")
                .containsPattern("(?m)^elapsed \\ds/2s  joined 20/20  sent \\d+ \\(\\d+/s\\)  deliveries \\d+ \\(\\d+/s\\)"
                        + "  p50 \\d+\\.\\d\\d ms  p99 \\d+\\.\\d\\d ms$")
                .containsPattern("(?m)^latency      p50 [\\d.]+ ms p90 [\\d.]+ ms p99 [\\d.]+ ms p99\\.9 [\\d.]+ ms  max [\\d.]+ ms$")
                .containsPattern("(?m)^lost 0  duplicated 0  out of order 0  \\(waited \\d+\\.\\d s after sending\\)$")
                .containsPattern("(?m)^PASS: every member joined and stayed; nothing lost, duplicated or out of order$");
    }

    @Test
    void withJsonTheProgressGoesToStandardError() {
        Run run = Run.of(Map.of(), args("--local", "--json"));

        assertThat(run.err).containsPattern("(?m)^elapsed \\ds/2s  joined 20/20  sent ");
        assertThat(run.out).doesNotContain("elapsed").startsWith("{").endsWith("}\n");
    }

    @Test
    void badOptionsExitWithStatus2AndSayWhatIsWrong() {
        assertUsageError("give either --server HOST:PORT or --local", "load");
        assertUsageError("give either --server HOST:PORT or --local", "load", "--local", "--server", "127.0.0.1:9");
        assertUsageError("--senders must be from 1 to 3, was 4 (no more than --members)", "load", "--local",
                "--members", "3", "--senders", "4");
        assertUsageError("--payload must be from 32 to 1048576, was 31 (the tool's header takes 32 bytes)", "load",
                "--local", "--payload", "31");
        assertUsageError("--members must be from 1 to 10000, was 10001", "load", "--local", "--members", "10001");
        assertUsageError("--duration: at most 1d, was 2d", "load", "--local", "--duration", "2d");
        assertUsageError("--duration: 'soon' is not a duration", "load", "--local", "--duration", "soon");
        assertUsageError("--server: a server address is HOST:PORT", "load", "--server", "localhost");
        assertUsageError("--name-prefix: the name ", "load", "--local", "--name-prefix", "x".repeat(40));
    }

    @Test
    void aWrongPasswordEndsTheRunWithAClearMessage() {
        startServer(1e9);
        Run run = Run.of(Map.of("ROOMCAST_PASSWORD", "not the password"), "load", "--server", address(),
                "--members", "5", "--senders", "1", "--duration", "1s");

        assertThat(run.status).isEqualTo(1);
        assertThat(run.err).startsWith("roomcast load: wrong password for the room at " + address() + " (");
        assertThat(run.out).doesNotContain("PASS", "elapsed");
    }

    @Test
    void withoutAPasswordAndNoTerminalToAskAtItSaysWhereToGiveOne() {
        Run run = Run.of(Map.of(), "load", "--server", "127.0.0.1:9");

        assertThat(run.status).isEqualTo(2);
        assertThat(run.err).contains("no password: give --password-file FILE or set ROOMCAST_PASSWORD");
    }

    /** Waits, a bounded time, for every thread whose name starts with one of {@code prefixes} to end. */
    private static void assertEveryThreadEnds(String... prefixes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (Stream.of(prefixes).anyMatch(thread.getName()::startsWith)) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                assertThat(thread.isAlive()).as("%s still running", thread.getName()).isFalse();
            }
        }
    }

    private static void assertCleanRun(String json) {
        assertThat(number(json, "joined")).isEqualTo(20);
        assertThat(number(json, "lost")).isZero();
        assertThat(number(json, "duplicated")).isZero();
        assertThat(number(json, "outOfOrder")).isZero();
        long sent = number(json, "sent");
        long accepted = number(json, "accepted");
        assertThat(sent).isPositive();
        assertThat(accepted).isEqualTo(sent);
        assertThat(number(json, "deliveries")).isEqualTo(accepted * 20);
        Matcher p50 = Pattern.compile("\"p50\":([\\d.]+)").matcher(json);
        assertThat(p50.find()).as(json).isTrue();
        assertThat(Double.parseDouble(p50.group(1))).isPositive();
    }

    /** The whole-number field {@code name} of {@code json}. */
    private static long number(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":(-?\\d+)[,}]").matcher(json);
        assertThat(matcher.find()).as("%s in %s", name, json).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static String[] args(String... more) {
        String[] all = new String[1 + SMALL_RUN.length + more.length];
        all[0] = "load";
        System.arraycopy(SMALL_RUN, 0, all, 1, SMALL_RUN.length);
        System.arraycopy(more, 0, all, 1 + SMALL_RUN.length, more.length);
        return all;
    }

    private static void assertUsageError(String message, String... args) {
        Run run = Run.of(Map.of(), args);
        assertThat(run.status).as(String.join(" ", args)).isEqualTo(2);
        assertThat(run.err).as(String.join(" ", args)).startsWith("roomcast load: ").contains(message);
        assertThat(run.out).isEmpty();
    }

    private void startServer(double messagesPerSecond) {
        server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password("load secret")
                .rateLimit(messagesPerSecond, ChatServer.DEFAULT_MESSAGE_BURST).build();
        try {
            server.start();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String address() {
        return "127.0.0.1:" + server.localAddress().getPort();
    }

    /** One run of the command line to its end, standard output and error captured; no terminal. */
    private record Run(int status, String out, String err) {
        static Run of(Map<String, String> environment, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Roomcast.run(new ProcessIo(new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    environment, false), args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
