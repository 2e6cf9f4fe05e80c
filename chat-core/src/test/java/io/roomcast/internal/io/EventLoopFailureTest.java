package io.roomcast.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.protocol.DatagramEngine;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An endpoint whose engine fails — a timer that always throws, an engine {@link Error}, a failing
 * JVM — is removed and its failure handler told, once; the other endpoints on the loop go on (and
 * their timers fire on time) unless the JVM is failing. A shared loop is never abandoned. Real
 * sockets on loopback.
 */
@Timeout(30)
class EventLoopFailureTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();

    @AfterEach
    void removeEndpoints() {
        for (Endpoint endpoint : endpoints) {
            endpoint.awaitStopOrForce(Duration.ZERO);
        }
    }

    private Endpoint attach(EventLoop loop, TimerEngine engine) throws IOException {
        DatagramChannel channel = EventLoop.openChannel(LOOPBACK);
        channel.bind(new InetSocketAddress(LOOPBACK, 0));
        Endpoint endpoint = loop.attach(channel, engine, new CommandQueue(loop), failures::add);
        endpoints.add(endpoint);
        return endpoint;
    }

    @Test
    void aTimerThatAlwaysThrowsRemovesItsEndpointAfterItsFirstFailureAndTheOthersTimerFiresOnTime() throws Exception {
        EventLoop loop = EventLoop.dedicated("test-io");
        TimerEngine broken = new TimerEngine();
        broken.failure = new IllegalStateException("a timer bug, on purpose");
        broken.deadline = System.nanoTime();
        TimerEngine healthy = new TimerEngine();
        healthy.deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
        // the healthy one first: a dedicated loop whose last endpoint is removed ends, and the broken
        // one's timer is due at once
        attach(loop, healthy);
        Endpoint brokenEndpoint = attach(loop, broken);

        assertThat(brokenEndpoint.awaitRemoved(WAIT)).as("the failing endpoint is removed").isTrue();
        assertThat(failures.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isSameAs(broken.failure);
        assertThat(healthy.fired.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(Duration.ofNanos(healthy.firedAt - healthy.deadline)).as("how late the other timer fired")
                .isLessThan(Duration.ofMillis(250));
        assertThat(broken.timeouts.get()).as("the failing timer ran once, not in a spin").isEqualTo(1);
        assertThat(failures).as("told once, and only the failing endpoint").isEmpty();
        assertThat(loop.hasEnded()).isFalse();
    }

    @Test
    void anEngineThatOverflowsItsStackLosesOnlyItsOwnEndpoint() throws Exception {
        EventLoop loop = EventLoop.dedicated("test-io");
        TimerEngine broken = new TimerEngine();
        broken.datagramFailure = new StackOverflowError("on purpose");
        TimerEngine healthy = new TimerEngine();
        Endpoint brokenEndpoint = attach(loop, broken);
        Endpoint healthyEndpoint = attach(loop, healthy);
        InetSocketAddress brokenAddress = (InetSocketAddress) brokenEndpoint.channel.getLocalAddress();
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            peer.send(new DatagramPacket(new byte[] {1}, 1, brokenAddress));
        }

        assertThat(brokenEndpoint.awaitRemoved(WAIT)).as("the failing endpoint is removed").isTrue();
        assertThat(failures.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isSameAs(broken.datagramFailure);
        assertThat(loop.hasEnded()).as("the loop goes on for the others").isFalse();
        healthyEndpoint.commands.execute(now -> healthy.deadline = now + Duration.ofMillis(50).toNanos());
        assertThat(healthy.fired.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(healthyEndpoint.isRemoved()).isFalse();
        assertThat(failures).isEmpty();
    }

    @Test
    void aFailingJvmEndsTheLoopAndEveryEndpointIsTold() throws Exception {
        EventLoop loop = EventLoop.dedicated("test-io");
        TimerEngine fatal = new TimerEngine();
        fatal.failure = new OutOfMemoryError("on purpose");
        TimerEngine bystander = new TimerEngine();
        attach(loop, bystander);
        Endpoint bystanderEndpoint = endpoints.get(0);
        assertThat(bystanderEndpoint.commands.execute(now -> { })).isTrue();
        fatal.deadline = System.nanoTime();
        attach(loop, fatal);

        List<Throwable> told = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Throwable cause = failures.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(cause).as("failure %d of 2", i + 1).isNotNull();
            told.add(cause);
        }
        assertThat(told).containsOnly(fatal.failure);
        assertThat(bystanderEndpoint.isRemoved()).isTrue();
        assertThat(loop.hasEnded()).isTrue();
    }

    @Test
    void aSharedLoopIsNotAbandonedByOneClientsFailure() throws Exception {
        EventLoop loop = EventLoop.shared("test-shared-io");
        loop.abandon(); // the first client given it failed before attaching; another may have been given it
        TimerEngine engine = new TimerEngine();
        engine.deadline = System.nanoTime();
        attach(loop, engine);
        assertThat(engine.fired.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(loop.hasEnded()).isFalse();
    }

    /** An engine with a timer, which can be made to throw from its timer or on a datagram. */
    private static final class TimerEngine implements DatagramEngine {
        final AtomicInteger timeouts = new AtomicInteger();
        final CountDownLatch fired = new CountDownLatch(1);
        volatile Throwable failure;
        volatile Throwable datagramFailure;
        volatile long deadline = Long.MAX_VALUE;
        volatile long firedAt;

        @Override
        public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
            if (datagramFailure != null) {
                throw sneaky(datagramFailure);
            }
        }

        @Override
        public void handleTimeout(long nowNanos) {
            timeouts.incrementAndGet();
            if (failure != null) {
                throw sneaky(failure);
            }
            firedAt = nowNanos;
            deadline = Long.MAX_VALUE;
            fired.countDown();
        }

        private static RuntimeException sneaky(Throwable failure) {
            if (failure instanceof Error error) {
                throw error;
            }
            return (RuntimeException) failure;
        }

        @Override
        public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
            return null;
        }

        @Override
        public long nextDeadlineNanos() {
            return deadline;
        }

        @Override
        public boolean isFinished() {
            return false;
        }
    }
}
