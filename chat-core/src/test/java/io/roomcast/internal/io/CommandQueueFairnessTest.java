package io.roomcast.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.protocol.DatagramEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One endpoint's commands do not hold a loop its other endpoints share: a thread that keeps
 * pushing commands into one endpoint delays another's timer by at most a turn's worth of them.
 * A real loop on loopback.
 */
@Timeout(30)
class CommandQueueFairnessTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration FLOOD = Duration.ofSeconds(3);
    private static final Duration TIMER = Duration.ofMillis(20);
    private static final Duration TIMER_LATE_AT_MOST = Duration.ofMillis(500);
    /** Most commands the producer keeps waiting, so that the flood is steady but its memory bounded. */
    private static final long MOST_WAITING = 20_000;

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    @AfterEach
    void removeEndpoints() {
        stop.set(true);
        for (Endpoint endpoint : endpoints) {
            endpoint.awaitStopOrForce(Duration.ZERO);
        }
    }

    @Test
    void aTurnRunsAtMostTheBoundOfTheCommandsPresentWhenItBeganAndClosingRunsTheRest() throws Exception {
        EventLoop unattached = EventLoop.dedicated("test-io"); // driven by hand in place of the loop
        try {
            CommandQueue commands = new CommandQueue(unattached);
            List<Integer> ran = new ArrayList<>();
            int given = CommandQueue.MAX_COMMANDS_PER_TURN + 10;
            for (int i = 0; i < given; i++) {
                int n = i;
                commands.execute(now -> ran.add(n));
            }

            commands.runAll(1);
            assertThat(ran).hasSize(CommandQueue.MAX_COMMANDS_PER_TURN);
            commands.runAll(2);
            assertThat(ran).hasSize(given);
            commands.execute(now -> commands.execute(later -> ran.add(-1)));
            commands.runAll(3);
            assertThat(ran).as("a command given during a turn waits for the next").hasSize(given);
            for (int i = 0; i < given; i++) {
                assertThat(ran.get(i)).isEqualTo(i);
            }

            for (int i = 0; i < given; i++) {
                commands.execute(now -> ran.add(0));
            }
            commands.close(4);
            assertThat(ran).as("closing runs every command left").hasSize(2 * given + 1);
            commands.discard();
        } finally {
            unattached.abandon();
        }
    }

    @Test
    void aFloodOfCommandsIntoOneEndpointDoesNotHoldBackAnotherEndpointsTimer() throws Exception {
        EventLoop loop = EventLoop.dedicated("test-io");
        CommandQueue flooded = new CommandQueue(loop);
        TimerEngine floodedEngine = new TimerEngine();
        attach(loop, floodedEngine, flooded);
        CommandQueue timed = new CommandQueue(loop);
        TimerEngine timedEngine = new TimerEngine();
        attach(loop, timedEngine, timed);
        CountDownLatch bothRunning = new CountDownLatch(2);
        flooded.execute(now -> bothRunning.countDown());
        timed.execute(now -> bothRunning.countDown());
        assertThat(bothRunning.await(10, TimeUnit.SECONDS)).isTrue();

        AtomicLong given = new AtomicLong();
        AtomicLong ran = new AtomicLong();
        CountDownLatch flooding = new CountDownLatch(1);
        Thread producer = new Thread(() -> flood(flooded, given, ran, flooding), "test-producer");
        producer.setDaemon(true);
        producer.start();
        try {
            assertThat(flooding.await(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TIMER.toNanos();
            timed.execute(now -> timedEngine.tickAt = deadline);

            assertThat(timedEngine.fired.await(FLOOD.toMillis() + 10_000, TimeUnit.MILLISECONDS)).isTrue();
            assertThat(Duration.ofNanos(timedEngine.firedAtNanos - deadline)).isLessThan(TIMER_LATE_AT_MOST);
            assertThat(ran.get()).as("the flooded endpoint's commands ran meanwhile").isPositive();
        } finally {
            stop.set(true);
            producer.join(TimeUnit.SECONDS.toMillis(10));
        }
        CountDownLatch allRun = new CountDownLatch(1);
        flooded.execute(now -> allRun.countDown());
        assertThat(allRun.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isEqualTo(given.get());
    }

    /** Pushes commands that each take about a microsecond, as fast as the loop takes them and faster, until told or for {@link #FLOOD}. */
    private void flood(CommandQueue commands, AtomicLong given, AtomicLong ran, CountDownLatch flooding) {
        long ends = System.nanoTime() + FLOOD.toNanos();
        while (!stop.get() && System.nanoTime() - ends < 0) {
            if (given.get() - ran.get() >= MOST_WAITING) {
                flooding.countDown(); // the loop is behind: a steady flood
                Thread.yield();
                continue;
            }
            given.incrementAndGet();
            commands.execute(now -> {
                long until = System.nanoTime() + 1_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                ran.incrementAndGet();
            });
        }
        flooding.countDown();
    }

    private void attach(EventLoop loop, TimerEngine engine, CommandQueue commands) throws IOException {
        DatagramChannel channel = EventLoop.openChannel(LOOPBACK);
        channel.bind(new InetSocketAddress(LOOPBACK, 0));
        endpoints.add(loop.attach(channel, engine, commands));
    }

    /** An engine that sends nothing and has one timer, set by a command; records when it fired. */
    private static final class TimerEngine implements DatagramEngine {
        final CountDownLatch fired = new CountDownLatch(1);
        volatile long tickAt = Long.MAX_VALUE;
        volatile long firedAtNanos;

        @Override
        public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        }

        @Override
        public void handleTimeout(long nowNanos) {
            if (nowNanos >= tickAt) {
                tickAt = Long.MAX_VALUE;
                firedAtNanos = nowNanos;
                fired.countDown();
            }
        }

        @Override
        public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
            return null;
        }

        @Override
        public long nextDeadlineNanos() {
            return tickAt;
        }

        @Override
        public boolean isFinished() {
            return false;
        }
    }
}
