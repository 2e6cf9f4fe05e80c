package io.roomcast.gateway.irc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A scripted IRC client for tests: sends raw lines, and waits a bounded time for a line that
 * matches (skipping others, which it keeps for the failure message). A daemon thread reads lines
 * into a queue; the end of the stream is a marker in it.
 */
final class IrcTestClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final String EOF = new String("<eof>");

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final java.util.ArrayDeque<String> skipped = new java.util.ArrayDeque<>();
    private boolean ended;

    IrcTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        Thread reader = new Thread(this::read, "irc-test-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static IrcTestClient connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5000);
        return new IrcTestClient(s);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the end of the stream, for the test
        } finally {
            lines.add(EOF);
        }
    }

    void send(String line) throws IOException {
        sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Waits for the next line in which {@code regex} is found; fails naming what came instead. */
    String expect(String regex) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = ended ? null : lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == EOF) {
                ended = true;
                line = null;
            }
            if (line == null) {
                throw new AssertionError((ended ? "connection closed" : "timed out") + " waiting for /" + regex
                        + "/; lines seen: " + recent());
            }
            if (pattern.matcher(line).find()) {
                return line;
            }
            skipped.add(line.length() > 160 ? line.substring(0, 160) + "..." : line);
            if (skipped.size() > 20) {
                skipped.removeFirst();
            }
        }
    }

    /** Waits for a reply with this numeric (or command) in second position. */
    String expectReply(String numeric) throws InterruptedException {
        return expect("^(@\\S+ )?:\\S+ " + Pattern.quote(numeric) + " ");
    }

    /** Waits for the server to close the connection; the lines before it. */
    List<String> expectClosed() throws InterruptedException {
        List<String> before = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!ended) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("the connection stayed open; lines seen: " + before);
            }
            if (line == EOF) {
                ended = true;
            } else {
                before.add(line);
            }
        }
        return before;
    }

    /** Lines that arrive within {@code wait}, for asserting that something did not come (bounded). */
    List<String> drain(Duration wait) throws InterruptedException {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        String line;
        while ((line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
            if (line == EOF) {
                ended = true;
                break;
            }
            got.add(line);
        }
        return got;
    }

    /** PASS, NICK, USER; waits for 001 and the end of the auto-join's names. */
    IrcTestClient register(String nick, String password) throws IOException, InterruptedException {
        send("PASS " + password);
        send("NICK " + nick);
        send("USER " + nick + " 0 * :Test " + nick);
        expectReply("001");
        expectReply("366");
        return this;
    }

    private String recent() {
        return skipped.toString();
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
