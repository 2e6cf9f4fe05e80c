package io.roomcast.examples;

import java.io.IOException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * A password prompt at the terminal standard input is attached to, for when standard output is
 * not one ({@code roomcast client > chat.log}): then {@link System#console()} is null and the apps
 * talk in plain lines, but a person is still typing. The prompt goes to standard output or, when
 * that is redirected, standard error, whichever is a terminal; with neither, or with standard
 * input a pipe or a file, there is nowhere to ask without echo and {@link #read} refuses.
 *
 * <p>The terminal is opened for each password and closed after it, which restores its echo, so
 * the plain console reads the lines that follow as before.
 */
final class InputTerminalPrompt implements PasswordPrompt {
    /** Opens the terminal for one password. */
    @FunctionalInterface
    interface Opener {
        /** The terminal, or {@link PasswordException} if there is none to ask at. */
        Terminal open() throws IOException, PasswordException;
    }

    private final Opener opener;

    /** A prompt on the terminals {@code opener} opens: a test's emulated one, or {@link #system()}. */
    InputTerminalPrompt(Opener opener) {
        this.opener = opener;
    }

    /** A prompt on this process's own terminal: JLine's system terminal, never a dumb one. */
    static InputTerminalPrompt system() {
        return new InputTerminalPrompt(() -> {
            try {
                return TerminalBuilder.builder().system(true).dumb(false)
                        .systemOutput(TerminalBuilder.SystemOutput.SysOutOrSysErr).build();
            } catch (IllegalStateException e) {
                // JLine's words for: standard input, or both outputs, are not a terminal
                throw new PasswordException(Passwords.NO_TERMINAL);
            }
        });
    }

    @Override
    public String read(String prompt) throws IOException, PasswordException {
        try (Terminal terminal = opener.open()) {
            return Passwords.readAt(terminal, prompt);
        }
    }
}
