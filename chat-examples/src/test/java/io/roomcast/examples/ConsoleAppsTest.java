package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console apps driven in-process with piped input and captured output. */
@Timeout(60)
class ConsoleAppsTest {
    private static final Map<String, String> WITH_PASSWORD = Map.of("ROOMCAST_PASSWORD", "secret");
    private final List<AppRun> runs = new ArrayList<>();

    @AfterEach
    void stopAll() {
        runs.forEach(AppRun::close);
    }

    private AppRun run(Map<String, String> environment, String... args) {
        AppRun run = new AppRun(environment, args);
        runs.add(run);
        return run;
    }

    /** A server run on a free port of 127.0.0.1, with the room password in its environment. */
    private AppRun serverOnLoopback() {
        return run(WITH_PASSWORD, "server", "--host", "127.0.0.1", "--port", "0");
    }

    /** Waits for the server run to report its address and returns it as "HOST:PORT". */
    private String startServer(AppRun server) throws InterruptedException {
        return server.awaitLine("Server running on (127\\.0\\.0\\.1:\\d+) \\(room lobby\\)").group(1);
    }

    @Test
    void twoClientsTalkAndEveryScreenShowsIt() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        AppRun joan = run(WITH_PASSWORD, "client", "--server", address, "--username", "joan");
        joan.awaitLine("^Joined lobby as joan — 1 members: joan$");
        AppRun ega = run(WITH_PASSWORD, "client", "--server", address, "--username", "ega");
        ega.awaitLine("^Joined lobby as ega — 2 members: joan, ega$");
        joan.awaitLine("^\\d\\d:\\d\\d --> ega joined$");
        server.awaitLine("^\\d\\d:\\d\\d:\\d\\d --> joan joined from 127\\.0\\.0\\.1:\\d+$");

        // one at a time: screens are read in order, and two people typing at once may land either way round
        joan.type("halo");
        for (AppRun screen : List.of(joan, ega)) {
            screen.awaitLine("^\\d\\d:\\d\\d <joan> halo$");
        }
        ega.type("hi joan, how are you?");
        for (AppRun screen : List.of(joan, ega)) {
            screen.awaitLine("^\\d\\d:\\d\\d <ega> hi joan, how are you\\?$");
        }
        server.awaitLine("^\\d\\d:\\d\\d:\\d\\d <joan> halo$");

        ega.type("exit");
        assertThat(ega.awaitExit()).isZero();
        joan.awaitLine("^\\d\\d:\\d\\d <-- ega left$");
        server.awaitLine("<-- ega left$");

        server.type("/who");
        server.awaitLine("^1 members: joan$");
        server.type("/quit");
        assertThat(server.awaitExit()).isZero();
        joan.awaitLine("Disconnected: server closed");
    }

    /** A client run that has joined the room at {@code address}. */
    private AppRun joined(String address, String username) throws InterruptedException {
        AppRun client = run(WITH_PASSWORD, "client", "--server", address, "--username", username);
        client.awaitLine("Joined lobby as " + username);
        return client;
    }

    @Test
    void aScriptThatSendsAndExitsAtOnceLosesNothing() throws Exception {
        String address = startServer(serverOnLoopback());
        AppRun joan = joined(address, "joan");
        AppRun ega = joined(address, "ega");

        ega.type("one last thing");
        ega.type("exit");

        assertThat(ega.awaitExit()).isZero();
        joan.awaitLine("^\\d\\d:\\d\\d <ega> one last thing$");
        joan.awaitLine("<-- ega left$");
        assertThat(ega.output()).doesNotContain("not delivered");
    }

    @Test
    void aWrongPasswordIsSaidAndAskedAgain() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        AppRun joan = run(Map.of(), "client", "--server", address, "--username", "joan");

        joan.type("not the password");
        joan.awaitLine("Wrong password\\.");
        joan.type("secret");

        joan.awaitLine("Joined lobby as joan");
        joan.type("/quit");
        assertThat(joan.awaitExit()).isZero();
    }

    @Test
    void aTakenOrInvalidUsernameIsExplainedAndAskedAgain() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        joined(address, "joan");
        AppRun second = run(WITH_PASSWORD, "client", "--server", address);

        second.type("Joan");
        second.awaitLine("'joan' is taken");
        second.type("two words");
        second.awaitLine("Invalid username: .*1 to 32 characters");
        second.type("ega");

        second.awaitLine("Joined lobby as ega — 2 members: joan, ega");
    }

    @Test
    void aPortInUseWithoutATerminalExitsWithStatus2() throws Exception {
        AppRun first = serverOnLoopback();
        String address = startServer(first);
        String port = address.substring(address.indexOf(':') + 1);

        AppRun second = run(WITH_PASSWORD, "server", "--host", "127.0.0.1", "--port", port);

        assertThat(second.awaitExit()).isEqualTo(2);
        second.awaitError("^roomcast: port " + port + " on 127\\.0\\.0\\.1 is in use$");
    }

    @Test
    void aServerThatIsNotThereIsReported() throws Exception {
        AppRun first = serverOnLoopback();
        String address = startServer(first);
        first.type("/quit");
        assertThat(first.awaitExit()).isZero();

        AppRun joan = run(WITH_PASSWORD, "client", "--server", address, "--username", "joan");

        assertThat(joan.awaitExit()).isEqualTo(1);
        joan.awaitLine("nothing is listening|no answer");
    }

    @Test
    void theBotAnswersTimeAndWho() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        AppRun bot = run(WITH_PASSWORD, "bot", "--server", address);
        bot.awaitLine("bot is in the room");
        AppRun joan = run(WITH_PASSWORD, "client", "--server", address, "--username", "joan");
        joan.awaitLine("Joined lobby as joan — 2 members: bot, joan");

        joan.type("!time");
        joan.awaitLine("<bot> It is \\d\\d:\\d\\d:\\d\\d");
        joan.type("!who");
        joan.awaitLine("<bot> 2 here: bot, joan");
    }

    @Test
    void withoutAPasswordAndWithoutATerminalTheServerRefusesToGuess() throws Exception {
        AppRun server = run(Map.of(), "server", "--host", "127.0.0.1", "--port", "0");

        assertThat(server.awaitExit()).isEqualTo(2);
        server.awaitError("no password.*--open");
    }

    @Test
    void versionAndHelp() throws Exception {
        AppRun version = run(Map.of(), "--version");
        assertThat(version.awaitExit()).isZero();
        version.awaitLine("^roomcast ");
        AppRun help = run(Map.of(), "--help");
        assertThat(help.awaitExit()).isZero();
        help.awaitLine("server");
    }
}
