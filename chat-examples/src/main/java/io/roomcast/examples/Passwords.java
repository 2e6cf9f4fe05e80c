package io.roomcast.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * The room password for the console apps: where it comes from, and the one rule for its text.
 *
 * <p>Sources, in this order: {@code --password-file}, then {@value #ENVIRONMENT_VARIABLE}, then
 * typed at a terminal without echo. Where there is no terminal to type at (standard input is a
 * pipe or a file), the apps do not ask: a prompt there would show the password as it is typed or
 * take it from the pipe. They refuse instead and name the other two sources.
 *
 * <p>The rule, the same for all three, so the same characters give the same password: one line
 * ending at the very end (LF, CR LF or CR: what an editor or {@code echo} leaves in a file) is
 * not part of the password; nothing else is trimmed, so spaces and tabs at either end are. A
 * password with a line break left inside is refused, since it could not be typed. Files are
 * UTF-8, of at most {@value #MAX_FILE_BYTES} bytes.
 *
 * <p>No message here ever holds the password.
 */
public final class Passwords {
    /** The environment variable that holds the room password. */
    public static final String ENVIRONMENT_VARIABLE = "ROOMCAST_PASSWORD";
    /** The rule, as {@code --help} says it. */
    public static final String RULE = "One line ending (LF, CR LF or CR) at the very end is dropped;"
            + " nothing else is trimmed: spaces and tabs are part of the password.";
    /** Where the password comes from, as {@code --help} of the commands that ask for it says. */
    static final String HELP = "The room password comes from --password-file, else $" + ENVIRONMENT_VARIABLE
            + ", else it is typed without echo at a terminal. With no terminal to type at (input from a pipe"
            + " or a file) it is not asked for, and the command exits with status 2. " + RULE;
    /** Why there is no prompt: the end of every refusal to ask. */
    static final String NO_TERMINAL = "there is no terminal to type it at without echo";
    /** The largest password file read: anything larger is a mistake, and is not read whole. */
    static final int MAX_FILE_BYTES = 4096;

    private Passwords() {
    }

    /**
     * The password from {@code file}, else from {@value #ENVIRONMENT_VARIABLE}, else typed at
     * {@code console} without echo.
     *
     * @param otherwise what else the person can do, for the refusal when there is nothing to ask
     *                  at: "give --password-file FILE or set ROOMCAST_PASSWORD", and the like
     * @return the password; {@code null} if the person ended the input at the prompt
     * @throws PasswordException if the file cannot be read or breaks the rule, or nothing gives a
     *                           password and there is no terminal to ask at
     */
    static String obtain(Path file, ProcessIo io, ChatConsole console, String prompt, String otherwise)
            throws IOException, PasswordException {
        String given = given(file, io);
        if (given != null) {
            return given;
        }
        try {
            return typed(console, prompt);
        } catch (PasswordException noTerminal) {
            throw new PasswordException("no password: " + otherwise + "; " + noTerminal.getMessage());
        }
    }

    /**
     * The password from {@code file} if there is one, else from {@value #ENVIRONMENT_VARIABLE}.
     *
     * @param file a password file, or {@code null}
     * @return the password, or {@code null} if neither gives one
     * @throws PasswordException if the file cannot be read, is not UTF-8, is too large, or breaks the rule
     */
    public static String given(Path file, ProcessIo io) throws PasswordException {
        if (file != null) {
            return fromText(read(file, "password"), "the password file " + file);
        }
        String value = io.environment().get(ENVIRONMENT_VARIABLE);
        return value == null ? null : fromText(value, ENVIRONMENT_VARIABLE);
    }

    /**
     * A password typed at {@code console} without echo.
     *
     * @return the password, or {@code null} at the end of input
     * @throws PasswordException if there is no terminal to type it at
     */
    static String typed(ChatConsole console, String prompt) throws IOException, PasswordException {
        String line = console.readPassword(prompt);
        return line == null ? null : fromText(line, "the password typed");
    }

    /**
     * Applies the rule to {@code text}: one line ending at the very end is dropped, nothing else.
     *
     * @param source where the text came from, for the message
     * @throws PasswordException if a line break is left inside
     */
    static String fromText(String text, String source) throws PasswordException {
        return fromText(text, source, "password");
    }

    /**
     * Applies the rule to {@code text}, which is a {@code kind} ("password", "cluster secret").
     *
     * @param source where the text came from, for the message
     * @throws PasswordException if a line break is left inside
     */
    static String fromText(String text, String source, String kind) throws PasswordException {
        int end = text.endsWith("\r\n") ? text.length() - 2
                : text.endsWith("\n") || text.endsWith("\r") ? text.length() - 1 : text.length();
        String password = text.substring(0, end);
        if (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
            throw new PasswordException(source + " holds more than one line; a " + kind + " is one line"
                    + " (only a line ending at its very end is dropped)");
        }
        return password;
    }

    /**
     * Reads a password at a JLine terminal: nothing is echoed or kept in history, and every
     * character counts as typed (no history expansion of {@code !}, no backslash escapes, and Tab
     * is a character, not completion), so that typing gives what a file with the same text gives.
     *
     * @return the line, or {@code null} at the end of input (Ctrl-D) or on Ctrl-C
     */
    public static String readAt(Terminal terminal, String prompt) {
        LineReader reader = LineReaderBuilder.builder().terminal(terminal)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .variable(LineReader.DISABLE_HISTORY, true).build();
        reader.getKeyMaps().get(LineReader.MAIN).bind(new Reference(LineReader.SELF_INSERT), "\t");
        try {
            return reader.readLine(prompt, (char) 0); // mask 0: nothing is echoed
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        }
    }

    /**
     * Reads a file that holds a {@code kind} ("password", "cluster secret"): UTF-8, at most
     * {@value #MAX_FILE_BYTES} bytes; the rule is not applied here.
     *
     * @throws PasswordException if it cannot be read, is too large or is not UTF-8; the message
     *                           names "the KIND file" and never holds its text
     */
    static String read(Path file, String kind) throws PasswordException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1); // bounded: the path may be a device or a pipe
        } catch (NoSuchFileException e) {
            throw new PasswordException("cannot read the " + kind + " file " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new PasswordException("cannot read the " + kind + " file " + file + ": permission denied");
        } catch (IOException e) {
            throw new PasswordException("cannot read the " + kind + " file " + file + ": " + e.getMessage());
        }
        try {
            if (bytes.length > MAX_FILE_BYTES) {
                throw new PasswordException("the " + kind + " file " + file + " is larger than " + MAX_FILE_BYTES
                        + " bytes: not a " + kind + " file");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PasswordException("the " + kind + " file " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
