package io.roomcast;

import io.roomcast.internal.wire.CloseReason;

/** Maps the wire's close reasons to the public {@link LeaveReason}. */
final class LeaveReasons {
    private LeaveReasons() {
    }

    static LeaveReason of(CloseReason reason) {
        return switch (reason) {
            case LEFT -> LeaveReason.LEFT;
            case TIMED_OUT -> LeaveReason.TIMED_OUT;
            case KICKED -> LeaveReason.KICKED;
            case TOO_SLOW -> LeaveReason.TOO_SLOW;
            case SERVER_CLOSED -> LeaveReason.SERVER_CLOSED;
            case BANNED -> LeaveReason.BANNED;
        };
    }
}
