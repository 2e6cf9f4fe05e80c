package io.roomcast.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Plain lines in and out: for pipes, scripts and tests. Prompts go to the output without a
 * newline; a password is asked for only at a terminal ({@link #readPassword}).
 */
final class PlainConsole implements ChatConsole {
    private final ProcessIo io;
    private final BufferedReader reader;

    PlainConsole(ProcessIo io) {
        this.io = io;
        this.reader = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
    }

    @Override
    public String readLine(String prompt) throws IOException {
        if (!prompt.isEmpty()) {
            synchronized (io.out()) {
                io.out().print(prompt);
                io.out().flush();
            }
        }
        return reader.readLine();
    }

    /**
     * Asks at the terminal standard input is attached to, if there is one; never on the plain
     * streams, where the password would be echoed or read from a pipe.
     */
    @Override
    public String readPassword(String prompt) throws IOException, PasswordException {
        return io.passwordPrompt().read(prompt);
    }

    /** Prints {@code line} as is: text from the room in it has been through {@link TerminalText#escape}. */
    @Override
    public void print(String line) {
        synchronized (io.out()) {
            io.out().println(line);
            io.out().flush();
        }
    }

    @Override
    public boolean colour() {
        return false;
    }

    @Override
    public void close() {
        io.out().flush();
    }
}
