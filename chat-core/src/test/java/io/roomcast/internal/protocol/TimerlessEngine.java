package io.roomcast.internal.protocol;

/**
 * A test's stand-in for a peer that only reacts to datagrams: it has no timers and never
 * finishes, so the network keeps delivering to it for as long as the test runs.
 */
abstract class TimerlessEngine implements DatagramEngine {
    @Override
    public void handleTimeout(long nowNanos) {
    }

    @Override
    public long nextDeadlineNanos() {
        return Long.MAX_VALUE;
    }

    @Override
    public boolean isFinished() {
        return false;
    }
}
