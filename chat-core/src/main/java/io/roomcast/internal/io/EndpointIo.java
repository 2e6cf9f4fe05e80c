package io.roomcast.internal.io;

import io.roomcast.internal.protocol.DatagramEngine;
import io.roomcast.internal.wire.WireFormat;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O of one {@link EventLoop}'s endpoints, one endpoint at a time: running an engine's timer
 * if due, reading an endpoint's datagrams from its channel into its engine, and sending what the
 * engine emits, keeping back a datagram a full socket buffer refused until the channel is writable.
 * Holds the receive and send buffers every endpoint of the loop shares.
 *
 * <p>Failures: an engine that throws an exception while handling a datagram or writing one is
 * logged here and goes on; anything else thrown (the timer's, the channel's) goes to the caller,
 * the loop, which fails the endpoint.
 *
 * <p>Threads: the loop's thread only.
 */
final class EndpointIo {
    /** The loop's logger, as before this code left it: what is logged, and where, is unchanged. */
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

    /** Most datagrams read from one endpoint in one turn before the loop serves the others and sends. */
    static final int MAX_READS_PER_TURN = 256;

    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(WireFormat.MAX_DATAGRAM_BYTES + 1);
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(WireFormat.MAX_DATAGRAM_BYTES);

    /** Runs the engine's timer if due; a timer that throws fails the endpoint (it would stay due and spin the loop). */
    static void handleDeadline(Endpoint endpoint, long now) {
        if (endpoint.engine.nextDeadlineNanos() <= now) {
            endpoint.engine.handleTimeout(now);
        }
    }

    /** Reads at most {@link #MAX_READS_PER_TURN} datagrams from the endpoint's channel into its engine. */
    void receive(Endpoint endpoint, long now) throws IOException {
        DatagramEngine engine = endpoint.engine;
        for (int i = 0; i < MAX_READS_PER_TURN; i++) {
            receiveBuffer.clear();
            SocketAddress source;
            try {
                source = endpoint.channel.receive(receiveBuffer);
            } catch (PortUnreachableException e) {
                engine.handleUnreachable(now);
                continue;
            }
            if (source == null) {
                return;
            }
            receiveBuffer.flip();
            if (receiveBuffer.remaining() > WireFormat.MAX_DATAGRAM_BYTES) {
                continue; // larger than any packet: not ours
            }
            try {
                engine.handleDatagram(now, receiveBuffer, (InetSocketAddress) source);
            } catch (RuntimeException e) {
                log.error("the protocol engine failed handling a datagram from {}", source, e);
            }
        }
    }

    /**
     * Sends the datagram kept back from a full socket buffer, if any, then what the engine emits,
     * until it has nothing more or the socket buffer is full again (then the datagram is kept and
     * the endpoint waits for its channel to be writable).
     */
    void flush(Endpoint endpoint, long now) throws IOException {
        DatagramChannel channel = endpoint.channel;
        if (endpoint.blockedDestination != null) {
            if (channel.send(endpoint.blocked(), endpoint.blockedDestination) == 0) {
                return;
            }
            endpoint.blockedDestination = null;
            endpoint.key.interestOps(SelectionKey.OP_READ);
        }
        while (true) {
            sendBuffer.clear();
            InetSocketAddress destination;
            try {
                destination = endpoint.engine.pollDatagram(now, sendBuffer);
            } catch (RuntimeException e) {
                log.error("the protocol engine failed writing a datagram", e);
                return;
            }
            if (destination == null) {
                return;
            }
            sendBuffer.flip();
            int sent;
            try {
                sent = channel.send(sendBuffer, destination);
            } catch (PortUnreachableException e) {
                endpoint.engine.handleUnreachable(now);
                continue;
            } catch (ClosedChannelException e) {
                throw e;
            } catch (IOException e) {
                // e.g. no route to a member's address: that member will time out; the room goes on
                log.debug("could not send to {}: {}", destination, e.toString());
                continue;
            }
            if (sent == 0) {
                // the socket buffer is full: keep this datagram and wait until the channel is writable
                endpoint.block(sendBuffer, destination);
                endpoint.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
        }
    }
}
