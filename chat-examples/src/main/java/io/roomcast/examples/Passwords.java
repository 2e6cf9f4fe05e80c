package io.roomcast.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the console apps find the room password before asking: a file, then the environment. */
final class Passwords {
    static final String ENVIRONMENT_VARIABLE = "ROOMCAST_PASSWORD";

    private Passwords() {
    }

    /** The password from {@code file} or {@link #ENVIRONMENT_VARIABLE}, or null if neither gives one. */
    static String given(Path file, ProcessIo io) throws IOException {
        if (file != null) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        return io.environment().get(ENVIRONMENT_VARIABLE);
    }
}
