package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.CloseReason;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client whose application cannot keep up (its sink has no room) is a slow member, in the
 * simulator: its engine holds the room's events back, at most
 * {@link ProtocolLimits#MAX_HELD_BACK_EVENTS}, and does not report them delivered, so the server
 * sends no further; when the application has room again it catches up, in order, and if it never
 * does the server removes it as {@code TOO_SLOW} once the room log has moved past it, and tells it.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(60)
class SlowApplicationTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static SimulatedRoom room(long seed, int logCapacity) {
        SimulatedRoom room = SimulatedRoom.builder(seed)
                .configure(config -> config.withLogCapacity(logCapacity).withRateLimit(100_000, 100_000)).build();
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        assertThat(room.runUntil(() -> room.sink("joan").log.contains("--> ega"), SECOND)).isTrue();
        return room;
    }

    /** Ega sends {@code count} messages at once and the room runs until she has them all confirmed. */
    private static int egaSendsAndRun(SimulatedRoom room, int count, ClientEngine watched) {
        room.act(() -> IntStream.range(0, count).forEach(i -> room.client("ega").send("m" + i)));
        int[] mostHeld = {0};
        boolean confirmed = room.runUntil(() -> {
            mostHeld[0] = Math.max(mostHeld[0], watched.session().heldBackCount());
            return room.sink("ega").accepted.size() == count || room.sink("joan").disconnected != null;
        }, 60 * SECOND);
        assertThat(confirmed).as("ega's messages confirmed, or joan removed").isTrue();
        return mostHeld[0];
    }

    @Test
    void eventsWaitInTheEngineUntilTheApplicationHasRoomThenArriveInOrder() {
        SimulatedRoom room = room(41, ServerConfig.DEFAULT_LOG_CAPACITY);
        RecordingClientSink joan = room.sink("joan");
        ClientEngine joanEngine = room.client("joan");
        long delivered = joanEngine.session().deliveredSequence();
        int seenBefore = joan.sequences.size();
        joan.room = false;

        int mostHeld = egaSendsAndRun(room, 3_000, joanEngine);
        room.runFor(SECOND); // whatever the server will still send joan arrives

        assertThat(joan.messages).as("nothing reaches an application without room").isEmpty();
        assertThat(joanEngine.session().deliveredSequence()).isEqualTo(delivered);
        assertThat(mostHeld).isLessThanOrEqualTo(ProtocolLimits.MAX_HELD_BACK_EVENTS);
        assertThat(joanEngine.session().heldBackCount()).as("the server sent up to its event window, no further")
                .isEqualTo(ProtocolLimits.MAX_HELD_BACK_EVENTS);
        assertThat(room.server().members()).filteredOn(member -> member.username.equals("joan"))
                .singleElement().satisfies(member -> assertThat(member.events.delivered())
                        .as("the server was not told of deliveries that did not happen").isEqualTo(delivered));

        joan.room = true;
        room.act(() -> joanEngine.resumeDelivery(room.now()));
        assertThat(room.runUntil(() -> joan.messages.size() == 3_000, 60 * SECOND)).isTrue();

        assertThat(joan.messages).extracting(RecordingClientSink.Delivered::text)
                .isEqualTo(IntStream.range(0, 3_000).mapToObj(i -> "m" + i).toList());
        assertThat(joan.sequences.subList(seenBefore, joan.sequences.size())).isEqualTo(LongStream.rangeClosed(delivered + 1, delivered + 3_000).boxed().toList());
        assertThat(joan.disconnected).isNull();
        assertThat(room.serverSink().left).isEmpty();
    }

    @Test
    void anApplicationThatNeverCatchesUpIsRemovedAsTooSlowAndTold() {
        SimulatedRoom room = room(42, 2_048);
        RecordingClientSink joan = room.sink("joan");
        ClientEngine joanEngine = room.client("joan");
        joan.room = false;

        int mostHeld = egaSendsAndRun(room, 2_100, joanEngine);
        assertThat(room.runUntil(() -> joan.disconnected != null, 10 * SECOND)).isTrue();

        assertThat(joan.disconnected).isEqualTo(CloseReason.TOO_SLOW);
        assertThat(room.serverSink().left).extracting(RecordingServerSink.Left::username, RecordingServerSink.Left::reason)
                .containsExactly(Tuple.tuple("joan", CloseReason.TOO_SLOW));
        assertThat(joan.messages).isEmpty();
        assertThat(mostHeld).isLessThanOrEqualTo(ProtocolLimits.MAX_HELD_BACK_EVENTS);
        assertThat(room.runUntil(() -> room.sink("ega").accepted.size() == 2_100, 60 * SECOND))
                .as("the room went on without joan").isTrue();
    }

    @Test
    void theClientsOwnMessageIsConfirmedBeforeItsApplicationHasRoomForIt() {
        SimulatedRoom room = room(43, ServerConfig.DEFAULT_LOG_CAPACITY);
        RecordingClientSink joan = room.sink("joan");
        joan.room = false;
        egaSendsAndRun(room, 100, room.client("joan"));

        long id = room.send("joan", "mine");
        assertThat(room.runUntil(() -> !joan.accepted.isEmpty(), 10 * SECOND)).isTrue();

        assertThat(joan.accepted).containsExactly(id);
        assertThat(joan.messages).as("the application has had none of it yet").isEmpty();
        joan.room = true;
        room.act(() -> room.client("joan").resumeDelivery(room.now()));
        assertThat(room.runUntil(() -> joan.messages.size() == 101, 10 * SECOND)).isTrue();
        assertThat(joan.messages).extracting(RecordingClientSink.Delivered::text).last().isEqualTo("mine");
        assertThat(List.copyOf(joan.accepted)).containsExactly(id);
    }

    /** With a resume window, an application that never catches up is told TOO_SLOW and its name is not held for it. */
    @Test
    void anApplicationToldTooSlowDoesNotKeepItsNameHeld() {
        SimulatedRoom room = SimulatedRoom.builder(43).configure(config -> config.withLogCapacity(2_048)
                .withRateLimit(100_000, 100_000).withResumeWindow(60 * SECOND)).build();
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        assertThat(room.runUntil(() -> room.sink("joan").log.contains("--> ega"), SECOND)).isTrue();
        RecordingClientSink joan = room.sink("joan");
        joan.room = false;

        egaSendsAndRun(room, 2_100, room.client("joan"));
        assertThat(room.runUntil(() -> joan.disconnected != null, 10 * SECOND)).isTrue();

        assertThat(joan.disconnected).isEqualTo(CloseReason.TOO_SLOW);
        assertThat(room.server().heldSessions().size()).as("told to end: nothing held for it").isZero();
        assertThat(room.join("joan")).as("its name is free at once").isTrue();
    }
}
