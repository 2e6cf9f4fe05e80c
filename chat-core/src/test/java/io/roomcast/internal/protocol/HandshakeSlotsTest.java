package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
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
        // SRP work takes 50 ms of virtual time, so all 40 HELLOs arrive while the first are in progress
        SimulatedRoom room = SimulatedRoom.on(network)
                .offload(network.slowOffload(TimeUnit.MILLISECONDS.toNanos(50))).build();
        String seed = "seed " + network.seed();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String name = "bulk" + i;
            room.add(room.clientConfig(name, SimulatedRoom.DEFAULT_PASSWORD),
                    new InetSocketAddress("127.0.0.9", 22_000 + i));
            names.add(name);
        }
        room.runUntil(() -> names.stream().allMatch(n -> room.sink(n).connectFailure != null || room.sink(n).joined()),
                20 * SECOND);

        long joined = names.stream().filter(n -> room.sink(n).joined()).count();
        List<String> refused = names.stream().filter(n -> room.sink(n).connectFailure
                == ClientEventSink.ConnectFailure.REFUSED).toList();
        assertThat(joined).as("%s: handshakes that got a slot", seed).isEqualTo(HandshakeResponder.MAX_PENDING_PER_ADDRESS);
        assertThat(refused).as(seed).hasSize(40 - HandshakeResponder.MAX_PENDING_PER_ADDRESS);
        assertThat(room.sink(refused.get(0)).log).as(seed)
                .anySatisfy(line -> assertThat(line).contains("too many joins in progress from this address"));

        assertThat(room.join("joan")).as("%s: another address still joins", seed).isTrue();
        room.add(room.clientConfig("late", SimulatedRoom.DEFAULT_PASSWORD), new InetSocketAddress("127.0.0.9", 22_100));
        room.runUntil(() -> room.sink("late").joined() || room.sink("late").connectFailure != null, 10 * SECOND);
        assertThat(room.sink("late").joined()).as("%s: the slots come back once those handshakes end", seed).isTrue();
    }
}
