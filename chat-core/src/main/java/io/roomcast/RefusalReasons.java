package io.roomcast;

import io.roomcast.internal.wire.ErrorCode;

/** Maps the wire's refusal codes to the public {@link RefusalReason}. */
final class RefusalReasons {
    private RefusalReasons() {
    }

    /** The public reason for {@code code}, or {@code null} for one the API does not name (a message that is not UTF-8). */
    static RefusalReason of(ErrorCode code) {
        return switch (code) {
            case RATE_LIMITED -> RefusalReason.RATE_LIMITED;
            case MESSAGE_TOO_LARGE -> RefusalReason.TOO_LARGE;
            case MUTED -> RefusalReason.MUTED;
            case NO_SUCH_MEMBER -> RefusalReason.NO_SUCH_MEMBER;
            case ROOM_UNAVAILABLE -> RefusalReason.ROOM_UNAVAILABLE;
            case INVALID_MESSAGE -> null;
        };
    }
}
