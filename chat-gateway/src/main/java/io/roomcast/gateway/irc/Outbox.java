package io.roomcast.gateway.irc;

import java.util.ArrayDeque;

/**
 * The lines waiting to be written to one IRC client, bounded in bytes so that a client that does
 * not read cannot make the gateway hold the room's traffic for it. Producers (the connection's
 * reader thread, the room's callback threads) never block: {@link #offer} fails when the bound is
 * reached. One consumer, the connection's writer thread, blocks in {@link #take}. Thread-safe.
 */
final class Outbox {
    private final long maxBytes;
    private final ArrayDeque<byte[]> lines = new ArrayDeque<>();
    private long bytes;
    private boolean finished;

    Outbox(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Queues a line; {@code false} if that would pass the bound, or if the outbox is finished. */
    synchronized boolean offer(byte[] line) {
        if (finished || bytes + line.length > maxBytes) {
            return false;
        }
        lines.add(line);
        bytes += line.length;
        notifyAll();
        return true;
    }

    /**
     * Ends the outbox: no more lines are taken; {@code last}, if not null, is written after what
     * waits, or instead of it if {@code discard} (the client is not reading it anyway).
     */
    synchronized void finish(byte[] last, boolean discard) {
        if (finished) {
            return;
        }
        if (discard) {
            lines.clear();
            bytes = 0;
        }
        if (last != null) {
            lines.add(last);
            bytes += last.length;
        }
        finished = true;
        notifyAll();
    }

    /** The next line, waiting for one; {@code null} once finished and drained. */
    synchronized byte[] take() throws InterruptedException {
        while (lines.isEmpty() && !finished) {
            wait();
        }
        byte[] line = lines.poll();
        if (line != null) {
            bytes -= line.length;
        }
        return line;
    }

    /** Whether nothing waits (the writer flushes then). */
    synchronized boolean isEmpty() {
        return lines.isEmpty();
    }

    /** Bytes waiting now. */
    synchronized long bytes() {
        return bytes;
    }
}
