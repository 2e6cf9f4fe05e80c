package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.ChatServer;
import io.roomcast.LeaveReason;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console client through an outage (issue #12): the real app against a real server on
 * loopback, through a relay that blackholes it for longer than the idle timeout (the server's,
 * which the client's connection takes as the smaller one), then lets it through. Another member,
 * a library client straight to the server, talks meanwhile.
 */
@Timeout(90)
class ConsoleReconnectTest {
    private static final Map<String, String> WITH_PASSWORD = Map.of("ROOMCAST_PASSWORD", "secret");
    private static final Duration IDLE = Duration.ofMillis(600);
    private static final long WAIT_SECONDS = 20;
    /** More messages than the room's log keeps (8,192 events), so an outage over them leaves a gap. */
    private static final int MORE_THAN_THE_LOG = 8_300;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatServer server(int historySize) throws Exception {
        ChatServer server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password("secret")
                .idleTimeout(IDLE).rateLimit(1_000_000, 1_000_000).historySize(historySize).build();
        closeables.add(server);
        server.start();
        return server;
    }

    /** The console client, joined as joan through {@code relay}. */
    private AppRun joan(BlackholeRelay relay) throws Exception {
        AppRun joan = new AppRun(WITH_PASSWORD, "client", "--server", relay.address(), "--username", "joan");
        closeables.add(joan);
        joan.awaitLine("^Joined lobby as joan");
        return joan;
    }

    /** A member that records what the room shows it. */
    private static final class Ega implements ChatClientListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(ChatMessage message) {
            events.add("<" + message.sender() + "> " + message.text());
        }

        @Override
        public void onMemberLeft(String name, LeaveReason reason) {
            events.add("left " + name + " " + reason);
        }

        /** Waits for {@code event}, returning every event up to and including it. */
        List<String> await(String event) throws InterruptedException {
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (seen.isEmpty() || !seen.get(seen.size() - 1).equals(event)) {
                String next = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(next).as("%s within %d s; seen %s", event, WAIT_SECONDS, seen).isNotNull();
                seen.add(next);
            }
            return seen;
        }
    }

    private ChatClient ega(ChatServer server, Ega events) throws Exception {
        ChatClient ega = ChatClient.builder().server(server.localAddress()).username("ega").password("secret")
                .listener(events).build();
        closeables.add(ega);
        ega.connect();
        return ega;
    }

    private static int indexOf(List<String> lines, String regex) {
        Pattern pattern = Pattern.compile(regex);
        for (int i = 0; i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i)).find()) {
                return i;
            }
        }
        throw new AssertionError("no line matches /" + regex + "/ in " + lines);
    }

    private static long count(List<String> lines, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return lines.stream().filter(line -> pattern.matcher(line).find()).count();
    }

    @Test
    void anOutageShowsReconnectingThenWhatWasMissedOnceThenBackAndALineTypedMeanwhileIsSentOnce() throws Exception {
        ChatServer server = server(ChatServer.DEFAULT_HISTORY_SIZE);
        BlackholeRelay relay = new BlackholeRelay(server.localAddress());
        closeables.add(relay);
        AppRun joan = joan(relay);
        Ega egaEvents = new Ega();
        ChatClient ega = ega(server, egaEvents);
        ega.send("a1").get(WAIT_SECONDS, TimeUnit.SECONDS);
        joan.awaitLine("^\\d\\d:\\d\\d <ega> a1$");

        relay.silence();
        joan.awaitLine("^" + Pattern.quote(ClientCommand.RECONNECTING) + "$");
        egaEvents.await("left joan TIMED_OUT"); // the server noticed too: what follows, joan misses
        joan.type("j1");
        joan.awaitLine("^-- queued: j1$");
        for (int i = 1; i <= 3; i++) {
            ega.send("b" + i).get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        relay.restore();

        joan.awaitLines("^" + Pattern.quote(ClientCommand.BACK) + "$", "^-- sent: j1$", "^\\d\\d:\\d\\d <joan> j1$");
        assertThat(egaEvents.await("<joan> j1")).as("j1 reached ega once, after what ega said meanwhile")
                .containsExactly("<ega> b1", "<ega> b2", "<ega> b3", "<joan> j1");
        ega.send("c1").get(WAIT_SECONDS, TimeUnit.SECONDS);
        joan.awaitLine("^\\d\\d:\\d\\d <ega> c1$");
        assertThat(egaEvents.await("<ega> c1")).as("nothing doubled before c1").containsExactly("<ega> c1");

        List<String> lines = List.of(joan.output().split("\n"));
        int lost = indexOf(lines, "^" + Pattern.quote(ClientCommand.RECONNECTING) + "$");
        int back = indexOf(lines, "^" + Pattern.quote(ClientCommand.BACK) + "$");
        assertThat(lines.subList(lost + 1, back).stream().filter(line -> line.contains("<ega>")))
                .as("what joan missed, shown once each, in order, between the two: %s", lines)
                .hasSize(3).satisfies(missed -> {
                    assertThat(missed.get(0)).endsWith("<ega> b1");
                    assertThat(missed.get(1)).endsWith("<ega> b2");
                    assertThat(missed.get(2)).endsWith("<ega> b3");
                });
        for (String shown : List.of("<ega> a1$", "<ega> b\\d$", "<joan> j1$", "^-- sent: j1$", "<ega> c1$")) {
            assertThat(count(lines, shown)).as("%s in %s", shown, lines).isEqualTo(shown.contains("b\\d") ? 3 : 1);
        }
        assertThat(indexOf(lines, "<joan> j1$")).as("j1 is live, after the missed events").isGreaterThan(back);
        assertThat(lines).noneMatch(line -> line.startsWith("!!") || line.contains(ClientCommand.BACK_WITH_GAP)
                || line.contains(EventFormat.EARLIER));
    }

    @Test
    void backAfterTheRoomLogWrappedSaysSoBeforeTheRecentHistory() throws Exception {
        ChatServer server = server(3);
        BlackholeRelay relay = new BlackholeRelay(server.localAddress());
        closeables.add(relay);
        AppRun joan = joan(relay);
        Ega egaEvents = new Ega();
        ChatClient ega = ega(server, egaEvents);

        relay.silence();
        joan.awaitLine("^" + Pattern.quote(ClientCommand.RECONNECTING) + "$");
        egaEvents.await("left joan TIMED_OUT");
        List<CompletableFuture<ChatMessage>> sent = new ArrayList<>();
        for (int i = 1; i <= MORE_THAN_THE_LOG; i++) {
            sent.add(ega.send("b" + i));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        relay.restore();

        joan.awaitLine("^" + Pattern.quote(EventFormat.NOW) + "$");
        List<String> lines = List.of(joan.output().split("\n"));
        int lost = indexOf(lines, "^" + Pattern.quote(ClientCommand.RECONNECTING) + "$");
        assertThat(lines.subList(lost + 1, lines.size()))
                .as("the back line first, then the room's recent history: %s", lines)
                .satisfies(after -> {
                    assertThat(after).hasSize(6);
                    assertThat(after.get(0)).isEqualTo(ClientCommand.BACK_WITH_GAP);
                    assertThat(after.get(1)).isEqualTo(EventFormat.EARLIER);
                    assertThat(after.get(2)).endsWith("<ega> b" + (MORE_THAN_THE_LOG - 2));
                    assertThat(after.get(3)).endsWith("<ega> b" + (MORE_THAN_THE_LOG - 1));
                    assertThat(after.get(4)).endsWith("<ega> b" + MORE_THAN_THE_LOG);
                });
        ega.send("c1").get(WAIT_SECONDS, TimeUnit.SECONDS);
        joan.awaitLine("^\\d\\d:\\d\\d <ega> c1$");
        assertThat(joan.output()).as("one back line, and no other after the history")
                .doesNotContain(ClientCommand.BACK).containsOnlyOnce(ClientCommand.BACK_WITH_GAP);
    }
}
