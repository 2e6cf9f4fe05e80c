package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message or event that starts to arrive and then stops, while its sender stays alive: the
 * receiver gives up on it after twice the idle timeout and treats the sender as timed out. The
 * rest of the item is kept from arriving by losing every datagram large enough to carry a slice
 * once the first large one went through; the sender's ACKs and PINGs (too small to carry a
 * slice) still arrive, so the idle timeout never fires.
 */
@Timeout(30)
class IncompleteTransferTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = 15 * SECOND;
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 9000);
    private static final InetSocketAddress JOAN = new InetSocketAddress("127.0.0.2", 10_000);
    private static final InetSocketAddress EGA = new InetSocketAddress("127.0.0.2", 10_001);
    /** The smallest datagram that can carry a slice of a message (SEND) or of an event (FRAGMENT). */
    private static final int SLICE_DATAGRAM = ShortHeader.BYTES + Frame.Send.OVERHEAD_BYTES + 1
            + WireFormat.PROTECTION_OVERHEAD_BYTES;
    /** A datagram at least this large carries the start of the item. */
    private static final int LARGE = 1000;

    private SimulatedNetwork network;
    private ServerEngine server;
    private RecordingServerSink serverSink;
    private Watched serverNode;
    private final List<ClientEngine> clients = new ArrayList<>();
    private final List<RecordingClientSink> sinks = new ArrayList<>();
    private final List<Watched> clientNodes = new ArrayList<>();

    /**
     * An engine as the network sees it: what reached it and when, and, once told to stall
     * towards an address, its datagrams there are lost from the second large one on if they
     * are large enough to carry a slice.
     */
    private static final class Watched extends ForwardingEngine {
        record Heard(long atNanos, InetSocketAddress source, int bytes) {
        }

        final DatagramEngine engine;
        final List<Heard> heard = new ArrayList<>();
        private InetSocketAddress stallTowards;
        long firstLargeSentNanos = -1;
        int lost;
        int smallPassed;

        Watched(DatagramEngine engine) {
            super(engine);
            this.engine = engine;
        }

        void stallTowards(InetSocketAddress destination) {
            stallTowards = destination;
        }

        /** When the first datagram of at least {@link #LARGE} bytes from {@code source} arrived after {@code since}. */
        long firstLargeFrom(InetSocketAddress source, long since) {
            return heard.stream().filter(h -> h.source.equals(source) && h.bytes >= LARGE && h.atNanos >= since)
                    .mapToLong(Heard::atNanos).min().orElseThrow();
        }

        /** When a datagram from {@code source} last arrived at or before {@code atNanos}. */
        long lastHeardFrom(InetSocketAddress source, long atNanos) {
            return heard.stream().filter(h -> h.source.equals(source) && h.atNanos <= atNanos)
                    .mapToLong(Heard::atNanos).max().orElseThrow();
        }

        @Override
        public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
            heard.add(new Heard(nowNanos, source, datagram.remaining()));
            engine.handleDatagram(nowNanos, datagram, source);
        }

        @Override
        public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
            int start = out.position();
            InetSocketAddress destination = engine.pollDatagram(nowNanos, out);
            if (destination == null || !destination.equals(stallTowards)) {
                return destination;
            }
            int bytes = out.position() - start;
            if (firstLargeSentNanos < 0) {
                if (bytes >= LARGE) {
                    firstLargeSentNanos = nowNanos;
                }
                return destination;
            }
            if (bytes >= SLICE_DATAGRAM) {
                lost++;
                return ItemEndpoint.NOWHERE;
            }
            smallPassed++;
            return destination;
        }
    }

    @BeforeEach
    void twoMembersInARoom() {
        network = new SimulatedNetwork(41);
        serverSink = new RecordingServerSink(network);
        // the 1024-bit group keeps the handshakes fast; what is tested does not depend on it
        SrpGroup group = SrpGroup.RFC5054_1024_SHA256;
        ServerConfig config = ServerConfig.of("lobby", group,
                SrpVerifier.create(group, "lobby", "secret", network.newRandom()), IDLE, 16 * 1024, 8);
        server = new ServerEngine(config, serverSink, network.newRandom(), network::wallClockMillis);
        serverNode = new Watched(server);
        network.attach(SERVER, serverNode);
        join("joan", JOAN, group);
        join("ega", EGA, group);
        network.runFor(SECOND);
        assertThat(server.memberNames()).containsExactly("joan", "ega");
    }

    private void join(String username, InetSocketAddress address, SrpGroup group) {
        RecordingClientSink sink = new RecordingClientSink();
        ClientEngine client = new ClientEngine(new ClientConfig(SERVER, username, "secret", group, 10 * SECOND, IDLE),
                sink, network.newRandom());
        Watched node = new Watched(client);
        clients.add(client);
        sinks.add(sink);
        clientNodes.add(node);
        network.attach(address, node);
        network.act(() -> client.start(network.now()));
        assertThat(network.runUntil(sink::joined, 10 * SECOND)).as("%s joins", username).isTrue();
    }

    @Test
    void aMemberWhoseMessageStaysIncompleteIsRemovedAsTimedOutAfterTwiceTheIdleTimeout() {
        RecordingClientSink joan = sinks.get(0);
        RecordingClientSink ega = sinks.get(1);
        Watched egaNode = clientNodes.get(1);
        egaNode.stallTowards(SERVER);
        long sent = network.now();
        network.act(() -> clients.get(1).send("x".repeat(4000)));
        network.runFor(SECOND);

        long firstSlice = serverNode.firstLargeFrom(EGA, sent);
        RoomMember member = server.members().stream().filter(m -> m.username.equals("ega")).findFirst().orElseThrow();
        assertThat(member.incoming.bytesHeld()).as("the message is held, incomplete")
                .isBetween(1L, Reassembly.footprint(4000));
        assertThat(egaNode.lost).as("the rest of it is lost").isPositive();

        network.runUntil(() -> !serverSink.left.isEmpty(), 3 * IDLE);

        assertThat(serverSink.left).hasSize(1);
        RecordingServerSink.Left left = serverSink.left.get(0);
        assertThat(left.username()).isEqualTo("ega");
        assertThat(left.reason()).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(left.atNanos()).as("twice the idle timeout after the message last progressed")
                .isEqualTo(firstSlice + 2 * IDLE);
        assertThat(left.atNanos() - serverNode.lastHeardFrom(EGA, left.atNanos()))
                .as("the member was alive: this is not the idle timeout").isLessThan(IDLE);
        assertThat(egaNode.smallPassed).as("its ACKs kept arriving").isPositive();

        network.runUntil(() -> joan.log.contains("<-- ega TIMED_OUT") && ega.disconnected != null, SECOND);
        assertThat(joan.log).contains("<-- ega TIMED_OUT").noneMatch(line -> line.contains("KICKED"));
        assertThat(ega.disconnected).as("told with a CLOSE").isEqualTo(CloseReason.TIMED_OUT);
        assertThat(serverSink.messages).isEmpty();
        assertThat(joan.messages).isEmpty();
        assertThat(server.memberNames()).containsExactly("joan");
    }

    @Test
    void aClientWhoseEventStaysIncompleteEndsAsTimedOutAfterTwiceTheIdleTimeout() {
        RecordingClientSink joan = sinks.get(0);
        RecordingClientSink ega = sinks.get(1);
        Watched egaNode = clientNodes.get(1);
        serverNode.stallTowards(EGA);
        long sent = network.now();
        String large = "y".repeat(3000);
        network.act(() -> clients.get(0).send(large));
        network.runFor(SECOND);

        long firstFragment = egaNode.firstLargeFrom(SERVER, sent);
        assertThat(clients.get(1).session().fragmentBytes()).as("the event is held, incomplete").isPositive();
        assertThat(serverNode.lost).as("the rest of it is lost").isPositive();
        assertThat(joan.messages).extracting(RecordingClientSink.Delivered::text).as("the room went on")
                .containsExactly(large);

        network.runUntil(() -> ega.disconnected != null, 3 * IDLE);

        assertThat(ega.disconnected).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(network.now()).as("twice the idle timeout after the event last progressed")
                .isEqualTo(firstFragment + 2 * IDLE);
        assertThat(network.now() - egaNode.lastHeardFrom(SERVER, network.now()))
                .as("the server was alive: this is not the idle timeout").isLessThan(IDLE);
        assertThat(serverNode.smallPassed).as("its ACKs kept arriving").isPositive();
        assertThat(clients.get(1).isFinished()).isTrue();
        assertThat(ega.messages).isEmpty();
    }
}
