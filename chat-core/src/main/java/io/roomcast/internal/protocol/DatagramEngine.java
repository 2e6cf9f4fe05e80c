package io.roomcast.internal.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A sans-I/O protocol endpoint: it is fed datagrams and the time, and asked for the datagrams
 * it wants sent and when it next needs the time. It never touches a socket, a thread or the
 * system clock, so the same engine runs under the real event loop and under the simulator.
 *
 * <p>Not thread-safe: one thread drives an engine.
 */
public interface DatagramEngine {

    /** A datagram arrived from {@code source} at time {@code nowNanos}. The engine does not keep {@code datagram}. */
    void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source);

    /** The time has reached (or passed) {@link #nextDeadlineNanos()}. */
    void handleTimeout(long nowNanos);

    /**
     * The network reported that the peer's port is unreachable (ICMP). Engines may ignore it:
     * such reports are unauthenticated.
     */
    default void handleUnreachable(long nowNanos) {
    }

    /**
     * Writes the next datagram to send into {@code out} (from its position, at most
     * {@link io.roomcast.internal.wire.WireFormat#MAX_DATAGRAM_BYTES}) and returns where it goes,
     * or returns {@code null} and writes nothing if there is nothing to send now.
     */
    InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out);

    /** When {@link #handleTimeout} should next be called, or {@link Long#MAX_VALUE} if never. */
    long nextDeadlineNanos();

    /** {@code true} once the engine has nothing left to do: its loop may stop. */
    boolean isFinished();
}
