package io.roomcast.internal.io;

import io.roomcast.internal.protocol.DatagramEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client engine on a connected channel that follows the engine to another server: when the
 * engine sends to another address than the one the channel is connected to (a client given several
 * servers joining or resuming through the next one), the channel is connected to that address
 * first. Connected, the channel hears only that server, and learns from the network when nothing
 * listens there (port unreachable), which the engine takes as that address failing.
 *
 * <p>Threads: the event loop's, as the engine.
 */
final class FollowingChannel implements DatagramEngine {
    private static final Logger log = LoggerFactory.getLogger(FollowingChannel.class);

    private final DatagramEngine engine;
    private final DatagramChannel channel;
    /** The address the engine talks to now. */
    private final Supplier<InetSocketAddress> target;
    private InetSocketAddress connectedTo;

    /**
     * @param target      the address the engine talks to now
     * @param connectedTo the address {@code channel} is connected to
     */
    FollowingChannel(DatagramEngine engine, Supplier<InetSocketAddress> target, DatagramChannel channel,
                     InetSocketAddress connectedTo) {
        this.engine = engine;
        this.target = target;
        this.channel = channel;
        this.connectedTo = connectedTo;
    }

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        engine.handleDatagram(nowNanos, datagram, source);
    }

    @Override
    public void handleTimeout(long nowNanos) {
        engine.handleTimeout(nowNanos);
    }

    /**
     * Passed on only while the engine still talks to the address the channel is connected to: a
     * report about the previous address, arriving after the engine moved on (before its first
     * datagram to the next one), is not about the next one.
     */
    @Override
    public void handleUnreachable(long nowNanos) {
        if (connectedTo.equals(target.get())) {
            engine.handleUnreachable(nowNanos);
        }
    }

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        InetSocketAddress destination = engine.pollDatagram(nowNanos, out);
        if (destination != null && !destination.equals(connectedTo)) {
            try {
                channel.disconnect();
                channel.connect(destination);
                connectedTo = destination;
                log.debug("now talking to {}", destination);
            } catch (IOException e) {
                // the engine's handshake re-sends, and gives up on this address at its timeout
                log.debug("could not connect the channel to {}: {}", destination, e.toString());
                return null;
            }
        }
        return destination;
    }

    @Override
    public long nextDeadlineNanos() {
        return engine.nextDeadlineNanos();
    }

    @Override
    public boolean isFinished() {
        return engine.isFinished();
    }
}
