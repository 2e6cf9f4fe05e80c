package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the console apps take the room password from, run in-process against a server on
 * 127.0.0.1: the same text from a file, the environment or the keyboard is the same password;
 * it is typed without echo at a terminal, also when output is redirected; it is never asked for
 * where nothing hides it (a pipe); and it never shows in help or in an error.
 */
@Timeout(90)
class ConsolePasswordsTest {
    /** Spaces at both ends, non-ASCII and '!': the rule keeps all of it, whatever the source. */
    private static final String PASSWORD = "  pässwort €! ";
    /** A part of {@link #PASSWORD} that nothing else on a screen contains. */
    private static final String SHOWN_IF_ECHOED = "pässwort";
    private static final String VARIABLE = Passwords.ENVIRONMENT_VARIABLE;

    @TempDir
    Path dir;
    private final List<AppRun> runs = new ArrayList<>();

    @AfterEach
    void stopAll() {
        runs.forEach(AppRun::close);
    }

    private AppRun track(AppRun run) {
        runs.add(run);
        return run;
    }

    private AppRun client(Map<String, String> environment, String address, String username, String... more) {
        List<String> args = new ArrayList<>(List.of("client", "--server", address, "--username", username));
        args.addAll(List.of(more));
        return track(new AppRun(environment, args.toArray(String[]::new)));
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** A server on a free port of 127.0.0.1 whose password file is {@link #PASSWORD} and a newline; HOST:PORT. */
    private String server() throws Exception {
        AppRun server = track(new AppRun(Map.of(), "server", "--host", "127.0.0.1", "--port", "0",
                "--password-file", file("room-password", PASSWORD + "\n").toString()));
        return server.awaitLine("Server running on (127\\.0\\.0\\.1:\\d+)").group(1);
    }

    @Test
    void theSameTextIsTheSamePasswordFromAFileTheEnvironmentOrTheKeyboardSpacesIncluded() throws Exception {
        String address = server();

        client(Map.of(VARIABLE, PASSWORD), address, "env").awaitLine("^Joined lobby as env");
        client(Map.of(), address, "file", "--password-file", file("crlf", PASSWORD + "\r\n").toString())
                .awaitLine("^Joined lobby as file");
        AppRun typed = track(new AppRun(true, Map.of("NO_COLOR", "1"), "client", "--server", address,
                "--username", "typed"));
        typed.awaitOutput("Password: ", 1);
        typed.type(PASSWORD);
        typed.awaitLine("Joined lobby as typed");

        AppRun trimmed = client(Map.of(VARIABLE, PASSWORD.strip()), address, "trimmed");
        trimmed.awaitLine("^Wrong password\\.$");
        assertThat(trimmed.awaitExit()).as("spaces are part of the password: trimmed, it is another").isEqualTo(1);
    }

    @Test
    void withInputAtATerminalAndOutputRedirectedThePasswordIsTypedAtTheTerminalWithoutEcho() throws Exception {
        String address = server();
        AppRun joan = track(AppRun.withInputTerminal(Map.of(), "client", "--server", address, "--username", "joan"));

        joan.awaitTerminalText("Password: ");
        joan.typeAtTerminal(PASSWORD);

        joan.awaitLine("^Joined lobby as joan");
        assertThat(joan.terminalOutput()).as("the terminal").doesNotContain(SHOWN_IF_ECHOED);
        assertThat(joan.rawOutput()).as("the redirected output").doesNotContain("Password", SHOWN_IF_ECHOED);
        joan.type("/quit"); // the plain input still reads after the prompt let go of the terminal
        assertThat(joan.awaitExit()).isZero();
    }

    @Test
    void withoutAPasswordAndWithoutATerminalTheClientDoesNotAskAndNamesTheOtherSources() throws Exception {
        String address = server();
        AppRun joan = client(Map.of(), address, "joan");
        joan.type(PASSWORD); // a pipe that happens to hold the password is still not asked

        assertThat(joan.awaitExit()).isEqualTo(2);
        joan.awaitError("^roomcast: no password: give --password-file FILE or set " + VARIABLE
                + "; there is no terminal to type it at without echo$");
        assertThat(joan.rawOutput()).doesNotContain("Password");
    }

    @Test
    void aWrongPasswordIsSaidAndAskedAgainWithoutEcho() throws Exception {
        String address = server();
        AppRun joan = track(new AppRun(true, Map.of("NO_COLOR", "1"), "client", "--server", address,
                "--username", "joan"));

        joan.awaitOutput("Password: ", 1);
        joan.type("not the password");
        joan.awaitLine("Wrong password\\.");
        joan.awaitOutput("Password: ", 2);
        joan.type(PASSWORD);

        joan.awaitLine("Joined lobby as joan");
        assertThat(joan.rawOutput()).doesNotContain("not the password", SHOWN_IF_ECHOED);
        joan.type("/quit");
        assertThat(joan.awaitExit()).isZero();
    }

    @Test
    void aWrongPasswordFromTheEnvironmentWithoutATerminalEndsTheClientInsteadOfAskingThePipe() throws Exception {
        String address = server();
        AppRun joan = client(Map.of(VARIABLE, "hunter2"), address, "joan");

        joan.awaitLine("^Wrong password\\.$");
        assertThat(joan.awaitExit()).isEqualTo(1);
        assertThat(joan.rawOutput() + joan.rawErrors()).doesNotContain("hunter2");
    }

    @Test
    void thePasswordNeverShowsInHelpOrInAnErrorAboutIt() throws Exception {
        for (String command : List.of("server", "client", "bot")) {
            AppRun help = track(new AppRun(Map.of(VARIABLE, "hunter2"), command, "--help"));
            assertThat(help.awaitExit()).isZero();
            String text = help.rawOutput().replaceAll("\\s+", " ");
            assertThat(text).as(command).contains("--password-file=FILE", VARIABLE, Passwords.RULE)
                    .doesNotContain("hunter2");
        }

        String twoLines = file("two-lines", "hunter2\nsecond line\n").toString();
        for (List<String> args : List.of(List.of("server", "--port", "0", "--password-file", twoLines),
                List.of("client", "--server", "127.0.0.1:9", "--username", "joan", "--password-file", twoLines),
                List.of("bot", "--password-file", twoLines))) {
            String command = args.get(0);
            AppRun refused = track(new AppRun(Map.of(), args.toArray(String[]::new)));
            assertThat(refused.awaitExit()).as(command).isEqualTo(2);
            refused.awaitError("the password file .*two-lines holds more than one line");
            assertThat(refused.rawOutput() + refused.rawErrors()).as(command).doesNotContain("hunter2", "second");
        }
    }
}
