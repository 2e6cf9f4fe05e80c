package io.roomcast.examples;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the console apps get the room password: a file, the environment, or the terminal without echo. */
final class Passwords {
    static final String ENVIRONMENT_VARIABLE = "ROOMCAST_PASSWORD";

    private Passwords() {
    }

    static String read(Path file, String prompt) throws IOException {
        if (file != null) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        String fromEnvironment = System.getenv(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        Console console = System.console();
        if (console == null) {
            throw new IOException("no password: give --password-file or set " + ENVIRONMENT_VARIABLE);
        }
        char[] typed = console.readPassword("%s", prompt);
        return typed == null ? "" : new String(typed);
    }
}
