package io.roomcast.examples;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command talks to: input, output, error output, the environment, and whether a person
 * is at a terminal (then it prompts without echo and redraws the input line; otherwise it reads
 * and prints plain lines, so it can be scripted and tested).
 *
 * @param in          standard input
 * @param out         standard output
 * @param err         standard error
 * @param environment environment variables
 * @param terminal    {@code true} if input and output are an interactive terminal
 */
public record Streams(InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
                      boolean terminal) {

    /** The process's own streams. */
    public static Streams system() {
        return new Streams(System.in, System.out, System.err, System.getenv(), System.console() != null);
    }
}
