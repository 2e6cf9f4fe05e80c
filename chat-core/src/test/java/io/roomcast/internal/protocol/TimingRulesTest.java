package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rules with a time in them, proven exactly in virtual time: the rate limit, the idle timeout
 * at both ends, the connect timeout, and the penalty for guessing passwords. The loopback tests
 * ({@code SecurityTest}, {@code LossyLinkTest}, {@code ChatRoomTest}) only show that the public
 * API wires these to the engines, since a loaded machine's clock can prove no number; the numbers
 * are proven here. Each test runs one fixed seed, which its failure messages name.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(60)
class TimingRulesTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MILLISECOND = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * How late a timer may fire and still be on time: the real event loop sleeps in whole
     * milliseconds. The simulator fires a timer at its deadline to the nanosecond.
     */
    private static final long TIMER_GRANULARITY = MILLISECOND;
    /** How long a datagram takes on the simulator's perfect network. */
    private static final long ONE_WAY = SimulatedNetwork.Conditions.perfect().minDelayNanos();

    @Test
    void atFiveTimesTheRateAMemberGetsItsBurstPlusTheRateAndTheRestIsRefusedAsRateLimited() {
        SimulatedRoom room = SimulatedRoom.builder(41).configure(config -> config.withRateLimit(20, 40)).build();
        String seed = "seed " + room.network().seed();
        assertThat(room.join("joan")).as(seed).isTrue();
        assertThat(room.join("flood")).as(seed).isTrue();
        room.runFor(SECOND); // flood's bucket has filled to its burst
        RecordingClientSink flood = room.sink("flood");

        // one message every 10 ms for 2.99 s: 100 a second, five times the rate
        long lastSent = 0;
        for (int i = 0; i < 300; i++) {
            room.send("flood", "spam " + i);
            lastSent = room.now();
            room.runFor(10 * MILLISECOND);
        }
        room.runUntil(() -> flood.accepted.size() + flood.refused.size() == 300, 10 * SECOND);

        // each arrived 100 µs after it was sent, the last 2.99 s after the first: a full bucket of 40,
        // and 20 a second for 2.99 s, is 99.8 messages
        assertThat(flood.accepted).as("%s: accepted", seed).hasSize(99);
        assertThat(flood.refused).as("%s: refused", seed).hasSize(201);
        assertThat(flood.refusedWith).as(seed).containsOnly(ErrorCode.RATE_LIMITED);
        // the first 49 in a row (40, and the 9.8 that came in while they arrived), then the first refusal
        assertThat(flood.accepted.subList(0, 49)).as(seed).isEqualTo(LongStream.rangeClosed(1, 49).boxed().toList());
        assertThat(flood.refused.get(0)).as(seed).isEqualTo(50L);
        assertThat(room.server().stats().rateLimited).as(seed).isEqualTo(201);
        assertThat(room.serverSink().messages).as(seed).hasSize(99);

        // the 0.8 left over, and exactly one second of refill: 20 of a burst of 30
        room.runFor(lastSent + SECOND - room.now());
        room.act(() -> {
            for (int i = 0; i < 30; i++) {
                room.client("flood").send("after a second " + i);
            }
        });
        room.runUntil(() -> flood.accepted.size() + flood.refused.size() == 330, 10 * SECOND);

        assertThat(flood.accepted).as("%s: accepted after one second", seed).hasSize(99 + 20);
        assertThat(flood.refused).as("%s: refused after one second", seed).hasSize(201 + 10);
        assertThat(flood.refusedWith).as(seed).containsOnly(ErrorCode.RATE_LIMITED);
        assertThat(room.serverSink().left).as(seed).isEmpty();
    }

    @Test
    void aMemberSilentForTheIdleTimeoutIsRemovedThenAndNotBefore() {
        long idle = SECOND;
        SimulatedRoom room = SimulatedRoom.builder(42).idleTimeoutNanos(idle).build();
        String seed = "seed " + room.network().seed();
        assertThat(room.join("joan")).as(seed).isTrue();
        assertThat(room.join("ega")).as(seed).isTrue();
        room.runFor(2 * SECOND); // keepalives, three per idle timeout, keep both in the room
        assertThat(room.server().memberNames()).as(seed).containsExactly("joan", "ega");
        InetSocketAddress ega = room.address("ega");

        room.network().cutOff(ega);
        room.runFor(MILLISECOND); // what ega sent before has arrived: the server hears nothing more from it
        long lastHeard = room.network().lastDeliveryFrom(ega);
        room.runFor(lastHeard + idle - 1 - room.now());

        assertThat(room.server().memberNames()).as("%s: one nanosecond before the idle timeout", seed)
                .containsExactly("joan", "ega");
        assertThat(room.serverSink().left).as(seed).isEmpty();

        room.runUntil(() -> !room.serverSink().left.isEmpty(), idle);

        assertThat(room.serverSink().left).as(seed).singleElement().satisfies(left -> {
            assertThat(left.username()).isEqualTo("ega");
            assertThat(left.reason()).isEqualTo(CloseReason.TIMED_OUT);
            assertThat(left.atNanos() - lastHeard).as("%s: silent for", seed)
                    .isBetween(idle, idle + TIMER_GRANULARITY);
        });
        assertThat(room.server().memberNames()).as(seed).containsExactly("joan");
        assertThat(room.runUntil(() -> room.sink("joan").log.contains("<-- ega TIMED_OUT"), SECOND))
                .as("%s: joan hears that ega timed out", seed).isTrue();
    }

    @Test
    void aClientWhoseServerFallsSilentForTheIdleTimeoutGivesUpThenAndNotBefore() {
        long idle = SECOND;
        SimulatedRoom room = SimulatedRoom.builder(43).idleTimeoutNanos(idle).build();
        String seed = "seed " + room.network().seed();
        assertThat(room.join("joan")).as(seed).isTrue();
        room.runFor(2 * SECOND);
        RecordingClientSink joan = room.sink("joan");

        room.network().cutOff(SimulatedRoom.SERVER);
        room.runFor(MILLISECOND); // what the server sent before has arrived
        long lastHeard = room.network().lastDeliveryFrom(SimulatedRoom.SERVER);
        room.runFor(lastHeard + idle - 1 - room.now());

        assertThat(joan.disconnected).as("%s: one nanosecond before the idle timeout", seed).isNull();
        assertThat(room.client("joan").isJoined()).as(seed).isTrue();

        room.runUntil(() -> joan.disconnected != null, idle);

        assertThat(joan.disconnected).as(seed).isEqualTo(CloseReason.TIMED_OUT);
        assertThat(room.now() - lastHeard).as("%s: silent for", seed).isBetween(idle, idle + TIMER_GRANULARITY);
        assertThat(room.client("joan").isFinished()).as(seed).isTrue();
    }

    @Test
    void aConnectThatGetsNoAnswerFailsAtTheConnectTimeoutAndNotBefore() {
        long timeout = 600 * MILLISECOND;
        SimulatedRoom room = SimulatedRoom.builder(44).connectTimeoutNanos(timeout).build();
        String seed = "seed " + room.network().seed();
        room.network().cutOff(SimulatedRoom.SERVER); // the HELLOs reach no one
        long start = room.now();
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        RecordingClientSink joan = room.sink("joan");

        room.runFor(timeout - 1);

        assertThat(joan.connectFailure).as("%s: one nanosecond before the connect timeout", seed).isNull();
        assertThat(room.network().datagramsSent(room.address("joan"), SimulatedRoom.SERVER))
                .as("%s: HELLO and its retransmissions", seed).isGreaterThan(1);

        room.runUntil(() -> joan.connectFailure != null, SECOND);

        assertThat(joan.connectFailure).as(seed).isEqualTo(ClientEventSink.ConnectFailure.TIMED_OUT);
        assertThat(room.now() - start).as("%s: failed after", seed).isBetween(timeout, timeout + TIMER_GRANULARITY);
        assertThat(joan.log).as(seed).anySatisfy(line -> assertThat(line).contains("within 600 ms"));
        assertThat(joan.joined()).isFalse();
    }

    @Test
    void fiveWrongPasswordsShutTheirAddressOutForTheWindowAndNoOtherAddress() {
        SimulatedRoom room = SimulatedRoom.builder(45).build();
        String seed = "seed " + room.network().seed();
        List<ClientEventSink.ConnectFailure> outcomes = new ArrayList<>();
        long fifthFailure = 0;
        for (int i = 0; i < 30; i++) {
            String guesser = "mallory" + i;
            room.add(room.clientConfig(guesser, "guess " + i), new InetSocketAddress("127.0.0.9", 20_000 + i));
            RecordingClientSink sink = room.sink(guesser);
            room.runUntil(() -> sink.connectFailure != null || sink.joined(), 10 * SECOND);
            outcomes.add(sink.connectFailure);
            if (i == 4) {
                fifthFailure = room.now() - ONE_WAY; // the server refused the proof one network delay ago
            }
        }

        assertThat(outcomes.subList(0, 5)).as("%s: the first five", seed)
                .containsOnly(ClientEventSink.ConnectFailure.BAD_PASSWORD);
        assertThat(outcomes.subList(5, 30)).as("%s: the other 25, within the penalty", seed)
                .containsOnly(ClientEventSink.ConnectFailure.REFUSED);
        assertThat(room.sink("mallory5").log).as(seed)
                .anySatisfy(line -> assertThat(line).contains("too many wrong passwords"));
        assertThat(room.server().stats().badPasswords).as("%s: proofs checked", seed).isEqualTo(5);
        assertThat(room.server().stats().throttled).as(seed).isEqualTo(25);
        assertThat(room.join("joan")).as("%s: another address joins meanwhile", seed).isTrue();

        // a first offence is refused for the window, from the fifth failure on: even the right password
        long penaltyEnds = fifthFailure + ServerConfig.FAILED_PROOF_WINDOW_NANOS;
        room.runFor(penaltyEnds - TIMER_GRANULARITY - ONE_WAY - room.now()); // its HELLO arrives 1 ms early
        room.add(room.clientConfig("mallory", SimulatedRoom.DEFAULT_PASSWORD), new InetSocketAddress("127.0.0.9", 20_100));
        RecordingClientSink early = room.sink("mallory");
        room.runUntil(() -> early.connectFailure != null || early.joined(), 10 * SECOND);

        assertThat(early.connectFailure).as("%s: 1 ms before the penalty ends", seed)
                .isEqualTo(ClientEventSink.ConnectFailure.REFUSED);

        room.runFor(penaltyEnds + TIMER_GRANULARITY - ONE_WAY - room.now()); // this HELLO arrives 1 ms after it
        room.add(room.clientConfig("mallory.again", SimulatedRoom.DEFAULT_PASSWORD),
                new InetSocketAddress("127.0.0.9", 20_101));
        RecordingClientSink late = room.sink("mallory.again");
        room.runUntil(() -> late.connectFailure != null || late.joined(), 10 * SECOND);

        assertThat(late.joined()).as("%s: 1 ms after the penalty ends (%s)", seed, late.log).isTrue();
        assertThat(room.server().memberNames()).as(seed).containsExactly("joan", "mallory.again");
    }
}
