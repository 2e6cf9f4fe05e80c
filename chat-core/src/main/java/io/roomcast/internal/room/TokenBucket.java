package io.roomcast.internal.room;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket: holds at most {@code burst} tokens, refills at {@code perSecond}, and each
 * message takes one. Not thread-safe.
 */
public final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long updatedNanos;

    /** A full bucket at {@code nowNanos}. */
    public TokenBucket(double perSecond, int burst, long nowNanos) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("rate " + perSecond + "/s, burst " + burst);
        }
        this.perNano = perSecond / TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.tokens = burst;
        this.updatedNanos = nowNanos;
    }

    /** Takes a token if there is one. */
    public boolean tryTake(long nowNanos) {
        if (nowNanos > updatedNanos) {
            tokens = Math.min(burst, tokens + (nowNanos - updatedNanos) * perNano);
            updatedNanos = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
