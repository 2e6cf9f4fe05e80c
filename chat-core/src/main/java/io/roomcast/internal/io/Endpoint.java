package io.roomcast.internal.io;

import io.roomcast.internal.protocol.DatagramEngine;
import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One engine on an {@link EventLoop}: its non-blocking channel, its {@link DatagramEngine}, its
 * {@link CommandQueue}, the datagram it could not send while the socket buffer was full, and its
 * place in the loop's deadline order. A server has one on a loop of its own; clients have one each,
 * many on a shared loop or one on a loop of their own.
 *
 * <p>Lifecycle: attached ({@link EventLoop#attach}) → registered (on the loop's thread, at its
 * next turn) → removed, when the engine is finished, when {@link #awaitStopOrForce} runs out of
 * patience, or when the channel or the engine fails; removing closes the channel and runs the
 * commands still queued. The loop's thread goes on for the other endpoints.
 *
 * <p>Threads: the channel, the key, the blocked datagram, the engine and the flags belong to the
 * loop's thread; {@link #awaitStopOrForce} and {@link #isRemoved} are called from others.
 */
public final class Endpoint {
    /** After a forced stop, how long to wait for the loop's thread to remove the endpoint: it is at most one turn away. */
    private static final Duration FORCED_STOP_WAIT = Duration.ofSeconds(2);

    final EventLoop loop;
    final DatagramChannel channel;
    final DatagramEngine engine;
    final CommandQueue commands;
    /** Orders endpoints with the same deadline; unique in the process. */
    final long id;
    private final CountDownLatch removed = new CountDownLatch(1);
    // loop thread only
    SelectionKey key;
    /** Where the datagram in {@link #blocked} goes, or {@code null} if none waits for the socket buffer. */
    InetSocketAddress blockedDestination;
    private ByteBuffer blocked;
    /** The deadline the endpoint is filed under in the loop's {@link DeadlineHeap}, and where. */
    long deadline = Long.MAX_VALUE;
    int heapIndex = -1;
    /** Whether the loop has listed it to be flushed and given its deadline at the end of this turn. */
    boolean touched;
    boolean gone;

    Endpoint(EventLoop loop, DatagramChannel channel, DatagramEngine engine, CommandQueue commands, long id) {
        this.loop = loop;
        this.channel = channel;
        this.engine = engine;
        this.commands = commands;
        this.id = id;
    }

    /**
     * Keeps the datagram in {@code out} (from its position to its limit) until the socket buffer
     * has room, copied, because {@code out} is the loop's and serves every endpoint. The copy is
     * made once per endpoint that ever meets a full buffer.
     */
    void block(ByteBuffer out, InetSocketAddress destination) {
        if (blocked == null) {
            blocked = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM_BYTES);
        }
        blocked.clear();
        blocked.put(out).flip();
        blockedDestination = destination;
    }

    /** The datagram kept by {@link #block}. */
    ByteBuffer blocked() {
        return blocked;
    }

    /** Marks the endpoint removed for waiting threads. Loop thread, once. */
    void markRemoved() {
        removed.countDown();
    }

    /** Whether the loop has removed the endpoint (its channel is closed, its queue refuses commands). */
    public boolean isRemoved() {
        return removed.getCount() == 0;
    }

    /**
     * Waits up to {@code grace} for the endpoint to be removed by itself (its engine finishing),
     * then has the loop remove it without waiting for the engine and waits up to
     * {@link #FORCED_STOP_WAIT} more. Restores the interrupt flag if interrupted.
     */
    public void awaitStopOrForce(Duration grace) {
        try {
            if (!awaitRemoved(grace)) {
                forceRemoval();
                awaitRemoved(FORCED_STOP_WAIT);
            }
        } catch (InterruptedException e) {
            forceRemoval();
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code timeout} for the loop to remove the endpoint; {@code true} if it did. */
    boolean awaitRemoved(Duration timeout) throws InterruptedException {
        return removed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Has the loop remove the endpoint at its next turn, after the commands already queued. */
    private void forceRemoval() {
        commands.execute(now -> loop.remove(this, now));
    }
}
