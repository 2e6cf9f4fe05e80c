package io.roomcast.internal.protocol;

import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Where an engine sends work too slow for its I/O thread (SRP modular exponentiation, a few
 * milliseconds): the work runs elsewhere and its result comes back to the engine's thread
 * as a continuation with the time then.
 */
public interface Offload {
    /** Runs work on the calling thread at once: for the simulator, where time stands still. */
    Offload INLINE = new Offload() {
        @Override
        public <T> void submit(long nowNanos, Supplier<T> work, Continuation<T> then) {
            then.resume(work.get(), nowNanos);
        }
    };

    /**
     * Runs {@code work} and then, on the engine's thread, {@code then} with its result.
     *
     * @param nowNanos the engine's time when submitting
     */
    <T> void submit(long nowNanos, Supplier<T> work, Continuation<T> then);

    /** This offload, but each continuation first gives its time to {@code clock} (on the engine's thread). */
    default Offload withClock(LongConsumer clock) {
        Offload inner = this;
        return new Offload() {
            @Override
            public <T> void submit(long nowNanos, Supplier<T> work, Continuation<T> then) {
                inner.submit(nowNanos, work, (result, later) -> {
                    clock.accept(later);
                    then.resume(result, later);
                });
            }
        };
    }

    /** What the engine does with a result, on its own thread. */
    interface Continuation<T> {
        /** Called on the engine's thread with the result and the time. */
        void resume(T result, long nowNanos);
    }
}
