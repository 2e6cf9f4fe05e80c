package io.roomcast.internal.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An engine as the simulated network sees it: every call goes to the wrapped engine, and a test
 * overrides the calls it wants to watch or alter.
 */
abstract class ForwardingEngine implements DatagramEngine {
    private final DatagramEngine engine;

    ForwardingEngine(DatagramEngine engine) {
        this.engine = engine;
    }

    @Override
    public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        engine.handleDatagram(nowNanos, datagram, source);
    }

    @Override
    public void handleTimeout(long nowNanos) {
        engine.handleTimeout(nowNanos);
    }

    @Override
    public void handleUnreachable(long nowNanos) {
        engine.handleUnreachable(nowNanos);
    }

    @Override
    public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
        return engine.pollDatagram(nowNanos, out);
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
