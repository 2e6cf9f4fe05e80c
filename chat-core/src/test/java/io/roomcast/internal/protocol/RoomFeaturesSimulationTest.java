package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * History, private messages, moderation and announcements as protocol rules, in the deterministic
 * simulator: under loss, racing joins, and in exact virtual time. A failing seed is printed;
 * {@code -Droomcast.seed=N} replays exactly that run.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(120)
class RoomFeaturesSimulationTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MINUTE = 60 * SECOND;

    private static SimulatedRoom room(long seed, int historySize) {
        return SimulatedRoom.builder(seed)
                .configure(config -> config.withRateLimit(10_000, 10_000).withHistorySize(historySize)).build();
    }

    private static void lossy(SimulatedRoom room) {
        room.network().conditions(SimulatedNetwork.Conditions.lossy(0.2, 0.05, 20));
    }

    /** {@code count} messages, every seventh too large for one datagram. */
    private static List<String> texts(String prefix, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(prefix + i + (i % 7 == 3 ? " " + "x".repeat(3000) : ""));
        }
        return texts;
    }

    // ------------------------------------------------------------------ history

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void historyArrivesWholeInOrderOnceUnderTwentyPercentLoss(long seed) {
        SimulatedRoom room = room(seed, 50);
        assertThat(room.join("joan")).isTrue();
        List<String> said = texts("m", 80);
        said.forEach(text -> room.send("joan", text));
        assertThat(room.runUntil(() -> room.sink("joan").accepted.size() == 80, 30 * SECOND)).isTrue();
        lossy(room);

        assertThat(room.join("ega")).isTrue();
        RecordingClientSink ega = room.sink("ega");
        room.send("joan", "live");
        assertThat(room.runUntil(() -> ega.messages.size() == 1, 60 * SECOND)).as("%s", room).isTrue();

        assertThat(ega.historyCalls).isEqualTo(1);
        assertThat(ega.history).extracting(RecordingClientSink.Delivered::text).containsExactlyElementsOf(said.subList(30, 80));
        assertThat(ega.log.get(1)).as("history comes first after the join").startsWith("history ");
        assertThat(ega.messages).extracting(RecordingClientSink.Delivered::text).containsExactly("live");
        assertThat(ega.history.get(49).sequence()).isLessThan(ega.joinSequence);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void aJoinRacingABurstSplitsItBetweenHistoryAndLiveExactlyOnce(long seed) {
        SimulatedRoom room = room(seed, 1000);
        assertThat(room.join("joan")).isTrue();
        lossy(room);
        List<String> said = texts("b", 300);
        room.add("ega", SimulatedRoom.DEFAULT_PASSWORD); // starts joining now, while the burst goes out
        said.forEach(text -> room.send("joan", text));
        RecordingClientSink ega = room.sink("ega");
        assertThat(room.runUntil(() -> ega.history.size() + ega.messages.size() == 300, 120 * SECOND))
                .as("%s", room).isTrue();
        room.runFor(5 * SECOND);

        List<String> seen = new ArrayList<>();
        ega.history.forEach(m -> seen.add(m.text()));
        ega.messages.forEach(m -> seen.add(m.text()));
        assertThat(seen).containsExactlyElementsOf(said);
        assertThat(ega.history).allMatch(m -> m.sequence() < ega.joinSequence);
        assertThat(ega.messages).allMatch(m -> m.sequence() > ega.joinSequence);
        assertThat(ega.historyCalls).isEqualTo(1);
    }

    @Test
    void aPrivateMessageToANewcomerWaitsForItsHistory() {
        SimulatedRoom room = room(7, 1000);
        assertThat(room.join("joan")).isTrue();
        for (int i = 0; i < 300; i++) {
            room.send("joan", "m" + i + " " + "x".repeat(3000));
        }
        assertThat(room.runUntil(() -> room.sink("joan").accepted.size() == 300, 60 * SECOND)).isTrue();
        room.add("ega", SimulatedRoom.DEFAULT_PASSWORD);
        assertThat(room.runUntil(() -> room.server().memberNames().contains("ega"), 20 * SECOND)).isTrue();
        room.act(() -> room.client("joan").sendPrivate("ega", "welcome!")); // as a greeting bot would
        RecordingClientSink ega = room.sink("ega");

        assertThat(room.runUntil(() -> ega.historyCalls == 1 && ega.privates.size() == 1, 60 * SECOND)).isTrue();
        assertThat(ega.log.get(1)).as("history is the first callback after the join").isEqualTo("history 300");
        assertThat(ega.log.get(2)).isEqualTo("*joan* welcome!");
        assertThat(room.sink("joan").privateSent).hasSize(1);
    }

    @Test
    void aRoomWithoutHistoryStillCallsItOnceEmpty() {
        SimulatedRoom room = room(21, 0);
        assertThat(room.join("joan")).isTrue();
        room.send("joan", "not kept");
        room.runFor(SECOND);
        assertThat(room.join("ega")).isTrue();
        room.runFor(SECOND);

        assertThat(room.sink("ega").historyCalls).isEqualTo(1);
        assertThat(room.sink("ega").history).isEmpty();
    }

    // ------------------------------------------------------------------ private messages

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33})
    void privateMessagesReachOnlyTheRecipientInOrderOnceUnderLoss(long seed) {
        SimulatedRoom room = room(seed, 0);
        for (String name : List.of("joan", "ega", "budi")) {
            assertThat(room.join(name)).isTrue();
        }
        lossy(room);
        List<String> said = texts("p", 100);
        List<Long> ids = new ArrayList<>();
        room.act(() -> said.forEach(text -> ids.add(room.client("joan").sendPrivate("EGA", text))));
        RecordingClientSink joan = room.sink("joan");
        RecordingClientSink ega = room.sink("ega");
        assertThat(room.runUntil(() -> ega.privates.size() == 100 && joan.privateSent.size() == 100, 120 * SECOND))
                .as("%s", room).isTrue();
        room.runFor(5 * SECOND);

        assertThat(ega.privates).extracting(RecordingClientSink.Delivered::text).containsExactlyElementsOf(said);
        assertThat(ega.privates).extracting(RecordingClientSink.Delivered::sender).containsOnly("joan");
        assertThat(joan.privateSent).containsExactlyElementsOf(ids);
        assertThat(room.sink("budi").privates).isEmpty();
        assertThat(joan.privates).isEmpty();
        assertThat(room.serverSink().privates).hasSize(100).allMatch(p -> p.startsWith("joan -> ega: p"));
        assertThat(ega.messages).isEmpty(); // nothing of it went through the room
    }

    @Test
    void aPrivateMessageToNobodyIsRefusedAndOneToOneselfArrives() {
        SimulatedRoom room = room(41, 0);
        assertThat(room.join("joan")).isTrue();
        long[] ids = new long[2];
        room.act(() -> {
            ids[0] = room.client("joan").sendPrivate("nobody", "hello?");
            ids[1] = room.client("joan").sendPrivate("JOAN", "note to self");
        });
        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> joan.refused.size() == 1 && joan.privateSent.size() == 1, 5 * SECOND))
                .isTrue();

        assertThat(joan.refused).containsExactly(ids[0]);
        assertThat(joan.refusedWith).containsExactly(ErrorCode.NO_SUCH_MEMBER);
        assertThat(joan.privateSent).containsExactly(ids[1]);
        assertThat(joan.privates).extracting(RecordingClientSink.Delivered::text).containsExactly("note to self");
    }

    @Test
    void aPrivateMessageToOneselfLargerThanTheStreamsByteBoundIsStillConfirmed() {
        SimulatedRoom room = SimulatedRoom.builder(43).maxMessageBytes(400_000)
                .configure(config -> config.withRateLimit(10_000, 10_000)).build();
        assertThat(room.join("joan")).isTrue();
        long[] id = new long[1];
        room.act(() -> id[0] = room.client("joan").sendPrivate("joan", "x".repeat(300_000)));
        RecordingClientSink joan = room.sink("joan");

        assertThat(room.runUntil(() -> joan.privateSent.size() == 1 && joan.privates.size() == 1, 30 * SECOND))
                .as("%s", room).isTrue();
        assertThat(joan.privateSent).containsExactly(id[0]);
    }

    @Test
    void aRecipientThatDeliversNothingBoundsItsBacklogAndTheSenderIsToldToWait() {
        SimulatedRoom room = room(42, 0);
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        room.network().cutOff(room.address("ega")); // ega hears nothing and says nothing
        RecordingClientSink joan = room.sink("joan");
        int sent = 0;
        for (int round = 0; round < 20 && joan.refused.isEmpty(); round++) {
            room.act(() -> {
                for (int i = 0; i < 50; i++) {
                    room.client("joan").sendPrivate("ega", "x".repeat(1000));
                }
            });
            sent += 50;
            room.runFor(SECOND);
        }

        assertThat(joan.refusedWith).isNotEmpty().containsOnly(ErrorCode.RATE_LIMITED);
        RoomMember ega = room.server().members().stream().filter(m -> m.username.equals("ega")).findFirst()
                .orElseThrow();
        assertThat(ega.privateBytesHeld()).isLessThanOrEqualTo(RoomMember.MAX_PRIVATE_BYTES + 16 * 1024);
        assertThat(ega.privateCountHeld()).isLessThanOrEqualTo(RoomMember.MAX_PRIVATE_MESSAGES);
        assertThat(sent).isGreaterThan(RoomMember.MAX_PRIVATE_MESSAGES);
    }

    @Test
    void aRecipientThatStopsReadingItsPrivateMessagesIsRemovedAndFreesItsShare() {
        SimulatedRoom room = room(44, 0);
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        room.sink("ega").room = false; // ega's application takes nothing more, though its connection lives
        for (int round = 0; round < 10 && room.sink("joan").refused.isEmpty(); round++) {
            room.act(() -> {
                for (int i = 0; i < 100; i++) {
                    room.client("joan").sendPrivate("ega", "x".repeat(2000));
                }
            });
            room.runFor(SECOND);
        }
        assertThat(room.sink("joan").refusedWith).isNotEmpty().containsOnly(ErrorCode.RATE_LIMITED);
        long fullAt = room.now();

        assertThat(room.runUntil(() -> room.serverSink().left.stream().anyMatch(l -> l.username().equals("ega")),
                2 * SimulatedRoom.DEFAULT_IDLE_TIMEOUT_NANOS + 5 * SECOND)).as("%s", room).isTrue();
        RecordingServerSink.Left left = room.serverSink().left.get(0);
        assertThat(left.reason()).isEqualTo(CloseReason.TOO_SLOW);
        assertThat(left.atNanos() - fullAt).isLessThanOrEqualTo(2 * SimulatedRoom.DEFAULT_IDLE_TIMEOUT_NANOS + SECOND);
        assertThat(room.server().privateBytesHeld()).as("its share of the room's budget is free again").isZero();
    }

    // ------------------------------------------------------------------ moderation

    @ParameterizedTest
    @ValueSource(longs = {51, 52})
    void aKickedMemberLearnsItDespiteLossAndTheOthersSeeItInRoomOrder(long seed) {
        SimulatedRoom room = room(seed, 0);
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        lossy(room);
        room.send("ega", "before");
        room.runUntil(() -> room.serverSink().messages.size() == 1, 10 * SECOND);
        boolean[] kicked = new boolean[1];
        room.act(() -> {
            room.client("ega").send("last words"); // on its way as the kick happens: never accepted
            kicked[0] = room.server().kick(room.now(), "Ega");
        });
        room.send("joan", "after");
        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> room.sink("ega").disconnected != null && joan.messages.size() == 2,
                30 * SECOND)).as("%s", room).isTrue();

        assertThat(kicked[0]).isTrue();
        assertThat(room.sink("ega").disconnected).isEqualTo(CloseReason.KICKED);
        // what the room accepted before the kick reached the kicked member too, its own message included
        assertThat(room.sink("ega").messages).extracting(RecordingClientSink.Delivered::text).containsExactly("before");
        assertThat(room.sink("ega").accepted).containsExactly(1L);
        assertThat(room.serverSink().messages).containsExactly("ega: before", "joan: after");
        assertThat(joan.log).containsSubsequence("#3 <ega> before", "<-- ega KICKED", "#5 <joan> after");
        assertThat(room.server().memberNames()).containsExactly("joan");
    }

    @Test
    void aBanLastsExactlyItsDurationForTheNameAndTheHost() {
        SimulatedRoom room = room(61, 0);
        InetSocketAddress egaHost = new InetSocketAddress("127.3.0.1", 10_000);
        room.add(room.clientConfig("ega", SimulatedRoom.DEFAULT_PASSWORD), egaHost);
        assertThat(room.runUntil(() -> room.sink("ega").joined(), 20 * SECOND)).isTrue();
        room.act(() -> room.server().ban(room.now(), "ega", 10 * MINUTE));
        long bannedAt = room.now();
        assertThat(room.runUntil(() -> room.sink("ega").disconnected != null, 10 * SECOND)).isTrue();
        assertThat(room.sink("ega").disconnected).isEqualTo(CloseReason.BANNED);

        // the same host with another name, and the name from another host: both refused
        room.add(room.clientConfig("budi", SimulatedRoom.DEFAULT_PASSWORD), new InetSocketAddress("127.3.0.1", 10_001));
        room.add(room.clientConfig("EGA", SimulatedRoom.DEFAULT_PASSWORD), new InetSocketAddress("127.4.0.1", 10_000));
        assertThat(room.runUntil(() -> room.sink("budi").connectFailure != null
                && room.sink("EGA").connectFailure != null, 20 * SECOND)).isTrue();
        assertThat(room.sink("budi").connectFailure).isEqualTo(ClientEventSink.ConnectFailure.BANNED);
        assertThat(room.sink("EGA").connectFailure).isEqualTo(ClientEventSink.ConnectFailure.BANNED);
        // another host and name: not banned
        room.add(room.clientConfig("sari", SimulatedRoom.DEFAULT_PASSWORD), new InetSocketAddress("127.5.0.1", 10_000));
        assertThat(room.runUntil(() -> room.sink("sari").joined(), 20 * SECOND)).isTrue();

        room.runFor(bannedAt + 10 * MINUTE - room.now());
        room.add(room.clientConfig("ega", SimulatedRoom.DEFAULT_PASSWORD), new InetSocketAddress("127.3.0.1", 10_002));
        assertThat(room.runUntil(() -> room.sink("ega").joined(), 20 * SECOND)).as("%s", room).isTrue();
    }

    @Test
    void aMuteRefusesInRoomOrderAndLapsesByItself() {
        SimulatedRoom room = room(71, 0);
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        long[] ids = new long[3];
        room.act(() -> {
            ids[0] = room.client("joan").send("before");
            room.client("joan").send("x"); // may or may not beat the mute; only the order matters
        });
        room.runUntil(() -> room.serverSink().messages.size() == 2, 5 * SECOND);
        room.act(() -> room.server().mute(room.now(), "joan", MINUTE));
        long mutedAt = room.now();
        room.act(() -> {
            ids[1] = room.client("joan").send("while muted");
            ids[2] = room.client("joan").sendPrivate("ega", "while muted too");
        });
        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> joan.refused.size() == 2, 5 * SECOND)).isTrue();
        assertThat(joan.refusedWith).containsOnly(ErrorCode.MUTED);
        assertThat(joan.refusedDetails).allMatch(detail -> detail.contains("muted"));

        room.runFor(mutedAt + MINUTE - room.now());
        room.send("joan", "free again");
        assertThat(room.runUntil(() -> room.sink("ega").messages.stream().anyMatch(m -> m.text().equals("free again")),
                5 * SECOND)).isTrue();
        assertThat(room.sink("ega").privates).isEmpty();
    }

    @Test
    void statsCountDeliveriesAndTrafficExactly() {
        SimulatedRoom room = room(91, 0);
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        for (int i = 0; i < 3; i++) {
            room.send("joan", "m" + i);
        }
        room.runFor(5 * SECOND);

        ServerStats stats = room.server().statsSnapshot();

        // joan: ega's join and three messages; ega: three messages
        assertThat(stats.deliveries).isEqualTo(7);
        assertThat(stats.messagesAccepted).isEqualTo(3);
        assertThat(stats.members).isEqualTo(2);
        assertThat(stats.datagramsIn).isEqualTo(room.network().datagramsSent(room.address("joan"), SimulatedRoom.SERVER)
                + room.network().datagramsSent(room.address("ega"), SimulatedRoom.SERVER));
    }

    @Test
    void announcementsTakeTheirPlaceInRoomOrder() {
        SimulatedRoom room = room(81, 5);
        assertThat(room.join("joan")).isTrue();
        assertThat(room.join("ega")).isTrue();
        room.send("joan", "one");
        room.runUntil(() -> room.serverSink().messages.size() == 1, 5 * SECOND);
        room.act(() -> room.server().announce(room.now(), "hear ye"));
        room.send("joan", "two");
        RecordingClientSink ega = room.sink("ega");
        assertThat(room.runUntil(() -> ega.messages.size() == 2, 5 * SECOND)).isTrue();

        assertThat(ega.log).containsSubsequence("#3 <joan> one", "!! hear ye", "#5 <joan> two");
        assertThat(ega.announcements).containsExactly("4 hear ye");
        assertThat(room.server().room().history().count()).isEqualTo(2); // an announcement is not history
    }
}
