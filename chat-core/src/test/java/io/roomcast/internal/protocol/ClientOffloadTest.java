package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's CHALLENGE → PROOF work goes through its {@link Offload}: here one that holds the
 * work until the test runs it, as a pool that has not got to it yet.
 */
@Timeout(30)
class ClientOffloadTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long CONNECT_TIMEOUT = 10 * SECOND;
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 9000);
    private static final InetSocketAddress JOAN = new InetSocketAddress("127.0.0.2", 10_000);

    private SimulatedNetwork network;
    private final HeldOffload held = new HeldOffload();
    private final RecordingClientSink sink = new RecordingClientSink();
    private final List<byte[]> toServer = new ArrayList<>();
    private final List<byte[]> toClient = new ArrayList<>();
    private ClientEngine client;
    /** What the client had sent before its {@code g^a} was computed. */
    private int sentBeforeHello;

    /** Holds each piece of work until {@link #runHeld}; counts what was submitted. */
    private final class HeldOffload implements Offload {
        final List<Runnable> outstanding = new ArrayList<>();
        int submitted;

        @Override
        public <T> void submit(long nowNanos, Supplier<T> work, Continuation<T> then) {
            submitted++;
            outstanding.add(() -> then.resume(work.get(), network.now()));
        }

        /** Runs the held work and its continuations now, on the simulator's thread, as the loop would. */
        void runHeld() {
            List<Runnable> now = new ArrayList<>(outstanding);
            outstanding.clear();
            network.act(() -> now.forEach(Runnable::run));
        }
    }

    @BeforeEach
    void aServerAndAJoiningClient() {
        network = new SimulatedNetwork(14);
        SrpGroup group = SrpGroup.RFC5054_1024_SHA256; // fast; the offloading does not depend on it
        ServerConfig config = ServerConfig.of("lobby", group,
                SrpVerifier.create(group, "lobby", "secret", network.newRandom()), 15 * SECOND, 16 * 1024, 8);
        network.attach(SERVER, new ServerEngine(config, new RecordingServerSink(network), network.newRandom(),
                network::wallClockMillis));
        network.tap(JOAN, SERVER, toServer);
        network.tap(SERVER, JOAN, toClient);
        client = new ClientEngine(new ClientConfig(SERVER, "joan", "secret", group, CONNECT_TIMEOUT, 15 * SECOND),
                sink, network.newRandom(), held);
        network.attach(JOAN, client);
        network.act(() -> client.start(network.now()));
        network.runFor(SECOND);
        assertThat(held.submitted).as("g^a submitted").isEqualTo(1);
        sentBeforeHello = toServer.size();
        held.runHeld();
        assertThat(network.runUntil(() -> held.submitted == 2, SECOND)).as("the CHALLENGE's work is submitted").isTrue();
    }

    @Test
    void theHelloGoesOutOnlyOnceGToTheAIsComputed() {
        assertThat(sentBeforeHello).as("datagrams sent before g^a was computed").isZero();
        assertThat(count(toServer, HandshakePacket.Hello.class)).isPositive();
    }

    @Test
    void theProofGoesOutOnlyOnceTheWorkIsDoneAndARepeatedChallengeStartsNoMoreWork() {
        // HELLO is re-sent meanwhile, and the server answers each with its CHALLENGE again
        network.runFor(3 * SECOND);
        assertThat(count(toClient, HandshakePacket.Challenge.class)).as("CHALLENGEs received").isGreaterThan(1);
        assertThat(held.submitted).as("work submitted: g^a and one CHALLENGE's").isEqualTo(2);
        assertThat(client.handshake().responding()).isTrue();
        assertThat(count(toServer, HandshakePacket.Proof.class)).as("PROOFs before the work is done").isZero();
        assertThat(sink.joined()).isFalse();

        held.runHeld();

        assertThat(count(toServer, HandshakePacket.Proof.class)).as("PROOFs once it is done").isEqualTo(1);
        assertThat(network.runUntil(sink::joined, 2 * SECOND)).as("joins").isTrue();
        assertThat(held.submitted).isEqualTo(2);
    }

    @Test
    void closeWhileTheWorkIsOutEndsCleanlyAndTheLateContinuationDoesNothing() {
        network.act(() -> client.close(network.now()));
        assertThat(sink.connectFailure).isEqualTo(ClientEventSink.ConnectFailure.CLOSED);
        assertThat(client.isFinished()).isTrue();
        int sent = toServer.size();

        held.runHeld();
        network.runFor(2 * SECOND);

        assertThat(toServer).as("nothing sent after close").hasSize(sent);
        assertThat(client.handshake().proofSent()).isFalse();
        assertThat(client.handshake().keys()).as("no keys taken up").isNull();
        assertThat(sink.log).as("one end, reported once").hasSize(1);
    }

    @Test
    void aConnectTimeoutWhileTheWorkIsOutEndsTheAttemptAndTheLateContinuationDoesNothing() {
        network.runUntil(() -> sink.connectFailure != null, 2 * CONNECT_TIMEOUT);
        assertThat(sink.connectFailure).isEqualTo(ClientEventSink.ConnectFailure.TIMED_OUT);
        assertThat(held.submitted).isEqualTo(2);
        int sent = toServer.size();

        held.runHeld();
        network.runFor(2 * SECOND);

        assertThat(count(toServer, HandshakePacket.Proof.class)).isZero();
        assertThat(toServer).hasSize(sent);
        assertThat(client.handshake().keys()).as("no keys taken up").isNull();
        assertThat(sink.log).hasSize(1);
    }

    private static long count(List<byte[]> datagrams, Class<? extends HandshakePacket> type) {
        return datagrams.stream().filter(bytes -> HandshakePacket.isLongHeader(ByteBuffer.wrap(bytes)))
                .map(bytes -> {
                    try {
                        return HandshakePacket.decode(ByteBuffer.wrap(bytes));
                    } catch (MalformedPacketException e) {
                        return null;
                    }
                })
                .filter(type::isInstance).count();
    }
}
