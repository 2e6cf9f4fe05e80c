package io.roomcast.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.protocol.DatagramEngine;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One loop driving many endpoints, with engines that answer what they are sent: each endpoint
 * gets its own datagrams, commands and timers; one that finishes, fails or is given up on leaves
 * and the others go on. Real sockets on loopback.
 */
@Timeout(30)
class EventLoopTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    private final List<Endpoint> endpoints = new ArrayList<>();

    EventLoopTest() throws IOException {
        peer.setSoTimeout((int) WAIT.toMillis());
    }

    @AfterEach
    void removeEndpoints() {
        for (Endpoint endpoint : endpoints) {
            endpoint.awaitStopOrForce(Duration.ZERO);
        }
        peer.close();
    }

    private Endpoint attach(EventLoop loop, AnsweringEngine engine) throws IOException {
        DatagramChannel channel = EventLoop.openChannel(LOOPBACK);
        channel.bind(new InetSocketAddress(LOOPBACK, 0));
        Endpoint endpoint = loop.attach(channel, engine, new CommandQueue(loop));
        endpoints.add(endpoint);
        return endpoint;
    }

    /** A loop that, like a shared one, takes many endpoints, but whose thread ends once the test has removed them. */
    private static EventLoop loop() throws IOException {
        return EventLoop.dedicated("test-io");
    }

    @Test
    void manyEndpointsOnOneThreadEachAnswerTheirOwnDatagramsAndEachTimerFires() throws Exception {
        EventLoop loop = loop();
        int count = 100;
        List<AnsweringEngine> engines = new ArrayList<>();
        List<Endpoint> attached = new ArrayList<>();
        long now = System.nanoTime();
        for (int i = 0; i < count; i++) {
            AnsweringEngine engine = new AnsweringEngine("e" + i, peerAddress());
            engine.tickAt = now + Duration.ofMillis(i % 20).toNanos(); // many at once, many apart
            engines.add(engine);
            attached.add(attach(loop, engine));
        }
        for (int i = 0; i < count; i++) {
            send("ping", attached.get(i));
        }
        Set<String> heard = new HashSet<>();
        for (int i = 0; i < 2 * count; i++) {
            heard.add(receive());
        }
        for (int i = 0; i < count; i++) {
            assertThat(heard).contains("e" + i + " got ping", "e" + i + " tick");
        }
        Set<String> threads = ConcurrentHashMap.newKeySet();
        engines.forEach(engine -> threads.addAll(engine.threads));
        assertThat(threads).containsExactly("test-io");
        assertThat(loop.load()).isEqualTo(count);
    }

    @Test
    void commandsRunInOrderOnTheirOwnEndpointAndWhatTheySendGoesOut() throws Exception {
        EventLoop loop = loop();
        AnsweringEngine first = new AnsweringEngine("first", peerAddress());
        AnsweringEngine second = new AnsweringEngine("second", peerAddress());
        Endpoint one = attach(loop, first);
        Endpoint two = attach(loop, second);
        for (int i = 0; i < 50; i++) {
            int n = i;
            assertThat(one.commands.execute(at -> first.say("command " + n))).isTrue();
            assertThat(two.commands.execute(at -> second.say("command " + n))).isTrue();
        }
        List<String> fromFirst = new ArrayList<>();
        List<String> fromSecond = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String said = receive();
            (said.startsWith("first") ? fromFirst : fromSecond).add(said);
        }
        for (int i = 0; i < 50; i++) {
            assertThat(fromFirst.get(i)).isEqualTo("first command " + i);
            assertThat(fromSecond.get(i)).isEqualTo("second command " + i);
        }
    }

    @Test
    void anEndpointWhoseEngineThrowsIsRemovedAndTheOthersOnItsLoopGoOn() throws Exception {
        EventLoop loop = loop();
        AnsweringEngine broken = new AnsweringEngine("broken", peerAddress());
        AnsweringEngine healthy = new AnsweringEngine("healthy", peerAddress());
        Endpoint brokenEndpoint = attach(loop, broken);
        Endpoint healthyEndpoint = attach(loop, healthy);
        send("ping", healthyEndpoint);
        assertThat(receive()).isEqualTo("healthy got ping");

        broken.failing = true; // it throws on each datagram (logged, it goes on), then on its deadline: removed
        send("ping", brokenEndpoint);
        assertThat(brokenEndpoint.awaitRemoved(WAIT)).as("the broken endpoint is removed").isTrue();
        assertThat(brokenEndpoint.channel.isOpen()).isFalse();
        assertThat(brokenEndpoint.commands.execute(at -> { })).as("its queue refuses commands").isFalse();

        send("ping again", healthyEndpoint);
        assertThat(receive()).isEqualTo("healthy got ping again");
        assertThat(loop.hasEnded()).isFalse();
        assertThat(loop.load()).isEqualTo(1);
    }

    @Test
    void aFinishedEndpointIsRemovedAfterItsQueuedCommandsAndTheLoopGoesOn() throws Exception {
        EventLoop loop = loop();
        AnsweringEngine finishing = new AnsweringEngine("finishing", peerAddress());
        AnsweringEngine staying = new AnsweringEngine("staying", peerAddress());
        Endpoint leaving = attach(loop, finishing);
        Endpoint stays = attach(loop, staying);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        // the loop's thread waits in the first command while the others queue up behind it
        leaving.commands.execute(at -> {
            holding.countDown();
            await(release);
        });
        assertThat(holding.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        leaving.commands.execute(at -> finishing.say("goodbye"));
        leaving.commands.execute(at -> finishing.finished = true);
        leaving.commands.execute(at -> ran.add("queued behind the finish"));
        release.countDown();

        assertThat(receive()).isEqualTo("finishing goodbye");
        assertThat(leaving.awaitRemoved(WAIT)).isTrue();
        assertThat(ran).containsExactly("queued behind the finish");
        assertThat(leaving.channel.isOpen()).isFalse();
        assertThat(leaving.commands.execute(at -> ran.add("given after"))).as("refused once removed").isFalse();
        send("ping", stays);
        assertThat(receive()).isEqualTo("staying got ping");
        assertThat(ran).containsExactly("queued behind the finish");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anEndpointWhoseEngineNeverFinishesIsRemovedWhenGivenUpOn() throws Exception {
        EventLoop loop = loop();
        Endpoint stuck = attach(loop, new AnsweringEngine("stuck", peerAddress()));
        Endpoint other = attach(loop, new AnsweringEngine("other", peerAddress()));

        stuck.awaitStopOrForce(Duration.ofMillis(10));

        assertThat(stuck.isRemoved()).isTrue();
        send("ping", other);
        assertThat(receive()).isEqualTo("other got ping");
    }

    @Test
    void aDedicatedLoopsThreadEndsWithItsEndpoint() throws Exception {
        EventLoop loop = EventLoop.dedicated("test-dedicated-io");
        AnsweringEngine engine = new AnsweringEngine("alone", peerAddress());
        Endpoint endpoint = attach(loop, engine);
        send("ping", endpoint);
        assertThat(receive()).isEqualTo("alone got ping");
        Thread thread = engine.thread;

        endpoint.commands.execute(at -> engine.finished = true);

        thread.join(WAIT.toMillis());
        assertThat(thread.isAlive()).isFalse();
        assertThat(loop.hasEnded()).isTrue();
    }

    private InetSocketAddress peerAddress() {
        return (InetSocketAddress) peer.getLocalSocketAddress();
    }

    private void send(String text, Endpoint to) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        peer.send(new DatagramPacket(bytes, bytes.length, to.channel.getLocalAddress()));
    }

    private String receive() throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        try {
            peer.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing within " + WAIT, e);
        }
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    /**
     * Answers each datagram with "NAME got TEXT", says "NAME tick" to the peer at {@code tickAt},
     * says what commands tell it to; when {@code failing}, throws on every datagram and from its
     * deadline; finished when told. Loop thread, but for the flags a test sets before it sends.
     */
    private static final class AnsweringEngine implements DatagramEngine {
        private final String name;
        private final InetSocketAddress peer;
        private final ArrayDeque<String> outbox = new ArrayDeque<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        volatile Thread thread;
        volatile boolean failing;
        volatile long tickAt = Long.MAX_VALUE;
        boolean finished;

        AnsweringEngine(String name, InetSocketAddress peer) {
            this.name = name;
            this.peer = peer;
        }

        void say(String text) {
            outbox.add(name + " " + text);
        }

        @Override
        public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
            seen();
            if (failing) {
                throw new IllegalStateException("an engine bug, on purpose");
            }
            say("got " + StandardCharsets.UTF_8.decode(datagram));
        }

        @Override
        public void handleTimeout(long nowNanos) {
            seen();
            if (nowNanos >= tickAt) {
                tickAt = Long.MAX_VALUE;
                say("tick");
            }
        }

        @Override
        public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
            String next = outbox.poll();
            if (next == null) {
                return null;
            }
            out.put(next.getBytes(StandardCharsets.UTF_8));
            return peer;
        }

        @Override
        public long nextDeadlineNanos() {
            if (failing) {
                throw new IllegalStateException("an engine bug outside what the loop guards, on purpose");
            }
            return tickAt;
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        private void seen() {
            thread = Thread.currentThread();
            threads.add(thread.getName());
        }
    }
}
