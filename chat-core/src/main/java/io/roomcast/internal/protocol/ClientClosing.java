package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import java.util.function.BooleanSupplier;

/**
 * How the client's session ends, and the engine's part of {@link ServerFrames}: the drain before
 * the client's CLOSE (messages sent before {@code close()} still go out, for a bounded time), the CLOSE_ACK owed
 * for the server's CLOSE (sent once, then the engine finishes), the reason to report at the end
 * ({@code LEFT} once the client closes, the server's reason once it closes, none once the end is
 * reported), and whether the current connection is one the client only closes (a resume the server
 * took for a new member): its content is never read.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class ClientClosing implements ServerFrames.Closing {
    private final ClientSession session;
    /** {@code true} once the engine is FINISHED. */
    private final BooleanSupplier finished;
    /** What the engine does when the server acknowledges the client's CLOSE. */
    private final Runnable acknowledged;
    /** A CLOSE_ACK for the server's CLOSE, sent once; then the engine finishes. */
    private byte[] closeAck;
    private CloseReason closedBy;
    /** The server admitted a new member instead of resuming: its connection is only closed, never read. */
    private boolean abandoned;
    /** Set by close() while messages wait for the server: CLOSE goes out once they are confirmed or this passes. */
    private long leaveDeadlineNanos = Long.MAX_VALUE;

    ClientClosing(ClientSession session, BooleanSupplier finished, Runnable acknowledged) {
        this.session = session;
        this.finished = finished;
        this.acknowledged = acknowledged;
    }

    /**
     * {@code close()} while messages wait for the server: like a TCP close, what was sent before it
     * still goes out, for at most {@link Timing#LEAVE_DRAIN_NANOS} from the first such call.
     */
    void drainBeforeLeaving(long now) {
        if (leaveDeadlineNanos == Long.MAX_VALUE) {
            leaveDeadlineNanos = now + Timing.LEAVE_DRAIN_NANOS;
        }
    }

    /** {@code true} once {@code close()} waits for messages to reach the server. */
    boolean draining() {
        return leaveDeadlineNanos != Long.MAX_VALUE;
    }

    /** When CLOSE goes out even if messages still wait ({@code Long.MAX_VALUE} if not draining). */
    long leaveDeadlineNanos() {
        return leaveDeadlineNanos;
    }

    /** The client leaves: its end is reported {@code LEFT}. */
    void leaving() {
        closedBy = CloseReason.LEFT;
    }

    /** The resume admitted a new member instead: its connection is never read, and the end is reported already. */
    void abandoned() {
        abandoned = true;
        closedBy = null;
    }

    /** {@code true} while a CLOSE_ACK for the server's CLOSE is owed. */
    boolean ackOwed() {
        return closeAck != null;
    }

    /** The CLOSE_ACK owed, handed over once (null if none is owed). */
    byte[] takeAck() {
        byte[] ack = closeAck;
        closeAck = null;
        return ack;
    }

    /** Why the session ended, to report: the server's reason or {@code LEFT}; null if there is none, or it is reported. */
    CloseReason closedBy() {
        return closedBy;
    }

    @Override
    public boolean readsContent() {
        return session.events != null && !abandoned;
    }

    @Override
    public void closedByServer(CloseReason reason) {
        closeAck = session.connection.packetOf(Frame.CloseAck.INSTANCE);
        closedBy = abandoned ? null : reason; // an abandoned client has reported its end
    }

    @Override
    public void closeAcknowledged() {
        acknowledged.run();
    }

    @Override
    public boolean ended() {
        return finished.getAsBoolean() || closeAck != null;
    }
}
