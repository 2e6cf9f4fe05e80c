package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The WELCOME re-sent to a repeated PROOF keeps the 3× anti-amplification rule: someone who saw a
 * member's PROOF replays it 100 times from the member's address (which the member's WELCOME has
 * not yet shown to have arrived), and the server's handshake answers to that address stay within
 * three times the bytes that came from it, while repeats still go. Before, every repeated PROOF
 * (46 bytes) got the whole WELCOME again: here over 5 kB, for a room of long names.
 */
@Timeout(60)
class RepeatedProofTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** Members with names of 32 Han characters (97 bytes on the wire each): a WELCOME of five parts. */
    private static final int MEMBERS = 45;
    private static final int REPLAYS = 100;
    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.8", 25_000);

    @Test
    void repeatedProofsGetAtMostThreeTimesWhatTheyBrought() {
        SimulatedNetwork network = new SimulatedNetwork(85);
        SimulatedRoom room = SimulatedRoom.on(network).group(SrpGroup.RFC5054_1024_SHA256).maxMembers(MEMBERS + 1)
                .build();
        String seed = "seed " + network.seed();
        fillWithLongNames(room);
        List<byte[]> fromTarget = new ArrayList<>();
        List<byte[]> toTarget = new ArrayList<>();
        network.tap(TARGET, SimulatedRoom.SERVER, fromTarget);
        network.tap(SimulatedRoom.SERVER, TARGET, toTarget);

        // the member never sends a short-header packet, so the server keeps its WELCOME to repeat
        ClientEngine client = room.add(room.clientConfig("target", SimulatedRoom.DEFAULT_PASSWORD), TARGET);
        List<byte[]> proofs = new ArrayList<>();
        List<byte[]> replays = new ArrayList<>();
        network.attach(TARGET, new ForwardingEngine(client) {
            @Override
            public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
                while (true) {
                    int start = out.position();
                    InetSocketAddress to = super.pollDatagram(nowNanos, out);
                    if (to == null) {
                        break;
                    }
                    byte[] sent = Arrays.copyOfRange(out.array(), start, out.position());
                    if (isProof(sent)) {
                        proofs.add(sent);
                    }
                    if (HandshakePacket.isLongHeader(ByteBuffer.wrap(sent))) {
                        return to;
                    }
                    out.position(start); // a short-header packet: swallowed
                }
                if (replays.isEmpty()) {
                    return null;
                }
                out.put(replays.remove(0));
                return SimulatedRoom.SERVER;
            }
        });
        RecordingClientSink sink = room.sink("target");
        room.runUntil(sink::joined, 10 * SECOND);
        assertThat(sink.joined()).as(seed).isTrue();
        long welcomeParts = welcomes(toTarget);
        assertThat(welcomeParts).as("%s: a WELCOME larger than 3x a PROOF", seed).isGreaterThanOrEqualTo(4);

        for (int i = 0; i < REPLAYS; i++) {
            network.later(i * TimeUnit.MILLISECONDS.toNanos(10), () -> replays.add(proofs.get(0)));
        }
        room.runFor(2 * SECOND);

        long received = fromTarget.stream().mapToLong(bytes -> bytes.length).sum();
        long sent = toTarget.stream().filter(bytes -> HandshakePacket.isLongHeader(ByteBuffer.wrap(bytes)))
                .mapToLong(bytes -> bytes.length).sum();
        assertThat(fromTarget.stream().filter(RepeatedProofTest::isProof).count()).as(seed)
                .isGreaterThanOrEqualTo(1 + REPLAYS);
        assertThat(sent).as("%s: handshake bytes sent to the address, for %d received", seed, received)
                .isLessThanOrEqualTo(AmplificationBudget.FACTOR * received);
        assertThat(welcomes(toTarget)).as("%s: repeats still go, within the rule", seed)
                .isGreaterThan(welcomeParts + REPLAYS);
    }

    /** Fills the room with members whose names are 32 Han characters, each from a host of its own. */
    private static void fillWithLongNames(SimulatedRoom room) {
        for (int i = 0; i < MEMBERS; i++) {
            StringBuilder name = new StringBuilder();
            for (int k = 0; k < 32; k++) {
                name.appendCodePoint(0x4E00 + 32 * i + k);
            }
            room.add(room.clientConfig(name.toString(), SimulatedRoom.DEFAULT_PASSWORD),
                    new InetSocketAddress("127.3.0." + (1 + i), 10_000));
        }
        room.runUntil(() -> room.memberCount() == MEMBERS, 20 * SECOND);
        assertThat(room.memberCount()).isEqualTo(MEMBERS);
    }

    private static long welcomes(List<byte[]> datagrams) {
        return datagrams.stream().filter(bytes -> decodesAs(bytes, HandshakePacket.Welcome.class)).count();
    }

    private static boolean isProof(byte[] bytes) {
        return decodesAs(bytes, HandshakePacket.Proof.class);
    }

    private static boolean decodesAs(byte[] bytes, Class<? extends HandshakePacket> type) {
        try {
            return HandshakePacket.isLongHeader(ByteBuffer.wrap(bytes))
                    && type.isInstance(HandshakePacket.decode(ByteBuffer.wrap(bytes)));
        } catch (MalformedPacketException e) {
            return false;
        }
    }
}
