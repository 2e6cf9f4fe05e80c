package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.AckFrame;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reliability rules of {@link Connection}, tested once, for both ends, in the simulator: two
 * {@link ItemEndpoint}s send each other numbered items over a {@link SimulatedNetwork}. A
 * failing seed is named; {@code -Droomcast.seed=N} replays exactly that run.
 */
@Timeout(30)
class ConnectionTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = 30 * SECOND;
    /** One-way delay on the perfect network. */
    private static final long DELAY = SimulatedNetwork.Conditions.perfect().minDelayNanos();
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.2", 7002);
    /** Too large to share a packet with another of its size, small enough never to be sliced. */
    private static final int HALF_PACKET = 800;

    private SimulatedNetwork network;
    private ItemEndpoint a;
    private ItemEndpoint b;

    private void connect(long seed, long idleTimeoutNanos) {
        network = new SimulatedNetwork(seed);
        ItemEndpoint[] ends = ItemEndpoint.connect(network, A, B, idleTimeoutNanos);
        a = ends[0];
        b = ends[1];
    }

    // ---------------------------------------------------------------- delivery over a bad link

    static LongStream seeds() {
        Long only = Long.getLong("roomcast.seed");
        return only != null ? LongStream.of(only) : LongStream.rangeClosed(1, 6);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyItemArrivesOnceAndWholeOverALossyDuplicatingReorderingLink(long seed) {
        String replay = "seed " + seed + " (replay: -Dtest=ConnectionTest -Droomcast.seed=" + seed + ")";
        connect(seed, IDLE);
        network.conditions(SimulatedNetwork.Conditions.lossy(0.25, 0.05, 15));
        List<byte[]> tapAtoB = new ArrayList<>();
        List<byte[]> tapBtoA = new ArrayList<>();
        network.tap(A, B, tapAtoB);
        network.tap(B, A, tapBtoA);
        Random script = new Random(seed);
        TreeMap<Long, Integer> fromA = new TreeMap<>();
        TreeMap<Long, Integer> fromB = new TreeMap<>();
        for (long item = 1; item <= 40; item++) {
            fromA.put(item, size(script));
            fromB.put(1000 + item, size(script));
        }
        // some items at once, the rest dribbling in over two seconds, both ways
        for (long item : fromA.keySet()) {
            long at = item <= 15 ? 0 : script.nextInt(2000) * MS;
            network.later(at, () -> a.send(item, fromA.get(item)));
            network.later(at, () -> b.send(1000 + item, fromB.get(1000 + item)));
        }

        boolean done = network.runUntil(() -> b.items.size() == fromA.size() && a.items.size() == fromB.size()
                && a.connection.packetsInFlight() == 0 && b.connection.packetsInFlight() == 0
                && !a.hasItemsToWrite() && !b.hasItemsToWrite(), 120 * SECOND);

        assertThat(done).as("%s: everything delivered and acknowledged", replay).isTrue();
        assertDeliveredOnceAndWhole(replay, b, fromA);
        assertDeliveredOnceAndWhole(replay, a, fromB);
        for (ItemEndpoint end : List.of(a, b)) {
            List<Long> fresh = end.arrivals.stream().filter(x -> x.arrival() == Connection.Arrival.FRESH)
                    .map(ItemEndpoint.Arrived::packetNumber).toList();
            assertThat(new HashSet<>(fresh)).as("%s: no packet is handled twice", replay).hasSize(fresh.size());
            assertThat(end.arrivals).as("%s: the link duplicated, and duplicates were caught", replay)
                    .anyMatch(x -> x.arrival() == Connection.Arrival.DUPLICATE);
            assertThat(isSorted(fresh)).as("%s: the link reordered", replay).isFalse();
        }
        for (List<byte[]> tap : List.of(tapAtoB, tapBtoA)) {
            List<Long> numbers = tap.stream().map(ConnectionTest::packetNumber).toList();
            assertThat(numbers).as("%s: packet numbers rise by one and never repeat", replay)
                    .isEqualTo(LongStream.rangeClosed(1, numbers.size()).boxed().toList());
            assertThat(tap).as("%s: datagram sizes", replay)
                    .allSatisfy(d -> assertThat(d.length).isLessThanOrEqualTo(WireFormat.MAX_DATAGRAM_BYTES))
                    .anySatisfy(d -> assertThat(d.length).isGreaterThan(WireFormat.MAX_DATAGRAM_BYTES - 100));
        }
        assertThat(network.dropped()).as(replay).isPositive();
    }

    /** A mix: small items that share packets, items up to a packet, and items sliced over several. */
    private static int size(Random script) {
        return switch (script.nextInt(3)) {
            case 0 -> 1 + script.nextInt(200);
            case 1 -> 200 + script.nextInt(WireFormat.MAX_EVENT_IN_ONE_PACKET_BYTES - 200);
            default -> WireFormat.MAX_EVENT_IN_ONE_PACKET_BYTES + script.nextInt(5000);
        };
    }

    private static void assertDeliveredOnceAndWhole(String replay, ItemEndpoint receiver,
                                                    TreeMap<Long, Integer> expected) {
        assertThat(receiver.corrupt).as("%s: corrupt slices", replay).isEmpty();
        assertThat(receiver.completed).as("%s: each item completes once", replay)
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (var item : expected.entrySet()) {
            assertThat(receiver.items.get(item.getKey())).as("%s: item %d", replay, item.getKey())
                    .isEqualTo(ItemEndpoint.itemBytes(item.getKey(), 0, item.getValue()));
        }
    }

    private static boolean isSorted(List<Long> numbers) {
        for (int i = 1; i < numbers.size(); i++) {
            if (numbers.get(i) < numbers.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    private static long packetNumber(byte[] datagram) {
        return ByteBuffer.wrap(datagram).getLong(1 + 8);
    }

    // ---------------------------------------------------------------- ACK scheduling

    @Test
    void aLoneAckElicitingPacketIsAcknowledgedWithinTheMaxAckDelay() {
        connect(1, IDLE);
        network.act(() -> a.send(1, 100));
        network.runFor(100 * MS);

        ItemEndpoint.Arrived arrival = b.arrivals.get(0);
        assertThat(b.sent).hasSize(1);
        ItemEndpoint.Sent ack = b.sent.get(0);
        assertThat(b.acknowledgedBy(ack)).containsExactly(arrival.packetNumber());
        assertThat(ack.atNanos() - arrival.atNanos()).as("held back, hoping to ride on data, but not longer")
                .isPositive().isLessThanOrEqualTo(ReceivedPackets.MAX_ACK_DELAY_NANOS);
        assertThat(a.connection.packetsInFlight()).isZero();
    }

    @Test
    void anOwedAckRidesAtOnceWithTheOwnersData() {
        connect(1, IDLE);
        network.act(() -> a.send(1, 100));
        network.runUntil(() -> !b.arrivals.isEmpty(), SECOND);
        network.act(() -> b.send(2, 100));

        assertThat(b.sent).hasSize(1);
        assertThat(b.sent.get(0).atNanos()).isEqualTo(b.arrivals.get(0).atNanos());
        assertThat(b.acknowledgedBy(b.sent.get(0))).containsExactly(b.arrivals.get(0).packetNumber());
        assertThat(b.sendsOf(b.sent.get(0))).extracting(Frame.Send::messageId).containsExactly(2L);
    }

    @Test
    void twoAckElicitingPacketsAreAcknowledgedAtOnce() {
        connect(1, IDLE);
        network.act(() -> {
            a.send(1, HALF_PACKET);
            a.send(2, HALF_PACKET);
        });
        network.runFor(100 * MS);

        assertThat(a.sent).extracting(ItemEndpoint.Sent::packetNumber).containsExactly(1L, 2L);
        assertThat(b.arrivals).extracting(ItemEndpoint.Arrived::packetNumber).containsExactly(1L, 2L);
        assertThat(b.sent).hasSize(1);
        assertThat(b.sent.get(0).atNanos()).as("no delay").isEqualTo(b.arrivals.get(1).atNanos());
        assertThat(b.acknowledgedBy(b.sent.get(0))).containsExactly(1L, 2L);
    }

    @Test
    void aPacketAfterAGapIsAcknowledgedAtOnce() {
        connect(1, IDLE);
        network.act(() -> a.send(1, 100));
        network.runFor(100 * MS); // packet 1 acknowledged: nothing is owed any more
        a.loseOutgoing(pn -> pn == 2);
        network.act(() -> {
            a.send(2, HALF_PACKET);
            a.send(3, HALF_PACKET);
        });
        network.runFor(3 * MS);

        assertThat(a.sent).extracting(ItemEndpoint.Sent::packetNumber).containsExactly(1L, 2L, 3L);
        ItemEndpoint.Arrived third = b.arrivals.get(1);
        assertThat(third.packetNumber()).isEqualTo(3);
        List<ItemEndpoint.Sent> acks = b.sentSince(third.atNanos());
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).atNanos()).as("no delay").isEqualTo(third.atNanos());
        assertThat(b.acknowledgedBy(acks.get(0))).containsExactly(1L, 3L);
    }

    @Test
    void theFirstPacketToArriveAfterAGapIsAcknowledgedAtOnce() {
        connect(1, IDLE);
        a.loseOutgoing(pn -> pn == 1);
        network.act(() -> {
            a.send(1, HALF_PACKET);
            a.send(2, HALF_PACKET);
        });
        network.runFor(3 * MS);

        assertThat(b.arrivals).extracting(ItemEndpoint.Arrived::packetNumber).startsWith(2L);
        assertThat(b.sent).as("an ACK at once for packet 2, which arrived before packet 1").isNotEmpty();
        assertThat(b.sent.get(0).atNanos()).isEqualTo(b.arrivals.get(0).atNanos());
        assertThat(b.acknowledgedBy(b.sent.get(0))).containsExactly(2L);
    }

    @Test
    void aDuplicateIsDroppedAndPromptsAnAckAtOnce() {
        connect(1, IDLE);
        network.act(() -> a.send(1, 100));
        network.runFor(100 * MS);
        assertThat(b.sent).hasSize(1); // packet 1 was acknowledged once already
        byte[] copy = a.sent.get(0).bytes();

        long at = network.now();
        network.act(() -> b.handleDatagram(at, ByteBuffer.wrap(copy), A));

        assertThat(b.arrivals).extracting(ItemEndpoint.Arrived::arrival)
                .containsExactly(Connection.Arrival.FRESH, Connection.Arrival.DUPLICATE);
        assertThat(b.slices).as("its frames are not handed over again").hasSize(1);
        assertThat(b.sent).hasSize(2);
        assertThat(b.sent.get(1).atNanos()).isEqualTo(at);
        assertThat(b.acknowledgedBy(b.sent.get(1))).containsExactly(1L);
    }

    @Test
    void aPacketThatDoesNotOpenChangesNothing() {
        connect(1, IDLE);
        long created = network.now();
        a.loseOutgoing(pn -> pn == 1); // the genuine packet is kept back, to be delivered at the end
        network.act(() -> a.send(1, 100));
        byte[] genuine = a.sent.get(0).bytes();
        network.runFor(10 * MS);
        long deadline = b.nextDeadlineNanos();

        // every byte the seal covers: the connection id and packet number (associated data), the ciphertext, the tag
        List<Integer> positions = new ArrayList<>();
        for (int i = 1; i < genuine.length; i++) {
            if (i < 1 + 8 + 8 || i >= ShortHeader.BYTES) {
                positions.add(i);
            }
        }
        for (int position : positions) {
            byte[] damaged = genuine.clone();
            damaged[position] ^= 0x01;
            network.act(() -> b.handleDatagram(network.now(), ByteBuffer.wrap(damaged), A));
        }

        assertThat(b.arrivals).hasSize(positions.size())
                .allMatch(x -> x.arrival() == Connection.Arrival.UNAUTHENTICATED);
        assertThat(b.slices).isEmpty();
        assertThat(b.otherFrames).isEmpty();
        assertThat(b.sent).as("no ACK owed").isEmpty();
        assertThat(b.nextDeadlineNanos()).isEqualTo(deadline);
        assertThat(b.connection.idleExpired(created + IDLE)).as("no sign of life from the peer").isTrue();

        network.act(() -> b.handleDatagram(network.now(), ByteBuffer.wrap(genuine), A));
        assertThat(b.arrivals.get(b.arrivals.size() - 1).arrival()).as("its packet number was not taken")
                .isEqualTo(Connection.Arrival.FRESH);
        assertThat(b.completed).containsExactly(1L);
    }

    @Test
    void aPacketWhoseFramesAreRefusedIsNotAcknowledgedAndItsContentComesAgain() {
        connect(1, IDLE);
        int[] offered = {0};
        b.refuse(send -> offered[0]++ == 0); // no room the first time only
        network.act(() -> a.send(1, 100));
        network.runFor(2 * SECOND);

        assertThat(b.refused).hasSize(1);
        assertThat(b.arrivals.get(0)).extracting(ItemEndpoint.Arrived::packetNumber, ItemEndpoint.Arrived::arrival)
                .containsExactly(1L, Connection.Arrival.FRESH);
        assertThat(b.sent).isNotEmpty().allSatisfy(ack -> assertThat(b.acknowledgedBy(ack)).doesNotContain(1L));
        List<ItemEndpoint.Sent> carryingItem = a.sent.stream()
                .filter(s -> a.sendsOf(s).stream().anyMatch(send -> send.messageId() == 1)).toList();
        assertThat(carryingItem).hasSizeGreaterThanOrEqualTo(2);
        long again = carryingItem.get(1).packetNumber();
        assertThat(b.sent).anySatisfy(ack -> assertThat(b.acknowledgedBy(ack)).contains(again));
        assertThat(b.completed).containsExactly(1L);
        assertThat(b.items.get(1L)).isEqualTo(ItemEndpoint.itemBytes(1, 0, 100));
        assertThat(a.connection.packetsInFlight()).isZero();
    }

    // ---------------------------------------------------------------- loss recovery

    @Test
    void probesBackOffExponentiallyDuringAPartitionAndEverythingArrivesAfterHealing() {
        connect(1, 60 * SECOND);
        network.act(() -> a.send(1, 100));
        network.runFor(100 * MS); // an RTT sample, then quiet
        long probeTimeout = a.connection.rtt().probeTimeout(ReceivedPackets.MAX_ACK_DELAY_NANOS);
        network.partition(A, B);
        network.partition(B, A);

        long start = network.now();
        network.act(() -> {
            a.send(2, HALF_PACKET);
            a.send(3, HALF_PACKET);
            a.send(4, 3000);
        });
        List<ItemEndpoint.Sent> first = a.sentSince(start);
        assertThat(first).hasSizeGreaterThanOrEqualTo(3);
        List<Frame.Send> oldest = a.sendsOf(first.get(0));
        assertThat(oldest).extracting(Frame.Send::messageId).containsExactly(2L);
        network.runFor(14 * SECOND);

        List<ItemEndpoint.Sent> probes = a.sentSince(start + 1);
        assertThat(probes).extracting(ItemEndpoint.Sent::atNanos).isEqualTo(a.probes);
        assertThat(probes).as("each probe carries the oldest packet's content")
                .allSatisfy(probe -> assertThat(a.sendsOf(probe)).isEqualTo(oldest));
        List<Long> gaps = new ArrayList<>();
        long previous = start;
        for (ItemEndpoint.Sent probe : probes) {
            gaps.add(probe.atNanos() - previous);
            previous = probe.atNanos();
        }
        List<Long> expected = new ArrayList<>();
        for (long gap = probeTimeout; expected.size() < gaps.size(); gap = Math.min(2 * gap,
                Timing.MAX_PROBE_TIMEOUT_NANOS)) {
            expected.add(gap);
        }
        assertThat(gaps).as("probe timeout %d ns, doubling up to the cap", probeTimeout).isEqualTo(expected);
        assertThat(gaps).as("the cap was reached").endsWith(Timing.MAX_PROBE_TIMEOUT_NANOS,
                Timing.MAX_PROBE_TIMEOUT_NANOS);
        assertThat(b.completed).containsExactly(1L);

        network.heal(A, B);
        network.heal(B, A);
        long healed = network.now();
        boolean done = network.runUntil(() -> b.items.size() == 4 && a.connection.packetsInFlight() == 0,
                10 * SECOND);

        assertThat(done).isTrue();
        assertThat(network.now() - healed).as("the next probe gets through")
                .isLessThanOrEqualTo(Timing.MAX_PROBE_TIMEOUT_NANOS + SECOND);
        assertThat(b.completed).containsExactly(1L, 2L, 3L, 4L);
        assertThat(b.items.get(4L)).isEqualTo(ItemEndpoint.itemBytes(4, 0, 3000));
        assertThat(b.corrupt).isEmpty();
    }

    // ---------------------------------------------------------------- keepalive and idle timeout

    @Test
    void anIdleConnectionPingsEveryThirdOfTheIdleTimeoutAndThePeerAcknowledges() {
        long idle = 3 * SECOND;
        connect(1, idle);
        long created = network.now();

        network.runFor(idle / 3 - 1);
        assertThat(a.sent).as("not before a third of the idle timeout").isEmpty();
        network.runFor(10 * MS);

        assertThat(a.sent).isNotEmpty();
        ItemEndpoint.Sent ping = a.sent.get(0);
        assertThat(ping.atNanos()).isEqualTo(created + idle / 3);
        assertThat(a.framesOf(ping)).containsExactly(Frame.Ping.INSTANCE);
        assertThat(b.sent).anySatisfy(ack -> {
            assertThat(b.acknowledgedBy(ack)).contains(ping.packetNumber());
            assertThat(ack.atNanos()).isLessThanOrEqualTo(ping.atNanos() + DELAY
                    + ReceivedPackets.MAX_ACK_DELAY_NANOS);
        });
        assertThat(a.connection.packetsInFlight()).isZero();

        network.runFor(5 * idle);
        List<Long> pings = a.sent.stream().filter(s -> a.framesOf(s).contains(Frame.Ping.INSTANCE))
                .map(ItemEndpoint.Sent::atNanos).toList();
        assertThat(pings).hasSizeGreaterThanOrEqualTo(15);
        for (int i = 0; i < pings.size(); i++) {
            assertThat(pings.get(i)).as("ping %d", i).isEqualTo(created + (i + 1) * (idle / 3));
        }
        assertThat(a.isFinished()).isFalse();
        assertThat(b.isFinished()).isFalse();
    }

    @Test
    void oneWaySilenceExpiresTheConnectionExactlyAtTheIdleTimeout() {
        long idle = 3 * SECOND;
        connect(1, idle);
        network.act(() -> b.send(1, 100));
        network.runFor(500 * MS);
        network.partition(B, A);

        network.runUntil(a::isFinished, 2 * idle);

        long lastHeard = a.arrivals.stream().filter(x -> x.arrival() == Connection.Arrival.FRESH)
                .mapToLong(ItemEndpoint.Arrived::atNanos).max().orElseThrow();
        assertThat(a.idleExpiredAtNanos).isEqualTo(lastHeard + idle);
        assertThat(a.connection.idleExpired(lastHeard + idle - 1)).as("not a nanosecond before").isFalse();
        assertThat(a.connection.idleExpired(lastHeard + idle)).isTrue();
        assertThat(a.sent).as("the silent end's peer kept sending until then")
                .anyMatch(s -> s.atNanos() > lastHeard + idle / 2);
        assertThat(b.isFinished()).as("the other end still hears its peer").isFalse();
    }

    // ---------------------------------------------------------------- closing

    @Test
    void closeIsResentEveryRetryIntervalUntilTheDeadline() {
        connect(1, IDLE);
        network.partition(A, B); // no CLOSE gets through, so none is acknowledged
        long start = network.now();
        network.act(() -> a.connection.startClosing(CloseReason.LEFT, start, Timing.CLOSE_TIMEOUT_NANOS));
        network.runFor(3 * SECOND);

        List<Long> times = a.sent.stream().map(ItemEndpoint.Sent::atNanos).toList();
        List<Long> expected = new ArrayList<>();
        for (long t = start; t < start + Timing.CLOSE_TIMEOUT_NANOS; t += Timing.CLOSE_RETRY_NANOS) {
            expected.add(t);
        }
        assertThat(times).isEqualTo(expected);
        assertThat(a.sent).allSatisfy(s -> assertThat(a.framesOf(s)).containsExactly(new Frame.Close(CloseReason.LEFT)));
        assertThat(a.finishedAtNanos).isEqualTo(start + Timing.CLOSE_TIMEOUT_NANOS);
        assertThat(a.connection.closeFinished(start + Timing.CLOSE_TIMEOUT_NANOS - 1)).isFalse();
    }

    @Test
    void aCloseTimeoutOfZeroSendsCloseExactlyOnce() {
        connect(1, IDLE);
        network.partition(A, B);
        long start = network.now();
        network.act(() -> a.connection.startClosing(CloseReason.TIMED_OUT, start, 0));
        network.runFor(3 * SECOND);

        assertThat(a.sent).hasSize(1);
        assertThat(a.sent.get(0).atNanos()).isEqualTo(start);
        assertThat(a.framesOf(a.sent.get(0))).containsExactly(new Frame.Close(CloseReason.TIMED_OUT));
        assertThat(a.finishedAtNanos).isEqualTo(start);
    }

    @Test
    void whileClosingNoContentIsWrittenButAcknowledgementsStillGo() {
        connect(1, IDLE);
        network.partition(A, B);
        network.act(() -> {
            a.send(1, HALF_PACKET);
            a.send(2, 3000);
        });
        network.runFor(500 * MS); // a probe or two: lost pieces wait to go again
        long start = network.now();
        network.act(() -> {
            a.connection.startClosing(CloseReason.LEFT, start, Timing.CLOSE_TIMEOUT_NANOS);
            a.send(3, 100);
            b.send(10, 100); // A owes an ACK for this
        });
        assertThat(a.hasItemsToWrite()).isTrue();
        network.runFor(3 * SECOND);

        assertThat(a.writes).as("the owner is never asked for content").allMatch(t -> t < start);
        List<ItemEndpoint.Sent> closing = a.sentSince(start);
        assertThat(closing).as("only ACK and CLOSE").allSatisfy(s -> assertThat(a.framesOf(s))
                .isNotEmpty().allMatch(f -> f instanceof Frame.Close || f instanceof AckFrame));
        List<Long> closeTimes = closing.stream().filter(s -> a.framesOf(s).contains(new Frame.Close(CloseReason.LEFT)))
                .map(ItemEndpoint.Sent::atNanos).toList();
        assertThat(closeTimes).isEqualTo(LongStream.range(0, Timing.CLOSE_TIMEOUT_NANOS / Timing.CLOSE_RETRY_NANOS)
                .mapToObj(k -> start + k * Timing.CLOSE_RETRY_NANOS).toList());
        long fromB = a.arrivals.get(0).packetNumber();
        assertThat(closing).as("B's packet is acknowledged within the ACK delay, not at the next CLOSE")
                .anySatisfy(s -> {
                    assertThat(s.atNanos()).isBetween(a.arrivals.get(0).atNanos(),
                            a.arrivals.get(0).atNanos() + ReceivedPackets.MAX_ACK_DELAY_NANOS);
                    assertThat(a.acknowledgedBy(s)).contains(fromB);
                });
        assertThat(a.completed).containsExactly(10L);
    }

    @Test
    void aCloseAcknowledgedWithAPacketOfItsOwnEndsTheClose() {
        connect(1, IDLE);
        network.act(() -> a.send(1, 100));
        network.runFor(100 * MS);
        int inFlight = b.connection.packetsInFlight();
        long start = network.now();
        network.act(() -> a.connection.startClosing(CloseReason.LEFT, start, Timing.CLOSE_TIMEOUT_NANOS));
        network.runFor(3 * SECOND);

        assertThat(a.sentSince(start)).hasSize(1);
        assertThat(b.otherFrames).containsExactly(new Frame.Close(CloseReason.LEFT));
        ItemEndpoint.Sent closeAck = b.sent.get(b.sent.size() - 1);
        assertThat(b.framesOf(closeAck)).containsExactly(Frame.CloseAck.INSTANCE);
        assertThat(b.sent).extracting(ItemEndpoint.Sent::packetNumber)
                .isEqualTo(LongStream.rangeClosed(1, b.sent.size()).boxed().toList());
        assertThat(b.connection.packetsInFlight()).as("outside loss recovery").isEqualTo(inFlight);
        ItemEndpoint.Arrived arrived = a.arrivals.get(a.arrivals.size() - 1);
        assertThat(arrived.packetNumber()).isEqualTo(closeAck.packetNumber());
        assertThat(arrived.arrival()).isEqualTo(Connection.Arrival.FRESH);
        assertThat(a.otherFrames).containsExactly(Frame.CloseAck.INSTANCE);
        assertThat(a.finishedAtNanos).isEqualTo(arrived.atNanos());
        assertThat(b.finishedAtNanos).isEqualTo(closeAck.atNanos());
    }
}
