package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.terminal.Size;
import org.jline.terminal.impl.ExternalTerminal;

/**
 * One console app run in-process, as from a pipe: the test types lines into its input and waits,
 * a bounded time, for lines on its output. No terminal, so the app prints plain lines.
 */
final class AppRun implements AutoCloseable {
    private static final long WAIT_SECONDS = 15;

    private final TypedInput input = new TypedInput();
    private final Screen out = new Screen();
    private final Screen err = new Screen();
    /** The terminal behind standard input when output is redirected ({@link #withInputTerminal}). */
    private final TypedInput ttyInput = new TypedInput();
    private final Screen tty = new Screen();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Thread thread;

    AppRun(Map<String, String> environment, String... args) {
        this(false, environment, args);
    }

    /**
     * A run at a terminal if {@code terminal}: the app then uses its JLine console, on a terminal
     * emulated over the test's streams (type {@code TERM}, default xterm-256color), and its
     * output holds JLine's own redrawing as well as the lines.
     */
    AppRun(boolean terminal, Map<String, String> environment, String... args) {
        this(terminal, false, environment, args);
    }

    /**
     * A run whose standard input is a terminal but whose output is redirected, as
     * {@code roomcast client > chat.log}: plain lines on the streams, and a password asked for on
     * the terminal ({@link #typeAtTerminal}, {@link #terminalOutput}), emulated like the JLine
     * console's.
     */
    static AppRun withInputTerminal(Map<String, String> environment, String... args) {
        return new AppRun(false, true, environment, args);
    }

    private AppRun(boolean terminal, boolean inputTerminal, Map<String, String> environment, String... args) {
        PasswordPrompt prompt = !inputTerminal ? PasswordPrompt.NONE : new InputTerminalPrompt(() -> {
            ExternalTerminal emulated = new ExternalTerminal("tty", "xterm-256color", ttyInput, tty,
                    StandardCharsets.UTF_8);
            emulated.setSize(new Size(120, 40));
            return emulated;
        });
        ProcessIo io = new ProcessIo(input, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment, terminal, prompt);
        thread = new Thread(() -> {
            try {
                exit.complete(Roomcast.run(io, args));
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        }, "app-" + String.join("-", args).replaceAll("[^a-z]", ""));
        thread.setDaemon(true);
        thread.start();
    }

    /** Types a line, as if at the keyboard of a pipe. */
    void type(String line) {
        input.type(line + "\n");
    }

    /** Types a line at the terminal behind standard input ({@link #withInputTerminal}), Enter included. */
    void typeAtTerminal(String line) {
        ttyInput.type(line + "\r");
    }

    /**
     * Waits until standard output holds {@code text} {@code times} times, unfinished line included: for
     * a prompt, after which what is typed is not echoed.
     */
    void awaitOutput(String text, int times) throws InterruptedException {
        out.awaitRaw(text, times);
    }

    /** Waits until the terminal behind standard input shows {@code text} (a prompt). */
    void awaitTerminalText(String text) throws InterruptedException {
        tty.awaitRaw(text, 1);
    }

    /** Every character written to the terminal behind standard input so far. */
    String terminalOutput() {
        return tty.raw();
    }

    /** Types a line, then waits for a line on standard output that matches {@code regex}; returns the match. */
    Matcher typeAndAwait(String line, String regex) throws InterruptedException {
        type(line);
        return awaitLine(regex);
    }

    /** Waits for a line on standard output that matches {@code regex} (found anywhere in it); returns the match. */
    Matcher awaitLine(String regex) throws InterruptedException {
        return out.await(regex);
    }

    /**
     * Waits until each of {@code regexes} has matched a line on standard output, in any order: for
     * lines printed by two threads at once (the host's command and the room's event it caused).
     */
    void awaitLines(String... regexes) throws InterruptedException {
        out.awaitAll(regexes);
    }

    /** Waits for a line on standard error. */
    Matcher awaitError(String regex) throws InterruptedException {
        return err.await(regex);
    }

    int awaitExit() throws Exception {
        return exit.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Everything printed so far. */
    String output() {
        return out.all();
    }

    /** Every character written to standard output so far, exactly, the unfinished last line included. */
    String rawOutput() {
        return out.raw();
    }

    /** Every character written to standard error so far, exactly. */
    String rawErrors() {
        return err.raw();
    }

    @Override
    public void close() {
        input.close();
        ttyInput.close();
        thread.interrupt();
    }

    /** Input the test types into; blocks the app until there is some, ends at {@link #close()}. */
    private static final class TypedInput extends InputStream {
        private final BlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();

        void type(String text) {
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                bytes.add(b & 0xFF);
            }
        }

        @Override
        public int read() {
            try {
                return bytes.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            int first = read();
            if (first < 0) {
                return -1;
            }
            buffer[offset] = (byte) first;
            int count = 1;
            Integer next;
            while (count < length && (next = bytes.poll()) != null) {
                if (next < 0) {
                    bytes.add(-1);
                    break;
                }
                buffer[offset + count++] = next.byteValue();
            }
            return count;
        }

        @Override
        public void close() {
            bytes.add(-1);
        }
    }

    /** An output stream split into lines that a test can wait for. */
    private static final class Screen extends OutputStream {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();
        private final ByteArrayOutputStream everything = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            everything.write(b);
            notifyAll();
            if (b == '\n') {
                lines.add(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }

        Matcher await(String regex) throws InterruptedException {
            Pattern pattern = Pattern.compile(regex);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                Matcher matcher = pattern.matcher(next(deadline, "a line matching /" + regex + "/"));
                if (matcher.find()) {
                    return matcher;
                }
            }
        }

        synchronized void awaitRaw(String text, int times) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (occurrences(everything.toString(StandardCharsets.UTF_8), text) < times) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("%s shown %d times within %d s; shown: %s", text, times, WAIT_SECONDS, raw())
                        .isPositive();
                wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }

        private static int occurrences(String haystack, String needle) {
            int count = 0;
            for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
                count++;
            }
            return count;
        }

        void awaitAll(String... regexes) throws InterruptedException {
            List<Pattern> waiting = new ArrayList<>();
            for (String regex : regexes) {
                waiting.add(Pattern.compile(regex));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!waiting.isEmpty()) {
                String line = next(deadline, "lines matching " + waiting);
                waiting.removeIf(pattern -> pattern.matcher(line).find());
            }
        }

        /** The next line, waited for until {@code deadline} at most (else the test fails, saying it wanted {@code wanted}). */
        private String next(long deadline, String wanted) throws InterruptedException {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(line).as("%s within %d s; seen: %s", wanted, WAIT_SECONDS, all()).isNotNull();
            synchronized (seen) {
                seen.add(line);
            }
            return line;
        }

        synchronized String raw() {
            return everything.toString(StandardCharsets.UTF_8);
        }

        String all() {
            synchronized (seen) {
                return String.join("\n", seen);
            }
        }
    }
}
