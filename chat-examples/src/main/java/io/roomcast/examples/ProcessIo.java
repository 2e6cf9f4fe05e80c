package io.roomcast.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The standard streams and environment of the process a command runs in: input, output, error
 * output, the environment variables, and whether a person is at a terminal (then a command
 * prompts without echo and redraws the input line; otherwise it reads and prints plain lines,
 * so it can be scripted and tested). Tests build one on in-memory streams.
 *
 * @param in          standard input
 * @param out         standard output
 * @param err         standard error
 * @param environment environment variables
 * @param terminal    {@code true} if input and output are an interactive terminal
 */
public record ProcessIo(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
                        boolean terminal) {

    /** This process's own streams and environment. */
    public static ProcessIo system() {
        return new ProcessIo(System.in, System.out, System.err, System.getenv(), System.console() != null);
    }
}
