package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's examples are this test's code, so they compile and work or the build fails. */
@Timeout(30)
class ReadmeExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path THIS_SOURCE = Path.of("src", "test", "java", "io", "roomcast", "ReadmeExampleTest.java");

    @Test
    void theExampleRunsAndPrintsTheMessage() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // README embedding-example:begin
            ChatServer server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password("secret").build();
            server.start();

            ChatClient joan = ChatClient.builder().server(server.localAddress()).username("joan").password("secret")
                    .listener(new ChatClientListener() {
                        @Override public void onMessage(ChatMessage m) { System.out.println(m.sender() + ": " + m.text()); }
                    })
                    .build();
            joan.connect();                 // proves the password, claims the username; throws ChatException if refused
            joan.send("halo").join();       // completes once the room has it; prints "joan: halo"
            joan.close();                   // other members see joan leave
            server.close();                 // every member is told the room closed
            // README embedding-example:end
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("joan: halo" + System.lineSeparator());
    }

    @Test
    void theRoomFeatureExamplesRunAndPrintWhatTheySay() throws Exception {
        PrintStream original = System.out;
        Printed printed = new Printed();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        ChatServer server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password("secret").build();
        server.start();
        try (server; ChatClient joan = ChatClient.builder().server(server.localAddress()).username("joan")
                .password("secret").build()) {
            joan.connect();
            joan.send("halo").join();

            // README history-example:begin
            ChatClient ega = ChatClient.builder().server(server.localAddress()).username("ega").password("secret")
                    .listener(new ChatClientListener() {
                        @Override public void onHistory(List<ChatMessage> earlier) {
                            earlier.forEach(m -> System.out.println("earlier: " + m.sender() + ": " + m.text()));
                        }
                        @Override public void onPrivateMessage(PrivateMessage m) {
                            System.out.println("*" + m.sender() + "* " + m.text());
                        }
                    })
                    .build();
            ega.connect();                  // prints "earlier: joan: halo"
            // README history-example:end
            printed.await("earlier: joan: halo");

            // README private-example:begin
            joan.sendPrivate("ega", "see you at 5").join();   // once the server accepts it; ega prints "*joan* see you at 5"
            joan.sendPrivate("nobody", "hi?")                 // fails: MessageRefusedException, reason() NO_SUCH_MEMBER
                    .exceptionally(failure -> { System.out.println(failure.getMessage()); return null; })
                    .join();                                  // prints "... 'nobody' is not in the room"
            // README private-example:end
            printed.await("*joan* see you at 5");

            // README moderation-example:begin
            server.mute("ega", Duration.ofMinutes(10));  // ega's sends fail with MessageRefusedException, reason() MUTED
            server.announce("be nice");                  // every member: onAnnouncement, in room order
            server.kick("ega");                          // ega: onDisconnected(KICKED); the others: onMemberLeft("ega", KICKED)
            server.ban("ega", Duration.ofHours(1));      // name (and address, if in the room) refused: connect() throws BannedException
            server.unban("ega");                         // bans also lapse by themselves
            ServerStats stats = server.stats();          // members, messages, refusals, traffic, drops, departures by reason
            // README moderation-example:end
            ega.close();
            assertThat(stats.departures().get(LeaveReason.KICKED)).isEqualTo(1L);
            assertThat(stats.messagesAccepted()).isEqualTo(1);
            assertThat(stats.privateMessages()).isEqualTo(1);
        } finally {
            System.setOut(original);
        }
        // ega's listener and joan's refused future run on different threads: those two lines may come in either order
        assertThat(printed.lines()).first().isEqualTo("earlier: joan: halo");
        assertThat(printed.lines()).containsExactlyInAnyOrder("earlier: joan: halo", "*joan* see you at 5",
                "the server refused the private message: 'nobody' is not in the room");
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedding-example", "history-example", "private-example", "moderation-example"})
    void theReadmeShowsExactlyThisCode(String example) throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String block = readme.substring(readme.indexOf("<!-- " + example + ":begin"));
        block = block.substring(block.indexOf("```java") + "```java".length(),
                block.indexOf("```\n<!-- " + example + ":end"));

        String source = Files.readString(THIS_SOURCE, StandardCharsets.UTF_8);
        String begin = "// README " + example + ":begin";
        String code = source.substring(source.indexOf(begin) + begin.length(),
                source.indexOf("// README " + example + ":end"));

        assertThat(normalise(block)).isEqualTo(normalise(code));
    }

    /** Drops the indentation common to all lines and blank lines at both ends. */
    private static String normalise(String code) {
        return code.stripIndent().strip();
    }

    /** Standard output as the examples print it, with a bounded wait for a line printed on a listener's thread. */
    private static final class Printed extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            notifyAll();
        }

        synchronized void await(String line) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!lines().contains(line)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                assertThat(left).as("'%s' printed within 10 s; printed: %s", line, lines()).isPositive();
                wait(left);
            }
        }

        synchronized List<String> lines() {
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }
}
