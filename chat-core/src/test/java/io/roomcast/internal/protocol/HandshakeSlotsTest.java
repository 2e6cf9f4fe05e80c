package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.RejectReason;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One host cannot hold every handshake slot: at most {@link HandshakeResponder#MAX_PENDING_PER_ADDRESS}
 * handshakes are in progress per address; past that its HELLOs are refused as busy, while other
 * addresses still join. Before, one address could hold all 1,024 slots.
 */
@Timeout(30)
class HandshakeSlotsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void oneAddressGetsAtMostItsShareOfHandshakesInProgress() {
        SimulatedNetwork network = new SimulatedNetwork(72);
        SimulatedRoom room = SimulatedRoom.on(network).build();
        String seed = "seed " + network.seed();
        Random random = network.newRandom();
        RawPeer host = new RawPeer();
        InetSocketAddress hostAddress = new InetSocketAddress("127.0.0.9", 22_000);
        network.attach(hostAddress, host);
        List<HandshakePacket.Hello> hellos = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            hellos.add(RawPeer.hello(random, SrpGroup.RFC5054_2048_SHA256, "bulk" + i, new byte[0]));
        }
        room.act(() -> hellos.forEach(hello -> host.send(SimulatedRoom.SERVER, hello)));
        room.runFor(SECOND);

        assertThat(host.received(HandshakePacket.Challenge.class)).as("%s: handshakes that got a slot", seed)
                .hasSize(HandshakeResponder.MAX_PENDING_PER_ADDRESS);
        List<HandshakePacket.Reject> refused = host.received(HandshakePacket.Reject.class);
        assertThat(refused).as(seed).hasSize(40 - HandshakeResponder.MAX_PENDING_PER_ADDRESS)
                .allSatisfy(reject -> {
                    assertThat(reject.reason()).isEqualTo(RejectReason.SERVER_BUSY);
                    assertThat(reject.detail()).isEqualTo(HandshakeResponder.BUSY_AT_ADDRESS_DETAIL);
                });
        assertThat(room.server().stats().busy).as(seed).isEqualTo(40 - HandshakeResponder.MAX_PENDING_PER_ADDRESS);

        assertThat(room.join("joan")).as("%s: another address still joins", seed).isTrue();

        room.runFor(HandshakeResponder.HANDSHAKE_LIFETIME_NANOS);
        room.add(room.clientConfig("late", SimulatedRoom.DEFAULT_PASSWORD), new InetSocketAddress("127.0.0.9", 22_100));
        room.runUntil(() -> room.sink("late").joined() || room.sink("late").connectFailure != null, 10 * SECOND);
        assertThat(room.sink("late").joined()).as("%s: the slots come back once those handshakes expire", seed).isTrue();
    }
}
