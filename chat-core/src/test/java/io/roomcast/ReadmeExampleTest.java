package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's embedding example is this test's code, so it compiles and works or the build fails. */
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
            // README:begin
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
            // README:end
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("joan: halo" + System.lineSeparator());
    }

    @Test
    void theReadmeShowsExactlyThisCode() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String block = readme.substring(readme.indexOf("<!-- embedding-example:begin"));
        block = block.substring(block.indexOf("```java") + "```java".length(), block.indexOf("```\n<!-- embedding-example:end"));

        String source = Files.readString(THIS_SOURCE, StandardCharsets.UTF_8);
        String code = source.substring(source.indexOf("// README:begin") + "// README:begin".length(),
                source.indexOf("// README:end"));

        assertThat(normalise(block)).isEqualTo(normalise(code));
    }

    /** Drops the indentation common to all lines and blank lines at both ends. */
    private static String normalise(String code) {
        return code.stripIndent().strip();
    }
}
