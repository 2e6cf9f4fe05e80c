package io.roomcast.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.roomcast.internal.protocol.DatagramEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Clients are given the shared loop with the fewest endpoints, not the next in turn. Real sockets on loopback. */
@Timeout(30)
class SharedClientThreadsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<Endpoint> endpoints = new ArrayList<>();

    @AfterEach
    void removeEndpoints() {
        for (Endpoint endpoint : endpoints) {
            endpoint.awaitStopOrForce(Duration.ZERO);
        }
    }

    private void attach(EventLoop loop) throws IOException {
        DatagramChannel channel = EventLoop.openChannel(LOOPBACK);
        channel.bind(new InetSocketAddress(LOOPBACK, 0));
        endpoints.add(loop.attach(channel, new IdleEngine(), new CommandQueue(loop)));
    }

    @Test
    void aBusyLoopIsPassedOverUntilTheOthersCatchUp() throws Exception {
        assumeTrue(SharedClientThreads.LOOPS > 1, "one shared loop: nothing to choose");
        EventLoop busy = SharedClientThreads.nextLoop();
        for (int i = 0; i < 20; i++) {
            attach(busy);
        }
        for (int i = 0; i < SharedClientThreads.LOOPS; i++) {
            EventLoop next = SharedClientThreads.nextLoop();
            assertThat(next).as("client %d after the busy loop's 20", i + 1).isNotSameAs(busy);
            assertThat(next.load()).isLessThan(busy.load());
            attach(next);
        }
    }

    /** An engine with nothing to do. */
    private static final class IdleEngine implements DatagramEngine {
        @Override
        public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }

        @Override
        public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
            return null;
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
}
