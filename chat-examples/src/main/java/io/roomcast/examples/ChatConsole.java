package io.roomcast.examples;

import java.io.IOException;

/**
 * The console the apps talk to a person through: prompts and typed lines in, event lines out.
 * At a terminal, event lines appear above the line being typed, which is redrawn intact
 * (JLine); otherwise plain lines in and out, so the apps can be scripted and tested.
 */
interface ChatConsole extends AutoCloseable {

    /** A console on {@code io}: a JLine terminal if there is one, plain lines otherwise. */
    static ChatConsole open(ProcessIo io) throws IOException {
        return io.terminal() ? new TerminalConsole(io) : new PlainConsole(io);
    }

    /** Reads a line after showing {@code prompt}; {@code null} when the person leaves (end of input, Ctrl-D, Ctrl-C). */
    String readLine(String prompt) throws IOException;

    /**
     * Reads a password without echo: at this console's terminal, or at the terminal standard input
     * is attached to when the console is plain lines ({@link ProcessIo#passwordPrompt()}). Never
     * from a pipe, and never echoed.
     *
     * @return the line typed, without its line ending; {@code null} at the end of input
     * @throws PasswordException if there is no terminal to read it at without echo
     */
    String readPassword(String prompt) throws IOException, PasswordException;

    /** Asks a question showing its default; an empty answer takes the default; {@code null} at the end of input. */
    default String ask(String question, String defaultAnswer) throws IOException {
        String answer = readLine(defaultAnswer == null ? question + ": " : question + " [" + defaultAnswer + "]: ");
        if (answer == null) {
            return null;
        }
        answer = answer.strip();
        return answer.isEmpty() && defaultAnswer != null ? defaultAnswer : answer;
    }

    /**
     * Prints a line; at a terminal, above the line being typed, in rows cut to the terminal's width
     * ({@link TerminalRows}). Safe from any thread. The line is otherwise written as is: whatever in
     * it came from the room (names, message text, a refusal's detail) must have been through
     * {@link TerminalText#escape} first ({@link EventFormat} does this for event lines), and must
     * not start it.
     */
    void print(String line);

    /** Whether names may be coloured: a real terminal, and {@code NO_COLOR} unset. */
    boolean colour();

    @Override
    void close();
}
