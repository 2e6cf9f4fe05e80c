package io.roomcast.examples;

import java.io.IOException;

/**
 * Asks for a password at a terminal, without echo. The apps use one when their console is plain
 * lines but standard input may still be a terminal (standard output redirected); at a full
 * terminal the JLine console asks itself.
 */
@FunctionalInterface
public interface PasswordPrompt {
    /** There is no terminal to ask at: standard input is a pipe or a file. */
    PasswordPrompt NONE = prompt -> {
        throw new PasswordException(Passwords.NO_TERMINAL);
    };

    /**
     * Shows {@code prompt} and reads the password typed, echoing nothing.
     *
     * @return the line typed, without its line ending; {@code null} at the end of input (Ctrl-D)
     *         or on Ctrl-C
     * @throws PasswordException if there is no terminal to ask at without echo
     * @throws IOException       if the terminal fails
     */
    String read(String prompt) throws IOException, PasswordException;
}
