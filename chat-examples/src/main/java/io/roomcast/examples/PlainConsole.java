package io.roomcast.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Plain lines in and out: for pipes, scripts and tests. Prompts go to the output without a newline. */
final class PlainConsole implements ChatConsole {
    private final Streams streams;
    private final BufferedReader reader;

    PlainConsole(Streams streams) {
        this.streams = streams;
        this.reader = new BufferedReader(new InputStreamReader(streams.in(), StandardCharsets.UTF_8));
    }

    @Override
    public String readLine(String prompt) throws IOException {
        if (!prompt.isEmpty()) {
            synchronized (streams.out()) {
                streams.out().print(prompt);
                streams.out().flush();
            }
        }
        return reader.readLine();
    }

    @Override
    public String readSecret(String prompt) throws IOException {
        return readLine(prompt);
    }

    @Override
    public void print(String line) {
        synchronized (streams.out()) {
            streams.out().println(line);
            streams.out().flush();
        }
    }

    @Override
    public boolean colour() {
        return false;
    }

    @Override
    public void close() {
        streams.out().flush();
    }
}
