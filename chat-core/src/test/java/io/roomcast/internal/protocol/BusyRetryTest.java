package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.RejectReason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client refused as busy (REJECT SERVER_BUSY) sends its HELLO again with backoff and jitter
 * until its connect timeout: it joins once a slot frees, and only if none does it fails, at the
 * timeout, saying the server is busy. Before, the first busy answer failed the connect.
 *
 * <p>The server is made busy for the client's address by another host on the same IP that holds
 * all {@link HandshakeResponder#MAX_PENDING_PER_ADDRESS} of its handshake slots.
 */
@Timeout(30)
class BusyRetryTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long CONNECT_TIMEOUT_NANOS = 10 * SECOND;
    private static final InetSocketAddress HOG = new InetSocketAddress("127.0.0.9", 22_000);
    private static final InetSocketAddress JOAN = new InetSocketAddress("127.0.0.9", 23_000);

    @Test
    void aClientRefusedAsBusyJoinsOnceASlotFrees() {
        SimulatedNetwork network = new SimulatedNetwork(81);
        SimulatedRoom room = SimulatedRoom.on(network).connectTimeoutNanos(CONNECT_TIMEOUT_NANOS).build();
        String seed = "seed " + network.seed();
        RawPeer hog = holdEverySlotOfTheAddress(room);
        List<byte[]> toJoan = new ArrayList<>();
        network.tap(SimulatedRoom.SERVER, JOAN, toJoan);
        long start = room.now();
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD), JOAN);
        room.runUntil(() -> busyAnswers(toJoan) >= 2, CONNECT_TIMEOUT_NANOS);
        assertThat(busyAnswers(toJoan)).as("%s: refused as busy, and still trying", seed).isGreaterThanOrEqualTo(2);

        // one of the hog's handshakes ends (a wrong proof): its slot frees
        HandshakePacket.Challenge held = hog.received(HandshakePacket.Challenge.class).get(0);
        room.act(() -> hog.send(SimulatedRoom.SERVER, new HandshakePacket.Proof(held.connectionId(), new byte[32])));
        RecordingClientSink joan = room.sink("joan");
        room.runUntil(() -> joan.joined() || joan.connectFailure != null, CONNECT_TIMEOUT_NANOS);

        assertThat(joan.log).as(seed).containsExactly("joined [joan]", "history 0");
        assertThat(room.now() - start).as("%s: joined within the connect timeout", seed)
                .isLessThan(CONNECT_TIMEOUT_NANOS);
    }

    @Test
    void aClientThatStaysRefusedAsBusyFailsAtItsConnectTimeoutSayingSo() {
        SimulatedNetwork network = new SimulatedNetwork(82);
        SimulatedRoom room = SimulatedRoom.on(network).connectTimeoutNanos(CONNECT_TIMEOUT_NANOS).build();
        String seed = "seed " + network.seed();
        holdEverySlotOfTheAddress(room);
        List<Long> helloTimes = new ArrayList<>();
        network.attach(SimulatedRoom.SERVER, new ForwardingEngine(room.server()) {
            @Override
            public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
                if (source.equals(JOAN)) {
                    helloTimes.add(nowNanos);
                }
                super.handleDatagram(nowNanos, datagram, source);
            }
        });
        long start = room.now();
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD), JOAN);
        RecordingClientSink joan = room.sink("joan");
        room.runUntil(() -> joan.connectFailure != null, 2 * CONNECT_TIMEOUT_NANOS);

        assertThat(joan.connectFailure).as(seed).isEqualTo(ClientEventSink.ConnectFailure.REFUSED);
        assertThat(joan.log).as(seed).singleElement().asString().contains("the server is busy")
                .contains(HandshakeResponder.BUSY_AT_ADDRESS_DETAIL).contains("connect timeout of 10000 ms");
        assertThat(room.now() - start).as("%s: it gave up at the connect timeout, not before", seed)
                .isBetween(CONNECT_TIMEOUT_NANOS, CONNECT_TIMEOUT_NANOS + TimeUnit.MILLISECONDS.toNanos(1));
        // backoff: a handful of HELLOs, never closer than the jittered first wait, further apart as it goes on
        assertThat(helloTimes).as(seed).hasSizeBetween(4, 12);
        long shortest = (long) (ClientHandshake.BUSY_RETRY_FIRST_NANOS * (1 - ClientHandshake.BUSY_RETRY_JITTER));
        for (int i = 1; i < helloTimes.size(); i++) {
            assertThat(helloTimes.get(i) - helloTimes.get(i - 1)).as("%s: wait before HELLO %d", seed, i)
                    .isGreaterThanOrEqualTo(shortest).isLessThanOrEqualTo(ClientHandshake.BUSY_RETRY_MAX_NANOS);
        }
        int last = helloTimes.size() - 1;
        assertThat(helloTimes.get(last) - helloTimes.get(last - 1)).as("%s: the waits grew", seed)
                .isGreaterThan(helloTimes.get(1) - helloTimes.get(0));
    }

    /** Another host on the client's IP opens every handshake the address may have in progress. */
    private static RawPeer holdEverySlotOfTheAddress(SimulatedRoom room) {
        RawPeer hog = new RawPeer();
        room.network().attach(HOG, hog);
        Random random = room.network().newRandom();
        room.act(() -> {
            for (int i = 0; i < HandshakeResponder.MAX_PENDING_PER_ADDRESS; i++) {
                hog.send(SimulatedRoom.SERVER, RawPeer.hello(random, SrpGroup.RFC5054_2048_SHA256, "hog" + i,
                        new byte[0]));
            }
        });
        room.runFor(SECOND);
        assertThat(hog.received(HandshakePacket.Challenge.class)).hasSize(HandshakeResponder.MAX_PENDING_PER_ADDRESS);
        return hog;
    }

    private static long busyAnswers(List<byte[]> datagrams) {
        return datagrams.stream().filter(bytes -> {
            try {
                return HandshakePacket.decode(ByteBuffer.wrap(bytes)) instanceof HandshakePacket.Reject reject
                        && reject.reason() == RejectReason.SERVER_BUSY;
            } catch (MalformedPacketException e) {
                return false;
            }
        }).count();
    }
}
