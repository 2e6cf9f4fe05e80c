package io.roomcast.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The standard streams and environment of the process a command runs in: input, output, error
 * output, the environment variables, whether a person is at a terminal (then a command prompts
 * without echo and redraws the input line; otherwise it reads and prints plain lines, so it can
 * be scripted and tested), and where a password can be typed without echo when the output is
 * not a terminal. Tests build one on in-memory streams.
 *
 * @param in             standard input
 * @param out            standard output
 * @param err            standard error
 * @param environment    environment variables
 * @param terminal       {@code true} if input and output are an interactive terminal
 * @param passwordPrompt where a password is asked for when {@code terminal} is false: the
 *                       terminal standard input is attached to, if any; {@link PasswordPrompt#NONE}
 *                       when there is none
 */
public record ProcessIo(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
                        boolean terminal, PasswordPrompt passwordPrompt) {

    /** Streams with no terminal behind standard input other than a full one ({@code terminal}). */
    public ProcessIo(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
                     boolean terminal) {
        this(in, out, err, environment, terminal, PasswordPrompt.NONE);
    }

    /**
     * This process's own streams and environment. Without a console ({@link System#console()} is
     * null when input or output is redirected) a password is asked for at the terminal behind
     * standard input, if there is one.
     */
    public static ProcessIo system() {
        boolean console = System.console() != null;
        return new ProcessIo(System.in, System.out, System.err, System.getenv(), console,
                console ? PasswordPrompt.NONE : InputTerminalPrompt.system());
    }
}
