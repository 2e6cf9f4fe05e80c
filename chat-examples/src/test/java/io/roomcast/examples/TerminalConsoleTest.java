package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.jline.builtins.ScreenTerminal;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the terminal console writes for a line: rows cut to the terminal's width as it is now. */
@Timeout(10)
class TerminalConsoleTest {
    private static final String AUTOWRAP_OFF = "\u001B[?7l";
    private static final String AUTOWRAP_ON = "\u001B[?7h";
    private static final Instant AT = LocalDateTime.of(2024, 5, 1, 12, 1).atZone(ZoneId.systemDefault()).toInstant();
    private static final String LINE = "12:01 <joan> " + "the quick brown fox jumps over the lazy dog ".repeat(3);

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    /** A terminal of {@code type} emulated over {@link #written}. */
    private Terminal terminal(String type) throws IOException {
        return new ExternalTerminal("test", type, InputStream.nullInputStream(), written, StandardCharsets.UTF_8);
    }

    /** {@code line} as rows of {@code width}, each ending with CR LF (the terminal's newline) but the last. */
    private static String rows(String line, int width) {
        return String.join("\r\n", TerminalRows.of(line, width).stream().map(AttributedString::toString).toList());
    }

    private String written() {
        return written.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachLineIsCutToTheWidthTheTerminalHasWhenItIsPrintedWithTheTerminalsWrappingOff() throws IOException {
        Terminal terminal = terminal("xterm-256color");
        try (TerminalConsole console = new TerminalConsole(terminal, Map.of("NO_COLOR", "1"))) {
            terminal.setSize(new Size(40, 24));
            console.print(LINE);
            terminal.setSize(new Size(60, 24)); // the window was made wider
            console.print(LINE);
        }
        assertThat(written()).isEqualTo(AUTOWRAP_OFF + rows(LINE, 40) + AUTOWRAP_ON + "\r\n"
                + AUTOWRAP_OFF + rows(LINE, 60) + AUTOWRAP_ON + "\r\n");
        assertThat(List.of(rows(LINE, 40).split("\r\n"))).hasSize(4).first().asString().hasSize(40);
        assertThat(List.of(rows(LINE, 60).split("\r\n"))).hasSize(3).first().asString().hasSize(60);
    }

    @Test
    void aTerminalThatCannotTurnItsWrappingOffGetsTheRowsAlone() throws IOException {
        Terminal terminal = terminal(Terminal.TYPE_DUMB);
        try (TerminalConsole console = new TerminalConsole(terminal, Map.of())) {
            terminal.setSize(new Size(30, 24));
            console.print(LINE);
        }
        assertThat(written()).isEqualTo(rows(LINE, 30) + "\r\n").doesNotContain("\u001B");
    }

    @Test
    void aTerminalThatDoesNotSayItsWidthIsTakenToHaveTheUsualEighty() throws IOException {
        Terminal terminal = terminal("xterm-256color");
        try (TerminalConsole console = new TerminalConsole(terminal, Map.of("NO_COLOR", "1"))) {
            terminal.setSize(new Size(0, 0)); // as a terminal that does not know
            console.print(LINE + LINE);
        }
        assertThat(written()).isEqualTo(AUTOWRAP_OFF + rows(LINE + LINE, TerminalConsole.UNKNOWN_WIDTH) + AUTOWRAP_ON
                + "\r\n");
    }

    @Test
    void aColouredLineKeepsItsColoursOnEveryRow() throws IOException {
        Terminal terminal = terminal("xterm-256color");
        String line = new EventFormat(true, "HH:mm").earlier(AT, "joan", "x".repeat(60));
        try (TerminalConsole console = new TerminalConsole(terminal, Map.of())) {
            assertThat(console.colour()).isTrue();
            terminal.setSize(new Size(30, 24));
            console.print(line);
        }
        List<String> rows = List.of(written().replace(AUTOWRAP_OFF, "").replace(AUTOWRAP_ON, "").split("\r\n"));
        assertThat(rows).hasSize(3);
        for (String row : rows.subList(1, 3)) {
            assertThat(row).as("dimmed after the mark, and back to normal at its end")
                    .startsWith(TerminalRows.CONTINUATION + "\u001B[2m").endsWith("\u001B[0m");
            assertThat(AttributedString.fromAnsi(row).columnLength()).isLessThanOrEqualTo(30);
        }
    }

    /**
     * A terminal that draws the row wider than counted (here: 10 columns narrower than it says it
     * is, as if it drew ten of the row's characters two columns wide) would wrap its end to the
     * next row, at column 0; with its wrapping off the end is lost at the right margin instead.
     */
    @Test
    void aRowTheTerminalDrawsWiderThanCountedLosesItsEndAtTheMarginRatherThanStartingARow() throws IOException {
        Terminal terminal = terminal("xterm-256color");
        String line = new EventFormat(false, "HH:mm").message(AT, "mallory", "a".repeat(34) + "12:01 <joan> fake");
        try (TerminalConsole console = new TerminalConsole(terminal, Map.of("NO_COLOR", "1"))) {
            terminal.setSize(new Size(60, 24));
            console.print(line);
        }
        ScreenTerminal narrower = new ScreenTerminal(50, 10);
        narrower.write(written());
        List<String> shown = narrower.toString().lines().toList();
        assertThat(shown.get(0)).startsWith("12:01 <mallory> aaaa");
        assertThat(shown.get(1)).startsWith(TerminalRows.CONTINUATION + "n> fake");
        assertThat(shown).noneMatch(row -> row.matches("^\\s*\\d\\d:\\d\\d <joan.*"));
    }
}
