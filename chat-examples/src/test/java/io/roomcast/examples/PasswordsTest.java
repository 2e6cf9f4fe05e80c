package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jline.terminal.Size;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password rule, the same for every source: one line ending at the very end is dropped,
 * nothing else; a line break inside is refused; a file that cannot be a password says why; no
 * message holds the password; and with no terminal there is no prompt, and the input is left alone.
 */
@Timeout(30)
class PasswordsTest {
    private static final String VARIABLE = Passwords.ENVIRONMENT_VARIABLE;
    /** Texts as they would be typed: spaces, a tab, '!', a backslash, non-ASCII. */
    private static final List<String> TYPED = List.of("secret", "  spaced out\t ", "a!b\\c !! \\n", "pässwört €", "");

    @TempDir
    Path dir;

    @Test
    void oneLineEndingAtTheVeryEndIsDroppedAndNothingElse() throws PasswordException {
        assertThat(Passwords.fromText("secret", "test")).isEqualTo("secret");
        assertThat(Passwords.fromText("secret\n", "test")).isEqualTo("secret");
        assertThat(Passwords.fromText("secret\r\n", "test")).isEqualTo("secret");
        assertThat(Passwords.fromText("secret\r", "test")).isEqualTo("secret");
        assertThat(Passwords.fromText("  secret \t\n", "test")).isEqualTo("  secret \t");
        assertThat(Passwords.fromText("\n", "test")).isEmpty();
        assertThat(Passwords.fromText("", "test")).isEmpty();
    }

    @Test
    void aLineBreakLeftInsideIsRefusedWithoutShowingThePassword() {
        for (String text : List.of("hunter2\n\n", "hunter2\r\n\r\n", "hunt\ner2", "hunt\rer2\n")) {
            assertThatThrownBy(() -> Passwords.fromText(text, "the password file p"))
                    .isInstanceOf(PasswordException.class)
                    .hasMessage("the password file p holds more than one line; a password is one line"
                            + " (only a line ending at its very end is dropped)");
        }
    }

    @Test
    void theSameTextGivesTheSamePasswordFromAFileTheEnvironmentAndTheKeyboard() throws Exception {
        for (String text : TYPED) {
            Path file = Files.writeString(dir.resolve("password"), text + "\n", StandardCharsets.UTF_8);
            String fromFile = Passwords.given(file, io(Map.of(VARIABLE, "ignored when a file is given")));
            String fromEnvironment = Passwords.given(null, io(Map.of(VARIABLE, text)));
            String typed = Passwords.typed(new PlainConsole(io(Map.of(), keyboard(text + "\r"))), "Password: ");

            assertThat(List.of(fromFile, fromEnvironment, typed)).as("%s", text).containsOnly(text);
        }
    }

    @Test
    void nothingGivenIsNullAndAnEmptyVariableIsTheEmptyPassword() throws PasswordException {
        assertThat(Passwords.given(null, io(Map.of()))).isNull();
        assertThat(Passwords.given(null, io(Map.of(VARIABLE, "")))).isEmpty();
    }

    @Test
    void aFileThatCannotBeAPasswordSaysWhyAndNeverWhatItHolds() throws IOException {
        Path missing = dir.resolve("missing");
        Path notUtf8 = Files.write(dir.resolve("latin1"), "hunter2 caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        byte[] large = new byte[Passwords.MAX_FILE_BYTES + 1];
        Arrays.fill(large, (byte) 'h');
        Path tooLarge = Files.write(dir.resolve("large"), large);

        assertThatThrownBy(() -> Passwords.given(missing, io(Map.of())))
                .hasMessage("cannot read the password file " + missing + ": no such file");
        assertThatThrownBy(() -> Passwords.given(notUtf8, io(Map.of())))
                .hasMessage("the password file " + notUtf8 + " is not UTF-8 text");
        assertThatThrownBy(() -> Passwords.given(tooLarge, io(Map.of())))
                .hasMessage("the password file " + tooLarge + " is larger than 4096 bytes: not a password file");
        assertThatThrownBy(() -> Passwords.given(dir, io(Map.of())))
                .hasMessageStartingWith("cannot read the password file " + dir + ": ");
    }

    @Test
    void withNoTerminalThereIsNoPromptAndTheInputIsLeftAlone() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProcessIo pipe = new ProcessIo(new ByteArrayInputStream("hunter2\n".getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()),
                Map.of(), false);
        PlainConsole console = new PlainConsole(pipe);

        assertThatThrownBy(() -> Passwords.obtain(null, pipe, console, "Password: ", "give --password-file FILE"))
                .isInstanceOf(PasswordException.class)
                .hasMessage("no password: give --password-file FILE; there is no terminal to type it at without echo");
        assertThat(out.toString(StandardCharsets.UTF_8)).as("no prompt").isEmpty();
        assertThat(console.readLine("")).as("the input, unread").isEqualTo("hunter2");
    }

    private static ProcessIo io(Map<String, String> environment) {
        return new ProcessIo(InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), environment, false);
    }

    /** Plain streams, and a keyboard (an emulated terminal) behind standard input that types {@code keys}. */
    private static ProcessIo io(Map<String, String> environment, PasswordPrompt keyboard) {
        return new ProcessIo(InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), environment, false, keyboard);
    }

    private static PasswordPrompt keyboard(String keys) {
        return new InputTerminalPrompt(() -> {
            ExternalTerminal terminal = new ExternalTerminal("tty", "xterm-256color",
                    new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(),
                    StandardCharsets.UTF_8);
            terminal.setSize(new Size(120, 40));
            return terminal;
        });
    }
}
