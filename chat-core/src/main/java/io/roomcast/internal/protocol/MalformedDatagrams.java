package io.roomcast.internal.protocol;

import org.slf4j.Logger;

/**
 * Counts datagrams an engine dropped as malformed, and logs the first of every
 * {@value #LOG_EVERY} at debug level, so that a flood of garbage costs no log volume.
 *
 * <p>Not thread-safe: owned by the engine's thread.
 */
final class MalformedDatagrams {
    /** One dropped datagram in this many is logged. */
    static final int LOG_EVERY = 1000;

    private final Logger log;
    private long count;

    MalformedDatagrams(Logger log) {
        this.log = log;
    }

    /** One more was dropped. */
    void dropped(Object source, String why) {
        count++;
        if (log.isDebugEnabled() && count % LOG_EVERY == 1) {
            log.debug("dropped a malformed datagram from {} ({} so far): {}", source, count, why);
        }
    }
}
