package io.roomcast.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.ExternalTerminal;

/** A JLine terminal: incoming lines are printed above the input line, which is redrawn as typed. */
final class TerminalConsole implements ChatConsole {
    private final Terminal terminal;
    private final LineReader reader;
    private final boolean colour;

    /**
     * A console on the process's terminal, or, when {@code io}'s streams are not the process's own
     * (a test, an app embedding the commands), on a terminal emulated in-process over those
     * streams, of the type in {@code TERM} (default {@code xterm-256color}). Emulated, not a pty
     * (which {@link TerminalBuilder} would make): a pty copies output on a thread of its own, and
     * what it has not copied when the app closes it is lost.
     */
    TerminalConsole(ProcessIo io) throws IOException {
        if (io.in() == System.in && io.out() == System.out) {
            this.terminal = TerminalBuilder.builder().system(true).build();
        } else {
            this.terminal = new ExternalTerminal("roomcast", io.environment().getOrDefault("TERM", "xterm-256color"),
                    io.in(), io.out(), StandardCharsets.UTF_8);
            terminal.setSize(new Size(120, 40));
        }
        this.reader = LineReaderBuilder.builder().terminal(terminal).build();
        this.colour = !Terminal.TYPE_DUMB.equals(terminal.getType())
                && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())
                && io.environment().get("NO_COLOR") == null;
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

    /** Prints {@code line} as is: text from the room in it has been through {@link TerminalText#escape}. */
    @Override
    public void print(String line) {
        reader.printAbove(line);
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
