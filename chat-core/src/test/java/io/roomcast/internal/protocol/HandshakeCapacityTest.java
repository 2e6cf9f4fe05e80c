package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.RejectReason;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SECURITY.md: "handshakes in progress before RETRY is required: 64" and "handshakes in progress
 * at most: 1,024 (then {@code SERVER_BUSY})". In the simulator, hosts on 68 address groups, none
 * with more than its {@link HandshakeResponder#MAX_PENDING_PER_ADDRESS} handshakes, open
 * handshakes: the first {@link ServerConfig#DEFAULT_RETRY_THRESHOLD} get a CHALLENGE at once, the
 * rest a RETRY first; once {@link HandshakeResponder#MAX_PENDING_HANDSHAKES} are in progress a
 * HELLO with a valid token is refused {@code SERVER_BUSY} ("too many joins in progress"); a slot
 * frees when a handshake ends, and all of them when they expire.
 */
@Timeout(120)
@ExtendWith(SimulationSeeds.class)
class HandshakeCapacityTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** The 1024-bit group keeps a thousand handshakes cheap; the bounds do not depend on it. */
    private static final SrpGroup GROUP = SrpGroup.RFC5054_1024_SHA256;
    private static final int PER_GROUP = HandshakeResponder.MAX_PENDING_PER_ADDRESS;

    @Test
    void pastTheRetryThresholdHelloesEchoATokenAndPastTheCapacityTheyAreRefusedBusyUntilASlotFrees() {
        SimulatedNetwork network = new SimulatedNetwork(1_024);
        SimulatedRoom room = SimulatedRoom.on(network).group(GROUP).build();
        String seed = "seed " + network.seed();
        HandshakeResponder handshakes = room.server().handshakes();
        Random random = network.newRandom();
        int threshold = ServerConfig.DEFAULT_RETRY_THRESHOLD;
        int capacity = HandshakeResponder.MAX_PENDING_HANDSHAKES;
        assertThat(room.serverConfig().retryThreshold()).isEqualTo(threshold);
        assertThat(capacity % PER_GROUP).isZero();

        // up to the RETRY threshold: a CHALLENGE at once
        List<Host> first = hosts(network, random, 0, threshold / PER_GROUP, PER_GROUP);
        sendHellos(room, first);
        room.runFor(SECOND);
        for (Host host : first) {
            assertThat(host.peer.received(HandshakePacket.Challenge.class)).as("%s: %s", seed, host).hasSize(PER_GROUP);
            assertThat(host.peer.received(HandshakePacket.Retry.class)).as("%s: %s", seed, host).isEmpty();
        }
        assertThat(handshakes.pendingCount()).as(seed).isEqualTo(2 * threshold); // counted in both indexes

        // past it: a RETRY first, then a CHALLENGE for the HELLO that echoes its token, up to the capacity
        List<Host> rest = hosts(network, random, first.size(), (capacity - threshold) / PER_GROUP, PER_GROUP);
        sendHellos(room, rest);
        room.runFor(SECOND);
        for (Host host : rest) {
            assertThat(host.peer.received(HandshakePacket.Retry.class)).as("%s: %s", seed, host).hasSize(PER_GROUP);
            assertThat(host.peer.received(HandshakePacket.Challenge.class)).as("%s: no work before the token", seed)
                    .isEmpty();
        }
        assertThat(room.server().stats().retries).as(seed).isEqualTo(capacity - threshold);
        echoTokens(room, rest);
        room.runFor(SECOND);
        for (Host host : rest) {
            assertThat(host.peer.received(HandshakePacket.Challenge.class)).as("%s: %s", seed, host).hasSize(PER_GROUP);
        }
        assertThat(handshakes.pendingCount()).as("%s: the capacity is in use", seed).isEqualTo(2 * capacity);
        assertThat(room.server().stats().busy).as(seed).isZero();

        // past the capacity: other groups, each far below its own share, are refused as busy
        List<Host> late = hosts(network, random, first.size() + rest.size(), 4, 4);
        sendHellos(room, late);
        room.runFor(SECOND);
        echoTokens(room, late);
        room.runFor(SECOND);
        for (Host host : late) {
            assertThat(host.peer.received(HandshakePacket.Challenge.class)).as("%s: %s", seed, host).isEmpty();
            assertThat(host.peer.received(HandshakePacket.Reject.class)).as("%s: %s", seed, host).hasSize(4)
                    .allSatisfy(reject -> {
                        assertThat(reject.reason()).isEqualTo(RejectReason.SERVER_BUSY);
                        assertThat(reject.detail()).isEqualTo(HandshakeResponder.BUSY_DETAIL);
                    });
        }
        assertThat(room.server().stats().busy).as(seed).isEqualTo(16);
        assertThat(handshakes.pendingCount()).as("%s: never more than the capacity", seed).isEqualTo(2 * capacity);

        // one handshake ends (a wrong proof): its slot goes to the next HELLO with a valid token, and only one
        Host quitter = first.get(0);
        HandshakePacket.Challenge ending = quitter.peer.received(HandshakePacket.Challenge.class).get(0);
        room.act(() -> quitter.peer.send(SimulatedRoom.SERVER, new HandshakePacket.Proof(ending.connectionId(),
                new byte[32])));
        room.runFor(SECOND);
        assertThat(quitter.peer.received(HandshakePacket.Reject.class)).as(seed).singleElement()
                .satisfies(reject -> assertThat(reject.reason()).isEqualTo(RejectReason.BAD_PASSWORD));
        assertThat(handshakes.pendingCount()).as(seed).isEqualTo(2 * (capacity - 1));
        Host waiting = late.get(0);
        room.act(() -> {
            waiting.peer.send(SimulatedRoom.SERVER, waiting.withToken(0)); // tokens refused as busy were not spent
            waiting.peer.send(SimulatedRoom.SERVER, waiting.withToken(1));
        });
        room.runFor(SECOND);
        assertThat(waiting.peer.received(HandshakePacket.Challenge.class)).as("%s: the freed slot", seed)
                .singleElement().satisfies(challenge -> assertThat(challenge.clientNonce())
                        .isEqualTo(waiting.hellos.get(0).clientNonce()));
        assertThat(waiting.peer.received(HandshakePacket.Reject.class)).as(seed).hasSize(5);
        assertThat(handshakes.pendingCount()).as(seed).isEqualTo(2 * capacity);

        // once they expire, every slot is free again and a client joins without help
        room.runFor(HandshakeResponder.HANDSHAKE_LIFETIME_NANOS);
        assertThat(handshakes.pendingCount()).as(seed).isZero();
        assertThat(room.join("joan")).as("%s: a join after they expired", seed).isTrue();
    }

    /** A host alone on its address group, with the HELLOs it sends and the RETRY tokens it got. */
    private record Host(InetSocketAddress address, RawPeer peer, List<HandshakePacket.Hello> hellos) {
        /** Its HELLO number {@code i} again, with the token of the RETRY that answered it. */
        HandshakePacket.Hello withToken(int i) {
            HandshakePacket.Hello hello = hellos.get(i);
            byte[] token = peer.received(HandshakePacket.Retry.class).stream()
                    .filter(retry -> Arrays.equals(retry.clientNonce(), hello.clientNonce())).findFirst()
                    .orElseThrow(() -> new AssertionError(address + ": no RETRY for HELLO " + i)).token();
            return new HandshakePacket.Hello(hello.clientNonce(), hello.username(), hello.idleTimeoutMillis(),
                    hello.clientPublic(), token);
        }

        @Override
        public String toString() {
            return address.toString();
        }
    }

    /** {@code count} hosts, each on its own IPv4 address (its own group), each with {@code hellos} HELLOs. */
    private static List<Host> hosts(SimulatedNetwork network, Random random, int from, int count, int hellos) {
        List<Host> hosts = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            InetSocketAddress address = new InetSocketAddress("10.7." + (n / 200) + "." + (1 + n % 200), 40_000);
            RawPeer peer = new RawPeer();
            network.attach(address, peer);
            List<HandshakePacket.Hello> sent = new ArrayList<>();
            for (int i = 0; i < hellos; i++) {
                sent.add(RawPeer.hello(random, GROUP, "h" + n + "x" + i, new byte[0]));
            }
            hosts.add(new Host(address, peer, sent));
        }
        return hosts;
    }

    private static void sendHellos(SimulatedRoom room, List<Host> hosts) {
        room.act(() -> hosts.forEach(host -> host.hellos.forEach(hello -> host.peer.send(SimulatedRoom.SERVER, hello))));
    }

    private static void echoTokens(SimulatedRoom room, List<Host> hosts) {
        room.act(() -> {
            for (Host host : hosts) {
                for (int i = 0; i < host.hellos.size(); i++) {
                    host.peer.send(SimulatedRoom.SERVER, host.withToken(i));
                }
            }
        });
    }
}
