package io.roomcast.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.ExternalTerminal;
import org.jline.utils.Curses;
import org.jline.utils.InfoCmp.Capability;

/** A JLine terminal: incoming lines are printed above the input line, which is redrawn as typed. */
final class TerminalConsole implements ChatConsole {
    /** The size of a terminal emulated in-process (a test, an app embedding the commands). */
    static final Size EMULATED_SIZE = new Size(120, 40);
    /** The width lines are cut to when the terminal does not say its own: the usual default. */
    static final int UNKNOWN_WIDTH = 80;

    private final Terminal terminal;
    private final LineReader reader;
    private final boolean colour;
    /** The terminal's sequences that turn its own wrapping at the right margin off and on again; empty if it has none. */
    private final String autowrapOff;
    private final String autowrapOn;

    /**
     * A console on the process's terminal, or, when {@code io}'s streams are not the process's own
     * (a test, an app embedding the commands), on a terminal emulated in-process over those
     * streams, of the type in {@code TERM} (default {@code xterm-256color}), {@link #EMULATED_SIZE}.
     * Emulated, not a pty (which {@link TerminalBuilder} would make): a pty copies output on a
     * thread of its own, and what it has not copied when the app closes it is lost.
     */
    TerminalConsole(ProcessIo io) throws IOException {
        this(open(io), io.environment());
    }

    /** A console on {@code terminal}, which it closes; colour unless the terminal is dumb or {@code NO_COLOR} is set. */
    TerminalConsole(Terminal terminal, Map<String, String> environment) {
        this.terminal = terminal;
        this.reader = LineReaderBuilder.builder().terminal(terminal).build();
        this.colour = !Terminal.TYPE_DUMB.equals(terminal.getType())
                && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())
                && environment.get("NO_COLOR") == null;
        String off = Curses.tputs(terminal.getStringCapability(Capability.exit_am_mode));
        String on = Curses.tputs(terminal.getStringCapability(Capability.enter_am_mode));
        boolean switchable = terminal.getBooleanCapability(Capability.auto_right_margin) && off != null && on != null;
        this.autowrapOff = switchable ? off : "";
        this.autowrapOn = switchable ? on : "";
    }

    private static Terminal open(ProcessIo io) throws IOException {
        if (io.in() == System.in && io.out() == System.out) {
            return TerminalBuilder.builder().system(true).build();
        }
        Terminal emulated = new ExternalTerminal("roomcast", io.environment().getOrDefault("TERM", "xterm-256color"),
                io.in(), io.out(), StandardCharsets.UTF_8);
        emulated.setSize(EMULATED_SIZE);
        return emulated;
    }

    @Override
    public String readLine(String prompt) {
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException | EndOfFileException e) {
            return null; // Ctrl-C and Ctrl-D leave cleanly
        }
    }

    /** Reads without echo, on a reader of its own that keeps no history ({@link Passwords#readAt}). */
    @Override
    public String readPassword(String prompt) {
        return Passwords.readAt(terminal, prompt);
    }

    /**
     * Prints {@code line}, text from the room in it having been through {@link TerminalText#escape},
     * in rows cut to the terminal's width by {@link TerminalRows}, so the terminal never wraps it
     * itself: a row it wrapped would start at column 0 with text the sender chose. The width is read
     * for every line, as the window may have been resized (with JLine's native terminal, one
     * {@code ioctl}). Where the terminal's entry says how (terminfo {@code rmam}/{@code smam}:
     * xterm's, rxvt's and the Linux console's; not tmux's nor screen's), its own wrapping is also
     * off while the rows are written, so a character it draws wider than counted (an emoji newer
     * than our tables, an East Asian ambiguous-width character on a terminal set to draw those
     * wide) loses the row's last characters at the right margin rather than carrying them to
     * column 0 of the next row. Without it, the rows rest on the count alone.
     */
    @Override
    public void print(String line) {
        int width = terminal.getWidth();
        reader.printAbove(TerminalRows.of(line, width > 0 ? width : UNKNOWN_WIDTH).stream()
                .map(row -> row.toAnsi(terminal)).collect(Collectors.joining("\n", autowrapOff, autowrapOn)));
        terminal.flush(); // printAbove does not flush when no line is being read: the line would wait in JLine
    }

    @Override
    public boolean colour() {
        return colour;
    }

    @Override
    public void close() {
        try {
            terminal.close();
        } catch (IOException e) {
            // nothing more to do for a terminal that will not close
        }
    }
}
