package io.roomcast.gateway.irc;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on one listener, plain or TLS, until the listener is closed. A TLS socket
 * is layered on the accepted TCP socket (its handshake happens on the connection's reader thread,
 * within the registration timeout), so closing the TCP socket ends both. A connection past the
 * gateway's bound gets {@code ERROR} (plain) and is closed.
 */
final class Acceptor {
    /** Takes an accepted connection: {@code raw} the TCP socket, {@code io} the one to talk on; {@code false} refuses it. */
    interface Admission {
        boolean admit(Socket raw, Socket io) throws IOException;
    }

    /** The pause after a failed accept (such as too many open files), so the loop does not spin. */
    static final long ACCEPT_BACKOFF_MILLIS = 100;
    private static final Logger log = LoggerFactory.getLogger(Acceptor.class);
    private static final byte[] REFUSAL = "ERROR :Closing link: too many connections\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final SSLContext tls;
    private final Admission admission;
    private final WarningPace warnings = new WarningPace();

    Acceptor(ServerSocket server, SSLContext tls, Admission admission) {
        this.server = server;
        this.tls = tls;
        this.admission = admission;
    }

    Thread start() {
        Thread t = new Thread(this::run, "roomcast-irc-accept" + (tls == null ? "" : "-tls"));
        t.start();
        return t;
    }

    private void run() {
        while (!server.isClosed()) {
            Socket raw;
            try {
                raw = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    // such as too many open files: pause rather than spin, and say so once a second at most
                    if (warnings.allow()) {
                        log.warn("IRC gateway: accept failed on {}: {}", server.getLocalSocketAddress(), e.toString());
                    }
                    pause();
                }
                continue;
            }
            try {
                raw.setTcpNoDelay(true);
                raw.setKeepAlive(true);
                Socket io = raw;
                if (tls != null) {
                    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw,
                            raw.getInetAddress().getHostAddress(), raw.getPort(), true);
                    ssl.setUseClientMode(false);
                    io = ssl;
                }
                if (!admission.admit(raw, io)) {
                    if (warnings.allow()) {
                        log.warn("IRC gateway: refusing {} (and any others this second): too many connections",
                                raw.getRemoteSocketAddress());
                    }
                    if (tls == null) {
                        raw.setSoTimeout(1000);
                        raw.getOutputStream().write(REFUSAL);
                    }
                    raw.close();
                }
            } catch (IOException | RuntimeException e) {
                log.warn("IRC gateway: could not set up a connection from {}: {}", raw.getRemoteSocketAddress(), e.toString());
                IrcGateway.closeQuietly(raw);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** At most one warning a second from one acceptor thread, so a storm cannot flood the log. */
    private static final class WarningPace {
        private long lastNanos = System.nanoTime() - 2_000_000_000L;

        boolean allow() {
            long now = System.nanoTime();
            if (now - lastNanos < 1_000_000_000L) {
                return false;
            }
            lastNanos = now;
            return true;
        }
    }
}
