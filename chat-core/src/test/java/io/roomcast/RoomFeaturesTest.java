package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * History, private messages, moderation and announcements over real sockets on loopback, through
 * the public API only: the wiring. The rules themselves (history under loss, races, expiry) are
 * proved in the simulator.
 */
@Timeout(60)
class RoomFeaturesTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final long WAIT_SECONDS = RecordingClientListener.WAIT.toSeconds();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final RecordingServerListener serverEvents = new RecordingServerListener();
    /** The server a listener acts on, set once it is started. */
    private volatile ChatServer serverRef;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatServer startServer(int historySize) throws Exception {
        return startServer(ChatServer.builder().historySize(historySize).listener(serverEvents));
    }

    private ChatServer startServer(ChatServer.Builder builder) throws Exception {
        ChatServer server = builder.bind(ANY_LOOPBACK_PORT).password("secret").rateLimit(10_000, 10_000).build();
        closeables.add(server);
        server.start();
        return server;
    }

    private ChatClient join(ChatServer server, String username, ChatClientListener listener) throws Exception {
        ChatClient client = ChatClient.builder().server(server.localAddress()).username(username).password("secret")
                .listener(listener).build();
        closeables.add(client);
        client.connect();
        return client;
    }

    /** Joan joins, then ega, and joan has seen ega arrive. */
    private void joanThenEga(ChatServer server, RecordingClientListener joanEvents, RecordingClientListener egaEvents)
            throws Exception {
        join(server, "joan", joanEvents);
        join(server, "ega", egaEvents);
        joanEvents.assertJoined("ega");
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static MessageRefusedException refusal(CompletableFuture<?> future) {
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(failure.getCause()).isInstanceOf(MessageRefusedException.class);
        return (MessageRefusedException) failure.getCause();
    }

    // ------------------------------------------------------------------ history

    @Test
    void aNewcomerGetsTheLastMessagesOldestFirstOnceBeforeAnythingElse() throws Exception {
        ChatServer server = startServer(3);
        ChatClient joan = join(server, "joan", new RecordingClientListener());
        List<ChatMessage> said = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            said.add(await(joan.send("m" + i)));
        }
        server.announce("announcements are not history");

        RecordingClientListener ega = RecordingClientListener.withHistory();
        join(server, "ega", ega);

        assertThat(ega.assertHistory()).containsExactlyElementsOf(said.subList(2, 5));
        joan.send("live");
        ega.assertMessage("joan", "live");
        ega.assertExhausted();
    }

    @Test
    void historyIsEmptyWhenTheRoomKeepsNoneAndSurvivesAnEmptyRoom() throws Exception {
        ChatServer none = startServer(0);
        ChatClient joan = join(none, "joan", new RecordingClientListener());
        await(joan.send("forgotten"));
        RecordingClientListener ega = RecordingClientListener.withHistory();
        join(none, "ega", ega);
        assertThat(ega.assertHistory()).isEmpty();

        ChatServer kept = startServer(ChatServer.builder()); // the default: 50
        ChatClient budi = join(kept, "budi", new RecordingClientListener());
        ChatMessage said = await(budi.send("still here after I left"));
        budi.close();
        RecordingClientListener sari = RecordingClientListener.withHistory();
        join(kept, "sari", sari);
        assertThat(sari.assertHistory()).containsExactly(said);
    }

    @Test
    void historyAndLiveMessagesRacingTheJoinHoldEveryMessageExactlyOnceInOrder() throws Exception {
        ChatServer server = startServer(1000);
        ChatClient joan = join(server, "joan", new RecordingClientListener());
        List<CompletableFuture<ChatMessage>> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            sent.add(joan.send("burst " + i));
        }
        RecordingClientListener ega = RecordingClientListener.withHistory();
        join(server, "ega", ega); // while the burst is still arriving
        List<ChatMessage> seen = new ArrayList<>(ega.assertHistory());
        ChatMessage last = await(sent.get(sent.size() - 1));
        while (seen.isEmpty() || seen.get(seen.size() - 1).sequence() < last.sequence()) {
            seen.add(ega.assertMessage("joan", nextText(seen)));
        }
        List<ChatMessage> all = new ArrayList<>();
        for (CompletableFuture<ChatMessage> future : sent) {
            all.add(await(future));
        }
        assertThat(seen).containsExactlyElementsOf(all);
        ega.assertExhausted();
    }

    /** The text of the burst message after the last one seen. */
    private static String nextText(List<ChatMessage> seen) {
        if (seen.isEmpty()) {
            return "burst 0";
        }
        String last = seen.get(seen.size() - 1).text();
        return "burst " + (Integer.parseInt(last.substring("burst ".length())) + 1);
    }

    // ------------------------------------------------------------------ private messages

    @Test
    void aPrivateMessageReachesOnlyItsRecipientAndTheHost() throws Exception {
        ChatServer server = startServer(0);
        RecordingClientListener joanEvents = new RecordingClientListener();
        RecordingClientListener egaEvents = new RecordingClientListener();
        RecordingClientListener budiEvents = new RecordingClientListener();
        ChatClient joan = join(server, "joan", joanEvents);
        join(server, "Ega", egaEvents);
        join(server, "budi", budiEvents);
        serverEvents.assertJoined("joan");
        serverEvents.assertJoined("Ega");
        serverEvents.assertJoined("budi");
        joanEvents.assertJoined("Ega");
        joanEvents.assertJoined("budi");
        egaEvents.assertJoined("budi");

        PrivateMessage sent = await(joan.sendPrivate("EGA", "psst"));

        assertThat(sent.sender()).isEqualTo("joan");
        assertThat(sent.recipient()).isEqualTo("Ega");
        assertThat(sent.text()).isEqualTo("psst");
        assertThat(egaEvents.assertPrivate("joan", "psst")).isEqualTo(sent);
        assertThat(serverEvents.assertPrivate("joan", "Ega", "psst")).isEqualTo(sent);
        // a room message after it, as a barrier: nobody else saw the private one
        await(joan.send("public"));
        budiEvents.assertMessage("joan", "public");
        joanEvents.assertMessage("joan", "public");
        budiEvents.assertExhausted();
        joanEvents.assertExhausted();
    }

    @Test
    void aPrivateMessageToNobodyIsRefusedWithNoSuchMember() throws Exception {
        ChatServer server = startServer(0);
        ChatClient joan = join(server, "joan", new RecordingClientListener());

        MessageRefusedException refused = refusal(joan.sendPrivate("nobody", "hello?"));

        assertThat(refused.reason()).isEqualTo(RefusalReason.NO_SUCH_MEMBER);
        assertThat(refused.getMessage()).contains("nobody");
        assertThat(await(joan.send("still in the room")).text()).isEqualTo("still in the room");
    }

    @Test
    void aRecipientTypedDecomposedTravelsInItsShortFormAndTheClientCarriesOn() throws Exception {
        ChatServer server = startServer(0);
        ChatClient joan = join(server, "joan", new RecordingClientListener());
        String decomposed = "\u03A9\u0314\u0342\u0345".repeat(32); // 32 letters in NFC, 256 bytes as typed

        assertThat(refusal(joan.sendPrivate(decomposed, "hello?")).reason()).isEqualTo(RefusalReason.NO_SUCH_MEMBER);
        assertThat(await(joan.send("still sending")).text()).isEqualTo("still sending");
    }

    @Test
    void sendPrivateChecksItsArgumentsAtOnce() throws Exception {
        ChatServer server = startServer(ChatServer.builder().maxMessageBytes(10));
        ChatClient joan = join(server, "joan", new RecordingClientListener());

        assertThatThrownBy(() -> joan.sendPrivate("ega", "x".repeat(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10");
        assertThatThrownBy(() -> joan.sendPrivate("not a name", "hi"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recipient");
        assertThatThrownBy(() -> joan.sendPrivate(null, "hi")).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------------ moderation

    @Test
    void aKickedMemberIsToldAndEveryoneElseSeesItLeaveKicked() throws Exception {
        ChatServer server = startServer(0);
        RecordingClientListener joanEvents = new RecordingClientListener();
        RecordingClientListener egaEvents = new RecordingClientListener();
        joanThenEga(server, joanEvents, egaEvents);

        assertThat(server.kick("EGA")).isTrue();

        egaEvents.assertDisconnected(LeaveReason.KICKED);
        joanEvents.assertLeft("ega", LeaveReason.KICKED);
        assertThat(server.members()).containsExactly("joan");
        assertThat(server.kick("ega")).isFalse();
        assertThat(server.kick("nobody")).isFalse();
        join(server, "ega", new RecordingClientListener()); // a kick is not a ban
        joanEvents.assertJoined("ega");
    }

    @Test
    void aBanRemovesTheMemberAndRefusesItsNameAndAddressUntilLifted() throws Exception {
        ChatServer server = startServer(0);
        RecordingClientListener joanEvents = new RecordingClientListener();
        RecordingClientListener egaEvents = new RecordingClientListener();
        joanThenEga(server, joanEvents, egaEvents);

        server.ban("ega", Duration.ofHours(1));

        egaEvents.assertDisconnected(LeaveReason.BANNED);
        joanEvents.assertLeft("ega", LeaveReason.BANNED);
        assertThatThrownBy(() -> join(server, "Ega", new RecordingClientListener()))
                .isInstanceOf(BannedException.class).hasMessageContaining("banned");
        // every test client speaks from 127.0.0.1, the address ega joined from
        assertThatThrownBy(() -> join(server, "budi", new RecordingClientListener()))
                .isInstanceOf(BannedException.class);
        assertThat(server.members()).containsExactly("joan");

        assertThat(server.unban("EGA")).isTrue();
        assertThat(server.unban("ega")).isFalse();
        join(server, "ega", new RecordingClientListener());
        join(server, "budi", new RecordingClientListener());
        assertThat(server.members()).containsExactly("joan", "ega", "budi");
    }

    @Test
    void aNameNotInTheRoomCanBeBannedAndBansCheckTheirArguments() throws Exception {
        ChatServer server = startServer(0);
        server.ban("troll", Duration.ofMinutes(5));

        assertThatThrownBy(() -> join(server, "TROLL", new RecordingClientListener()))
                .isInstanceOf(BannedException.class).hasMessageContaining("5 min");
        join(server, "joan", new RecordingClientListener()); // only the name was banned
        assertThatThrownBy(() -> server.ban("troll", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.ban("not a name", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.mute("joan", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMutedMembersMessagesAreRefusedUntilUnmuted() throws Exception {
        ChatServer server = startServer(0);
        RecordingClientListener egaEvents = new RecordingClientListener();
        ChatClient joan = join(server, "joan", new RecordingClientListener());
        join(server, "ega", egaEvents);

        assertThat(server.mute("JOAN", Duration.ofMinutes(5))).isTrue();

        MessageRefusedException refused = refusal(joan.send("can you hear me"));
        assertThat(refused.reason()).isEqualTo(RefusalReason.MUTED);
        assertThat(refused.getMessage()).contains("muted").contains("min");
        assertThat(refused.detail()).startsWith("you are muted for another ").endsWith("min");
        assertThat(refusal(joan.sendPrivate("ega", "psst")).reason()).isEqualTo(RefusalReason.MUTED);
        assertThat(server.mute("nobody", Duration.ofMinutes(1))).isFalse();

        assertThat(server.unmute("joan")).isTrue();
        assertThat(server.unmute("joan")).isFalse();
        await(joan.send("back"));
        egaEvents.assertMessage("joan", "back");
        egaEvents.assertExhausted();
    }

    @Test
    void announcementsArriveInRoomOrderBetweenMessages() throws Exception {
        ChatServer server = startServer(0);
        RecordingClientListener egaEvents = new RecordingClientListener();
        ChatClient joan = join(server, "joan", new RecordingClientListener());
        join(server, "ega", egaEvents);

        ChatMessage first = await(joan.send("before"));
        server.announce("the room closes at ten");
        ChatMessage second = await(joan.send("after"));

        egaEvents.assertMessage("joan", "before");
        Announcement announcement = egaEvents.assertAnnouncement("the room closes at ten");
        egaEvents.assertMessage("joan", "after");
        assertThat(announcement.sequence()).isBetween(first.sequence() + 1, second.sequence() - 1);
        assertThatThrownBy(() -> server.announce("x".repeat(ChatServer.DEFAULT_MAX_MESSAGE_BYTES + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostCommandsWorkFromAListenerCall() throws Exception {
        CompletableFuture<Boolean> kicked = new CompletableFuture<>();
        ChatServer server = startServer(ChatServer.builder().listener(new ChatServerListener() {
            @Override
            public void onMessage(ChatMessage message) {
                if (message.text().equals("kick me")) {
                    kicked.complete(serverRef.kick(message.sender()));
                }
            }
        }));
        serverRef = server;
        RecordingClientListener egaEvents = new RecordingClientListener();
        ChatClient ega = join(server, "ega", egaEvents);

        await(ega.send("kick me"));

        egaEvents.assertMessage("ega", "kick me");
        egaEvents.assertDisconnected(LeaveReason.KICKED);
        assertThat(await(kicked)).isTrue();
    }

    @Test
    void hostCommandsOnAServerNotRunningSayNo() {
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).build();

        assertThat(server.kick("joan")).isFalse();
        assertThat(server.mute("joan", Duration.ofMinutes(1))).isFalse();
        assertThat(server.unmute("joan")).isFalse();
        assertThat(server.unban("joan")).isFalse();
        assertThatThrownBy(() -> server.announce("hello")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> server.ban("joan", Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------ stats

    @Test
    void statsCountWhatTheRoomDid() throws Exception {
        ChatServer server = startServer(0);
        assertThat(ChatServer.builder().bind(ANY_LOOPBACK_PORT).build().stats().members()).isZero();
        RecordingClientListener egaEvents = new RecordingClientListener();
        ChatClient joan = join(server, "joan", new RecordingClientListener());
        join(server, "ega", egaEvents);
        for (int i = 0; i < 3; i++) {
            await(joan.send("m" + i));
        }
        await(joan.sendPrivate("ega", "psst"));
        assertThat(refusal(joan.sendPrivate("nobody", "?")).reason()).isEqualTo(RefusalReason.NO_SUCH_MEMBER);
        server.kick("ega");

        ServerStats stats = server.stats();

        assertThat(stats.members()).isEqualTo(1);
        assertThat(stats.messagesAccepted()).isEqualTo(3);
        assertThat(stats.privateMessages()).isEqualTo(1);
        assertThat(stats.refusals()).containsEntry(RefusalReason.NO_SUCH_MEMBER, 1L)
                .containsEntry(RefusalReason.MUTED, 0L).hasSize(RefusalReason.values().length);
        assertThat(stats.departures()).containsEntry(LeaveReason.KICKED, 1L).containsEntry(LeaveReason.LEFT, 0L);
        assertThat(stats.datagramsIn()).isPositive();
        assertThat(stats.bytesIn()).isGreaterThan(stats.datagramsIn());
        assertThat(stats.datagramsOut()).isPositive();
        assertThat(stats.bytesOut()).isGreaterThan(stats.datagramsOut());
        assertThat(stats.droppedMalformed()).isZero();
        assertThatThrownBy(() -> stats.refusals().put(RefusalReason.MUTED, 5L))
                .isInstanceOf(UnsupportedOperationException.class);

        assertThat(Thread.currentThread().isInterrupted()).as("interrupted before close").isFalse();
        server.close();
        assertThat(Thread.currentThread().isInterrupted()).as("interrupted after close").isFalse();
        ServerStats last = server.stats();
        assertThat(last.departures()).containsEntry(LeaveReason.SERVER_CLOSED, 1L);
        assertThat(last.messagesAccepted()).isEqualTo(3);
    }

    @Test
    void theHistorySizeIsChecked() {
        assertThatThrownBy(() -> ChatServer.builder().historySize(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("historySize");
        assertThatThrownBy(() -> ChatServer.builder().historySize(ChatServer.MAX_HISTORY_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
        ChatServer.builder().historySize(0).historySize(ChatServer.MAX_HISTORY_SIZE);
    }
}
