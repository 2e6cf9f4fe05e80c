package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatServer;
import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A million random and mutated datagrams thrown at the sans-I/O server engine: none may escape
 * as an exception, no unvalidated address may get more than three times what it sent, memory
 * stays bounded, and afterwards a real member still joins and talks.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(300)
class ServerFuzzTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final InetSocketAddress SERVER = SimulatedRoom.SERVER;
    private static final int DATAGRAMS = Integer.getInteger("roomcast.fuzz", 1_000_000);

    @Test
    void aMillionHostileDatagramsChangeNothing() {
        long seed = Long.getLong("roomcast.seed", 20261124L);
        Random random = new Random(seed);
        SrpGroup group = SrpGroup.RFC5054_1024_SHA256;
        // configured as production always is, with the default rate limit (ServerConfig.of sets none)
        SimulatedRoom room = SimulatedRoom.builder(seed).group(group).configure(config -> config.withRateLimit(
                ChatServer.DEFAULT_MESSAGES_PER_SECOND, ChatServer.DEFAULT_MESSAGE_BURST)).build();
        SimulatedNetwork network = room.network();
        ServerEngine server = room.server();

        // a genuine session to learn real datagrams from: the corpus the mutations start from
        InetSocketAddress joanAddress = new InetSocketAddress("127.0.0.2", 4000);
        List<byte[]> corpus = new ArrayList<>();
        network.tap(joanAddress, SERVER, corpus);
        network.tap(SERVER, joanAddress, corpus);
        ClientEngine joanEngine = room.add(new ClientConfig(SERVER, "joan", "secret", group, 10 * SECOND,
                15 * SECOND), joanAddress);
        RecordingClientSink joan = room.sink("joan");
        network.runUntil(joan::joined, 5 * SECOND);
        network.act(() -> joanEngine.send("a genuine message to mutate"));
        network.runUntil(() -> joan.accepted.size() == 1, 5 * SECOND);
        assertThat(corpus).hasSizeGreaterThan(4);

        Map<InetSocketAddress, long[]> traffic = new HashMap<>(); // received, sent
        ByteBuffer out = ByteBuffer.allocate(WireFormat.MAX_DATAGRAM_BYTES);
        long now = network.now();
        for (int i = 0; i < DATAGRAMS; i++) {
            byte[] datagram = hostile(random, corpus);
            InetSocketAddress source = new InetSocketAddress("127.0.0." + (10 + random.nextInt(200)),
                    1024 + random.nextInt(64));
            traffic.computeIfAbsent(source, s -> new long[2])[0] += datagram.length;
            now += 1_000;
            server.handleDatagram(now, ByteBuffer.wrap(datagram), source);
            if (server.nextDeadlineNanos() <= now) {
                server.handleTimeout(now);
            }
            InetSocketAddress to;
            while ((to = server.pollDatagram(now, out.clear())) != null) {
                long[] counts = traffic.get(to);
                if (counts != null) {
                    counts[1] += out.position();
                }
            }
            if (i % 100_000 == 0) {
                assertThat(server.handshakes().pendingCount()).isLessThanOrEqualTo(2 * HandshakeResponder.MAX_PENDING_HANDSHAKES);
                assertThat(server.handshakes().repeatedAnswerCount()).isLessThanOrEqualTo(2 * HandshakeResponder.MAX_PENDING_HANDSHAKES);
                assertThat(server.handshakes().spentTokenCount()).isLessThanOrEqualTo(RetryTokens.MAX_SPENT);
            }
        }

        for (Map.Entry<InetSocketAddress, long[]> entry : traffic.entrySet()) {
            assertThat(entry.getValue()[1]).as("bytes sent to %s, which sent %d", entry.getKey(), entry.getValue()[0])
                    .isLessThanOrEqualTo(3 * entry.getValue()[0]);
        }
        assertThat(server.memberNames()).containsExactly("joan");
        assertThat(server.stats().malformed + server.stats().unauthenticated + server.stats().unknownConnection)
                .isPositive();
        assertThat(server.handshakes().pendingCount()).isLessThanOrEqualTo(2 * HandshakeResponder.MAX_PENDING_HANDSHAKES);

        // the room still works: joan talks, a newcomer joins and hears her
        InetSocketAddress egaAddress = new InetSocketAddress("127.0.0.3", 4000);
        room.add(new ClientConfig(SERVER, "ega", "secret", group, 30 * SECOND, 15 * SECOND), egaAddress);
        RecordingClientSink ega = room.sink("ega");
        network.runUntil(ega::joined, 35 * SECOND);
        assertThat(ega.joined()).as("a real member joins after the fuzzing").isTrue();
        network.act(() -> joanEngine.send("still here"));
        network.runUntil(() -> ega.messages.size() == 1, 10 * SECOND);
        assertThat(ega.messages).extracting(RecordingClientSink.Delivered::text).containsExactly("still here");
        assertThat(room.serverSink().left).isEmpty();
        // nothing forged or replayed got a message into the room, or even as far as the rate limit
        assertThat(room.serverSink().messages).containsExactly("joan: a genuine message to mutate", "joan: still here");
        assertThat(server.stats().rateLimited).isZero();
    }

    /** Random bytes, or a genuine datagram flipped, truncated, extended or spliced. */
    private static byte[] hostile(Random random, List<byte[]> corpus) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            byte[] bytes = new byte[random.nextInt(1300)];
            random.nextBytes(bytes);
            return bytes;
        }
        byte[] base = corpus.get(random.nextInt(corpus.size())).clone();
        switch (kind) {
            case 1 -> {
                return Arrays.copyOf(base, random.nextInt(base.length + 1));
            }
            case 2 -> {
                byte[] longer = Arrays.copyOf(base, base.length + 1 + random.nextInt(64));
                random.nextBytes(longer);
                System.arraycopy(base, 0, longer, 0, base.length);
                return longer;
            }
            case 3 -> {
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                int cut = random.nextInt(Math.min(base.length, other.length) + 1);
                System.arraycopy(other, cut, base, cut, Math.min(base.length, other.length) - cut);
                return base;
            }
            case 4 -> {
                return base; // a plain replay
            }
            default -> {
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips && base.length > 0; f++) {
                    base[random.nextInt(base.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return base;
            }
        }
    }
}
