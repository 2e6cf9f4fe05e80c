package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a client that lost the server tries to resume its session: the first attempt at once, then,
 * after each attempt that fails for want of an answer, a wait from {@link #FIRST_BACKOFF_NANOS}
 * doubling up to {@link #MAX_BACKOFF_NANOS}, each drawn between {@code 1 - JITTER} of it and all
 * of it so that clients cut off together do not all come back together; every attempt (a
 * handshake re-sending its HELLO) lasts at most {@link #ATTEMPT_TIMEOUT_NANOS}, and all of it ends
 * at the deadline ({@code ClientConfig.reconnectNanos} after the outage was noticed). It starts the
 * attempts ({@link ClientHandshake}s resuming the session) and says what a failed one means. Each
 * attempt goes to the next of the client's addresses ({@link ServerRotation}), round robin, the first
 * to the one after the address that was lost (with one address, always that one).
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class Reconnection {
    private static final Logger log = LoggerFactory.getLogger(Reconnection.class);

    /** The wait after the first failed attempt. */
    static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The longest wait between attempts. */
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(4);
    /** Each wait is drawn from this fraction of the backoff below it up to all of it. */
    static final double JITTER = 0.5;
    /** The longest one attempt lasts before it counts as failed and the next is scheduled. */
    static final long ATTEMPT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ClientConfig config;
    private final Random random;
    private final Offload offload;
    private final ServerRotation servers;
    private final long deadlineNanos;
    private long backoffNanos = FIRST_BACKOFF_NANOS;
    private long nextAttemptNanos;
    private boolean attempting;

    /**
     * Reconnecting starts at {@code nowNanos}, for {@code config}'s reconnect time: the first attempt
     * is due at once.
     *
     * @param random  for the jitter and the attempts' handshakes
     * @param offload where the attempts' handshakes do their SRP work
     * @param servers the client's addresses, the current one the address that was lost
     */
    Reconnection(long nowNanos, ClientConfig config, Random random, Offload offload, ServerRotation servers) {
        this.config = config;
        this.random = random;
        this.offload = offload;
        this.servers = servers;
        this.deadlineNanos = nowNanos + config.reconnectNanos();
        this.nextAttemptNanos = nowNanos;
    }

    /**
     * The server fell silent at {@code nowNanos}: reconnecting starts if the client may ({@code config}
     * has a reconnect time, it is not leaving) and can prove its session ({@code credential} held);
     * else null.
     */
    static Reconnection start(long nowNanos, ClientConfig config, Random random, Offload offload,
                              ResumeCredential credential, boolean leaving, ServerRotation servers) {
        if (config.reconnectNanos() <= 0 || !credential.held() || leaving) {
            return null;
        }
        log.debug("reconnecting for up to {} ms", TimeUnit.NANOSECONDS.toMillis(config.reconnectNanos()));
        return new Reconnection(nowNanos, config, random, offload, servers);
    }

    /**
     * The timers at {@code now}: the running attempt's re-sends and timeout, or, when one is due, a
     * new attempt resuming {@code session} (its credential, from its last delivered room sequence).
     *
     * @return the attempt's handshake ({@code attempt} or the new one), or null once the reconnect time is over
     */
    ClientHandshake onTimers(long now, ClientHandshake attempt, ClientHandshake.Outcome outcome,
                             ClientSession session) {
        if (over(now)) {
            log.debug("could not resume within the reconnect time");
            return null;
        }
        if (attempting) {
            attempt.onTimeout(now, outcome);
        } else if (attemptDue(now)) {
            long attemptNanos = attemptStarted(now);
            return new ClientHandshake(config.at(servers.advance(), attemptNanos), random, now,
                    session.credential.ticket(session.events.delivered()), offload);
        }
        return attempt;
    }

    /**
     * {@code attempt} failed: without an answer, or refused for a passing reason (busy, throttled,
     * the room full: the server keeps the session held meanwhile; the room unavailable on that
     * server), the next follows (null), to the next address; refused
     * otherwise (banned, name taken, wrong password, another protocol version), the session is over
     * for the reason returned.
     */
    CloseReason attemptFailed(long now, ClientHandshake attempt, ClientEventSink.ConnectFailure failure, String detail) {
        attempt.discard(); // SRP work still out for it comes back to nothing
        switch (failure) {
            case TIMED_OUT, UNREACHABLE, REFUSED, ROOM_UNAVAILABLE -> {
                if (attempt.refusedForGood()) { // another protocol version: retrying would not help
                    log.info("the server refused the resume: {}", detail);
                    return CloseReason.TIMED_OUT;
                }
                attemptFailed(now, random);
                return null;
            }
            default -> {
                log.debug("the server refused the resume: {} ({})", failure, detail);
                return failure == ClientEventSink.ConnectFailure.BANNED ? CloseReason.BANNED : CloseReason.TIMED_OUT;
            }
        }
    }

    /** The next deadline: the running attempt's, the next attempt or the end. */
    long nextDeadlineNanos(ClientHandshake attempt) {
        return attempting ? Math.min(attempt.nextDeadlineNanos(), nextDeadlineNanos()) : nextDeadlineNanos();
    }

    /** The running attempt's next packet, or null (none, or no attempt running). */
    byte[] packetToSend(ClientHandshake attempt) {
        return attempting ? attempt.packetToSend() : null;
    }

    /** {@code true} once the time to reconnect is over. */
    boolean over(long nowNanos) {
        return nowNanos >= deadlineNanos;
    }

    /** {@code true} if no attempt is running and the next one is due. */
    boolean attemptDue(long nowNanos) {
        return !attempting && nowNanos >= nextAttemptNanos && !over(nowNanos);
    }

    /** An attempt starts: how long it may last. */
    long attemptStarted(long nowNanos) {
        attempting = true;
        return Math.max(1, Math.min(ATTEMPT_TIMEOUT_NANOS, deadlineNanos - nowNanos));
    }

    /** {@code true} while an attempt is running. */
    boolean attempting() {
        return attempting;
    }

    /** The attempt got no answer in time: the next is due after a jittered backoff. */
    void attemptFailed(long nowNanos, Random random) {
        attempting = false;
        nextAttemptNanos = nowNanos + (long) (backoffNanos * (1 - JITTER * random.nextDouble()));
        backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
    }

    /** The next deadline while no attempt is running: the next attempt or the end. */
    long nextDeadlineNanos() {
        return Math.min(attempting ? Long.MAX_VALUE : nextAttemptNanos, deadlineNanos);
    }
}
