package io.roomcast.gateway.irc;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IRC client's TCP (or TLS) connection: a reader thread that frames lines and hands them to
 * the {@link IrcSession} (which runs on it, so a client's commands are handled one at a time, in
 * order), and a writer thread that drains the {@link Outbox}. A client that does not read fills
 * its outbox and is dropped; nothing the room does waits for it.
 *
 * <p>Closing: {@link #close} queues an {@code ERROR} line, lets the writer finish, and closes the
 * socket itself after {@link #LINGER_MILLIS} if the writer could not (the client stopped reading).
 * Closing the socket ends the reader, which closes the session (its {@code ChatClient}) and tells
 * the gateway. {@code raw} is the accepted TCP socket: for TLS, {@code io} is layered on it, and
 * closing {@code raw} unblocks both threads at once.
 */
final class IrcConnection {
    /** How long an ERROR line may take to go out before the socket is closed regardless. */
    static final long LINGER_MILLIS = 2_000;

    private static final Logger log = LoggerFactory.getLogger(IrcConnection.class);

    private final long id;
    private final Socket raw;
    private final Socket io;
    private final Outbox outbox;
    private final ScheduledExecutorService timer;
    private final IrcSession session;
    private final Runnable onEnd;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Thread reader;
    private final Thread writer;

    IrcConnection(long id, Socket raw, Socket io, GatewaySettings settings, ScheduledExecutorService timer, Runnable onEnd) {
        this.id = id;
        this.raw = raw;
        this.io = io;
        this.outbox = new Outbox(settings.maxQueuedBytes());
        this.timer = timer;
        this.onEnd = onEnd;
        this.session = new IrcSession(this, settings);
        this.reader = new Thread(null, this::readLoop, "roomcast-irc-" + id + "-reader", 256 * 1024);
        this.writer = new Thread(null, this::writeLoop, "roomcast-irc-" + id + "-writer", 128 * 1024);
        reader.setDaemon(true);
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
        reader.start();
    }

    /** The reader thread, which ends last; the gateway waits for it when it closes. */
    Thread readerThread() {
        return reader;
    }

    /**
     * Queues a line (without CR LF) for the client. The part after the tags is cut to 510 bytes,
     * so every line fits IRC's 512. If the outbox is full the client is dropped with an ERROR.
     * Any thread; never blocks.
     */
    void send(String line) {
        int tagEnd = line.startsWith("@") ? line.indexOf(' ') + 1 : 0;
        String body = IrcText.truncate(line.substring(tagEnd), IrcText.MAX_LINE_BYTES - 2);
        byte[] bytes = IrcText.encodeLine(line.substring(0, tagEnd) + body);
        if (!outbox.offer(bytes) && !closing.get()) {
            log.warn("IRC connection {} ({}): more than {} bytes wait for it; dropping it", id,
                    IrcText.forLog(session.nickOrStar()), outbox.bytes());
            abort("SendQ exceeded");
        }
    }

    /** Says {@code ERROR :Closing link: reason} after what waits, then closes. Idempotent; any thread. */
    void close(String reason) {
        finish(reason, false);
    }

    /** Like {@link #close}, but what waits is discarded: the client is not reading it. */
    void abort(String reason) {
        finish(reason, true);
    }

    private void finish(String reason, boolean discard) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        outbox.finish(IrcText.encodeLine("ERROR :Closing link: " + IrcText.truncate(reason, 400)), discard);
        try {
            timer.schedule(this::closeSocket, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closeSocket(); // the gateway is closing: no time to linger
        }
    }

    boolean isClosing() {
        return closing.get();
    }

    long id() {
        return id;
    }

    private void readLoop() {
        try {
            LineReader lines = new LineReader(io.getInputStream(), IrcText.MAX_TAG_BYTES + IrcText.MAX_LINE_BYTES);
            while (!closing.get()) {
                io.setSoTimeout(session.readTimeoutMillis());
                String line;
                try {
                    line = lines.next();
                } catch (SocketTimeoutException e) {
                    session.onReadTimeout();
                    continue;
                }
                if (line == null) {
                    break;
                }
                if (line == LineReader.TOO_LONG) {
                    session.onLineTooLong();
                } else {
                    session.onLine(line);
                }
            }
        } catch (IOException e) {
            log.debug("IRC connection {}: {}", id, e.toString());
        } catch (RuntimeException e) {
            log.error("IRC connection {}: closing after an unexpected error", id, e);
        } finally {
            close("Connection closed");
            session.end();
            try {
                writer.join(LINGER_MILLIS); // lets the ERROR line go out
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeSocket();
            onEnd.run();
        }
    }

    private void writeLoop() {
        try (OutputStream out = new BufferedOutputStream(io.getOutputStream(), 8192)) {
            byte[] line;
            while ((line = outbox.take()) != null) {
                out.write(line);
                if (outbox.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException e) {
            log.debug("IRC connection {}: write failed: {}", id, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeSocket();
        }
    }

    private void closeSocket() {
        try {
            raw.close();
        } catch (IOException e) {
            log.debug("IRC connection {}: close: {}", id, e.toString());
        }
    }
}
