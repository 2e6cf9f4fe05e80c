package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatClient;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jline.builtins.ScreenTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console apps driven in-process with piped input and captured output. */
@Timeout(60)
class ConsoleAppsTest {
    private static final Map<String, String> WITH_PASSWORD = Map.of("ROOMCAST_PASSWORD", "secret");
    private final List<AppRun> runs = new ArrayList<>();

    @AfterEach
    void stopAll() {
        runs.forEach(AppRun::close);
    }

    private AppRun run(Map<String, String> environment, String... args) {
        AppRun run = new AppRun(environment, args);
        runs.add(run);
        return run;
    }

    /** A server run on a free port of 127.0.0.1, with the room password in its environment. */
    private AppRun serverOnLoopback() {
        return run(WITH_PASSWORD, "server", "--host", "127.0.0.1", "--port", "0");
    }

    /** Waits for the server run to report its address and returns it as "HOST:PORT". */
    private String startServer(AppRun server) throws InterruptedException {
        return server.awaitLine("Server running on (127\\.0\\.0\\.1:\\d+) \\(room lobby\\)").group(1);
    }

    @Test
    void twoClientsTalkAndEveryScreenShowsIt() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        AppRun joan = run(WITH_PASSWORD, "client", "--server", address, "--username", "joan");
        joan.awaitLine("^Joined lobby as joan — 1 members: joan$");
        AppRun ega = run(WITH_PASSWORD, "client", "--server", address, "--username", "ega");
        ega.awaitLine("^Joined lobby as ega — 2 members: joan, ega$");
        joan.awaitLine("^\\d\\d:\\d\\d --> ega joined$");
        server.awaitLine("^\\d\\d:\\d\\d:\\d\\d --> joan joined from 127\\.0\\.0\\.1:\\d+$");

        // one at a time: screens are read in order, and two people typing at once may land either way round
        joan.type("halo");
        for (AppRun screen : List.of(joan, ega)) {
            screen.awaitLine("^\\d\\d:\\d\\d <joan> halo$");
        }
        ega.type("hi joan, how are you?");
        for (AppRun screen : List.of(joan, ega)) {
            screen.awaitLine("^\\d\\d:\\d\\d <ega> hi joan, how are you\\?$");
        }
        server.awaitLine("^\\d\\d:\\d\\d:\\d\\d <joan> halo$");

        ega.type("exit");
        assertThat(ega.awaitExit()).isZero();
        joan.awaitLine("^\\d\\d:\\d\\d <-- ega left$");
        server.awaitLine("<-- ega left$");

        server.type("/who");
        server.awaitLine("^1 members: joan \\(127\\.0\\.0\\.1:\\d+\\)$");
        server.type("/quit");
        assertThat(server.awaitExit()).isZero();
        joan.awaitLine("Disconnected: server closed");
        assertThat(joan.rawOutput()).as("no history in a room that had none").doesNotContain(EventFormat.EARLIER);
    }

    /** A client run that has joined the room at {@code address}. */
    private AppRun joined(String address, String username) throws InterruptedException {
        AppRun client = run(WITH_PASSWORD, "client", "--server", address, "--username", username);
        client.awaitLine("Joined lobby as " + username);
        return client;
    }

    /**
     * A client run at a terminal (its JLine console, {@link TerminalConsole#EMULATED_SIZE}) that has
     * joined the room at {@code address}; names uncoloured, so any ESC on a message line is the sender's.
     */
    private AppRun joinedAtTerminal(String address, String username) throws InterruptedException {
        Map<String, String> atTerminal = new HashMap<>(WITH_PASSWORD);
        atTerminal.put("NO_COLOR", "1");
        AppRun client = new AppRun(true, atTerminal, "client", "--server", address, "--username", username);
        runs.add(client);
        client.awaitLine("Joined lobby as " + username);
        return client;
    }

    /** What a hostile member sends, and how every screen must show it: on the message's own line, visibly. */
    private static final Map<String, String> HOSTILE = new LinkedHashMap<>();

    static {
        HOSTILE.put("hi\n12:01 <joan> fake", "hi⏎12:01 <joan> fake");
        HOSTILE.put("hi\r\n12:02 <joan> fake", "hi⏎12:02 <joan> fake");
        HOSTILE.put("hi\r12:03 <joan> fake", "hi^M12:03 <joan> fake");
        HOSTILE.put("\u001b[2J\u001b]0;pwned\u0007", "^[[2J^[]0;pwned^G");
        HOSTILE.put("\u001b]52;c;ZXZpbA==\u0007", "^[]52;c;ZXZpbA==^G");
        HOSTILE.put("abc\u202Eevil", "abc<U+202E>evil");
        HOSTILE.put("\u009b31m\u0085\u200Bx", "<U+009B>31m<U+0085><U+200B>x");
        HOSTILE.put("日本語 Ünïcödé 😀", "日本語 Ünïcödé 😀");
    }

    /** A member that joined the room at {@code address} with the library, not the console app, so it can send any text. */
    private static ChatClient mallory(String address) throws Exception {
        ChatClient mallory = ChatClient.builder().server(address.substring(0, address.indexOf(':')),
                Integer.parseInt(address.substring(address.indexOf(':') + 1))).username("mallory")
                .password("secret").build();
        mallory.connect();
        return mallory;
    }

    @Test
    void hostileTextIsShownVisiblyOnBothConsolesAndCannotFakeALineOrReachTheTerminal() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        AppRun plain = joined(address, "joan");
        AppRun terminal = joinedAtTerminal(address, "tom");
        plain.awaitLine("--> tom joined");

        // a member needs no console app: the library sends any text, newlines included
        try (ChatClient mallory = mallory(address)) {
            for (String text : HOSTILE.keySet()) {
                mallory.send(text).get(15, TimeUnit.SECONDS);
            }
            for (AppRun screen : List.of(server, plain, terminal)) {
                for (String shown : HOSTILE.values()) {
                    screen.awaitLine(Pattern.quote("<mallory> " + shown));
                }
            }
        }

        for (AppRun screen : List.of(server, plain, terminal)) {
            // the terminal console's own: the terminal's wrapping turned off and on around each line it prints
            String raw = screen.rawOutput().replace("\u001b[?7l", "").replace("\u001b[?7h", "");
            // JLine's own redrawing may use ESC and CR; none of it on a message line, and nothing of the sender's
            List<String> segments = List.of(raw.split("[\r\n]"));
            for (String shown : HOSTILE.values()) {
                assertThat(segments).as("one line holds all of %s", shown)
                        .anyMatch(segment -> segment.contains("<mallory> " + shown));
            }
            for (String segment : segments) {
                int at = segment.indexOf("<mallory> ");
                if (at >= 0) {
                    assertThat(segment.substring(at)).as("a message line").doesNotContain("\u001b", "\u0007", "\u009b",
                            "\u0085", "\u202E", "\u200B");
                }
                assertThat(segment).as("no line, nor a return to the start of one, that looks like a message")
                        .doesNotContainPattern("^\\W*\\d\\d:\\d\\d(:\\d\\d)? <joan> fake");
            }
            assertThat(raw).doesNotContain("\u001b]", "\u0007", "\u001b[2J", "\u009b", "\u202E", "pwned\u0007");
            if (screen != terminal) {
                assertThat(raw).doesNotContain("\u001b", "\r");
            }
        }
    }

    @Test
    void aMessageThatFillsItsRowCannotStartTheNextRowAsAnotherMembersLine() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        AppRun terminal = joinedAtTerminal(address, "tom");

        // filler up to the terminal's last column, so that what follows would start the next row
        int width = TerminalConsole.EMULATED_SIZE.getColumns();
        int rest = width - "12:01 <mallory> ".length();
        List<String> fillers = List.of("a".repeat(rest), " ".repeat(rest), "日".repeat(rest / 2),
                "\u3164".repeat(rest / "<U+3164>".length()), "\u2800".repeat(rest / "<U+2800>".length()));
        try (ChatClient mallory = mallory(address)) {
            for (String filler : fillers) {
                mallory.send(filler + "12:01 <joan> fake").get(15, TimeUnit.SECONDS);
            }
            for (int i = 0; i < fillers.size(); i++) {
                terminal.awaitLine(Pattern.quote("<joan> fake"));
            }
        }

        // the screen as a terminal shows it, wrapping what reaches its right margin (ScreenTerminal draws
        // a wide character in one cell: the row of 日 shows that the rows are cut, not how wide they are)
        ScreenTerminal screen = new ScreenTerminal(width, 400);
        screen.write(terminal.rawOutput());
        List<String> rows = screen.toString().lines().toList();
        assertThat(rows).as("the screen").filteredOn(row -> row.contains("<joan> fake")).hasSize(fillers.size())
                .allMatch(row -> row.startsWith(TerminalRows.CONTINUATION + "12:01 <joan> fake"));
        assertThat(rows).noneMatch(row -> row.matches("^\\s*\\d\\d:\\d\\d <joan> fake.*"));
    }

    /** A refusal as anyone can send it: a REJECT of connection 0 (ROOM_FULL) answers a HELLO, before any password proof. */
    /** A REJECT (ROOM_FULL) of {@code hello}: it echoes the HELLO's nonce (bytes 5 to 20), or the client drops it. */
    private static byte[] spoofedReject(DatagramPacket hello, String detail) {
        byte[] text = detail.getBytes(StandardCharsets.UTF_8);
        byte version = hello.getData()[hello.getOffset() + 3]; // the client's own: the spoofer speaks it
        return ByteBuffer.allocate(32 + text.length).put((byte) 0xC0).put((byte) 'R').put((byte) 'C').put(version)
                .put((byte) 5).put(hello.getData(), hello.getOffset() + 5, 16).putLong(0).put((byte) 4)
                .putShort((short) text.length).put(text).array();
    }

    @Test
    void aSpoofedRefusalsDetailIsEscapedOnBothConsolesAndByTheBot() throws Exception {
        String detail = "full\n12:01 <joan> fake\u001b]0;pwned\u0007\u202E";
        String shown = "full⏎12:01 <joan> fake^[]0;pwned^G<U+202E>";
        try (DatagramSocket spoofer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            spoofer.setSoTimeout(15_000); // a bounded wait for each HELLO
            String address = "127.0.0.1:" + spoofer.getLocalPort();
            Map<String, String> atTerminal = new HashMap<>(WITH_PASSWORD);
            atTerminal.put("NO_COLOR", "1");
            AppRun plain = run(WITH_PASSWORD, "client", "--server", address, "--username", "joan");
            AppRun terminal = new AppRun(true, atTerminal, "client", "--server", address, "--username", "tom");
            runs.add(terminal);
            AppRun bot = run(WITH_PASSWORD, "bot", "--server", address);
            Set<SocketAddress> answered = new HashSet<>();
            while (answered.size() < 3) { // every HELLO, resends included, until each of the three has one
                DatagramPacket hello = new DatagramPacket(new byte[2048], 2048);
                spoofer.receive(hello);
                byte[] reject = spoofedReject(hello, detail);
                spoofer.send(new DatagramPacket(reject, reject.length, hello.getSocketAddress()));
                answered.add(hello.getSocketAddress());
            }
            for (AppRun app : List.of(plain, terminal, bot)) {
                assertThat(app.awaitExit()).isEqualTo(1);
            }
            for (AppRun app : List.of(plain, terminal)) {
                app.awaitLine("refused to admit .*" + Pattern.quote(shown));
            }
            bot.awaitError("refused to admit .*" + Pattern.quote(shown));
            for (AppRun app : List.of(plain, terminal, bot)) {
                String raw = app.rawOutput() + app.rawErrors();
                assertThat(raw).doesNotContain("\u001b]", "\u0007", "\u202E");
                for (String segment : raw.split("[\r\n]")) {
                    assertThat(segment).doesNotContainPattern("^\\W*\\d\\d:\\d\\d <joan> fake");
                }
            }
        }
    }

    @Test
    void aScriptThatSendsAndExitsAtOnceLosesNothing() throws Exception {
        String address = startServer(serverOnLoopback());
        AppRun joan = joined(address, "joan");
        AppRun ega = joined(address, "ega");

        ega.type("one last thing");
        ega.type("exit");

        assertThat(ega.awaitExit()).isZero();
        joan.awaitLine("^\\d\\d:\\d\\d <ega> one last thing$");
        joan.awaitLine("<-- ega left$");
        assertThat(ega.output()).doesNotContain("not delivered");
    }

    @Test
    void aTakenOrInvalidUsernameIsExplainedAndAskedAgain() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        joined(address, "joan");
        AppRun second = run(WITH_PASSWORD, "client", "--server", address);

        second.type("Joan");
        second.awaitLine("Refused: the username 'joan' is taken"); // after the prompt it answers
        second.type("two words");
        second.awaitLine("Invalid username: .*1 to 32 characters");
        second.type("ega");

        second.awaitLine("Joined lobby as ega — 2 members: joan, ega");
    }

    @Test
    void aPortInUseWithoutATerminalExitsWithStatus2() throws Exception {
        AppRun first = serverOnLoopback();
        String address = startServer(first);
        String port = address.substring(address.indexOf(':') + 1);

        AppRun second = run(WITH_PASSWORD, "server", "--host", "127.0.0.1", "--port", port);

        assertThat(second.awaitExit()).isEqualTo(2);
        second.awaitError("^roomcast: port " + port + " on 127\\.0\\.0\\.1 is in use$");
    }

    @Test
    void aServerThatIsNotThereIsReported() throws Exception {
        AppRun first = serverOnLoopback();
        String address = startServer(first);
        first.type("/quit");
        assertThat(first.awaitExit()).isZero();

        AppRun joan = run(WITH_PASSWORD, "client", "--server", address, "--username", "joan");

        assertThat(joan.awaitExit()).isEqualTo(1);
        joan.awaitLine("nothing is listening|no answer");
    }

    @Test
    void theBotAnswersTimeAndWho() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        AppRun bot = run(WITH_PASSWORD, "bot", "--server", address);
        bot.awaitLine("bot is in the room");
        AppRun joan = run(WITH_PASSWORD, "client", "--server", address, "--username", "joan");
        joan.awaitLine("Joined lobby as joan — 2 members: bot, joan");

        joan.type("!time");
        joan.awaitLine("<bot> It is \\d\\d:\\d\\d:\\d\\d");
        joan.type("!who");
        joan.awaitLine("<bot> 2 here: bot, joan");
        joan.type("/msg bot !time");
        joan.awaitLine(TIME + "\\*bot\\* It is \\d\\d:\\d\\d:\\d\\d");
    }

    @Test
    void withoutAPasswordAndWithoutATerminalTheServerRefusesToGuess() throws Exception {
        AppRun server = run(Map.of(), "server", "--host", "127.0.0.1", "--port", "0");

        assertThat(server.awaitExit()).isEqualTo(2);
        server.awaitError("no password.*--open");
    }

    // ------------------------------------------------------------------ room features (#11)

    private static final String TIME = "^\\d\\d:\\d\\d ";

    /** A server run on loopback with joan's and ega's client runs in its room. */
    private record Room(AppRun server, String address, AppRun joan, AppRun ega) {
    }

    private Room joanAndEga() throws InterruptedException {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        Room room = new Room(server, address, joined(address, "joan"), joined(address, "ega"));
        // the host's screen has shown both joins (and so knows their addresses) before it is given a command
        server.awaitLines("^\\d\\d:\\d\\d:\\d\\d --> joan joined from 127\\.0\\.0\\.1:\\d+$",
                "^\\d\\d:\\d\\d:\\d\\d --> ega joined from 127\\.0\\.0\\.1:\\d+$");
        return room;
    }

    @Test
    void aNewcomerSeesTheRecentMessagesMarkedAsEarlierThenTheLiveOnes() throws Exception {
        String address = startServer(serverOnLoopback());
        AppRun joan = joined(address, "joan");
        joan.typeAndAwait("halo", TIME + "<joan> halo$");
        joan.typeAndAwait("how is everyone?", TIME + "<joan> how is everyone\\?$");

        AppRun ega = run(WITH_PASSWORD, "client", "--server", address, "--username", "ega");

        ega.awaitLine("^Joined lobby as ega — 2 members: joan, ega$");
        ega.awaitLine("^" + EventFormat.EARLIER + "$");
        ega.awaitLine(TIME + "<joan> halo$");
        ega.awaitLine(TIME + "<joan> how is everyone\\?$");
        ega.awaitLine("^" + EventFormat.NOW + "$");
        joan.type("welcome, ega");
        ega.awaitLine(TIME + "<joan> welcome, ega$");
        assertThat(ega.rawOutput().split("<joan> halo", -1)).as("halo shown once").hasSize(2);
    }

    @Test
    void aPrivateMessageReachesTheRecipientAndTheHostMarkedAndNobodyElse() throws Exception {
        Room room = joanAndEga();
        AppRun server = room.server();
        AppRun joan = room.joan();
        AppRun ega = room.ega();
        AppRun budi = joined(room.address(), "budi");

        joan.typeAndAwait("/msg Ega see you  at 5", TIME + "-> \\*ega\\* see you  at 5$");
        ega.awaitLine(TIME + "\\*joan\\* see you  at 5$");
        server.awaitLine("^\\d\\d:\\d\\d:\\d\\d \\*joan -> ega\\* see you  at 5$");
        joan.type("and now for everyone");
        budi.awaitLine(TIME + "<joan> and now for everyone$");
        assertThat(budi.rawOutput()).doesNotContain("see you");
        assertThat(server.rawOutput()).doesNotContain("<joan> see you");
    }

    @Test
    void whatCannotBeSentPrivatelySaysWhyAndAMistypedCommandIsNotSentToTheRoom() throws Exception {
        Room room = joanAndEga();
        AppRun joan = room.joan();
        AppRun ega = room.ega();

        joan.typeAndAwait("/msg nobody hi", "^!! not sent: 'nobody' is not in the room$");
        joan.typeAndAwait("/msg ega", "^Usage: /msg NAME TEXT \\(");
        joan.typeAndAwait("/msg no!body hi", "^!! not sent: recipient: ");
        joan.typeAndAwait("/mgs ega hi", "^Unknown command /mgs: /help lists the commands\\.$");
        joan.type("//shrug");
        ega.awaitLine(TIME + "<joan> /shrug$");
        assertThat(ega.rawOutput()).doesNotContain("hi");
    }

    @Test
    void theClientsHelpListsItsCommands() throws Exception {
        String address = startServer(serverOnLoopback());
        AppRun joan = joined(address, "joan");

        joan.typeAndAwait("/help", "^Commands:$");
        joan.awaitLines("^  /help ", "^  /msg NAME TEXT ", "^  /who ", "^  /quit .*exit");
        joan.awaitLine("start it with //");
        joan.type("exit");
        assertThat(joan.awaitExit()).isZero();
    }

    @Test
    void anAnnouncementReachesEveryScreenMarked() throws Exception {
        Room room = joanAndEga();
        AppRun server = room.server();

        server.typeAndAwait("/say the room closes at six", "^\\d\\d:\\d\\d:\\d\\d \\[announcement\\] the room closes at six$");
        for (AppRun client : List.of(room.joan(), room.ega())) {
            client.awaitLine(TIME + "\\[announcement\\] the room closes at six$");
        }
        server.typeAndAwait("/say", "^Usage: /say TEXT \\(announce TEXT to the whole room\\)$");
    }

    /**
     * In a room of joan and ega, the host types {@code command}, which says {@code hostSays}; ega is
     * {@code told} why it is out, and exits with {@code status} on Enter; joan sees it leave for {@code reason}.
     */
    private Room removeEga(String command, String hostSays, String reason, String told, int status) throws Exception {
        Room room = joanAndEga();

        room.server().type(command);

        room.server().awaitLines(hostSays, "<-- ega left \\(" + reason + "\\)$");
        room.ega().awaitLine("^Disconnected: " + reason + " — " + told + " Press Enter to quit\\.$");
        room.joan().awaitLine(TIME + "<-- ega left \\(" + reason + "\\)$");
        room.ega().type("");
        assertThat(room.ega().awaitExit()).isEqualTo(status);
        return room;
    }

    @Test
    void aKickedMemberIsToldSoEveryoneSeesItAndItExitsWith3() throws Exception {
        Room room = removeEga("/kick EGA", "^Kicked 'EGA'\\.$", "kicked", "the host removed you from the room\\.",
                ExitStatus.KICKED);
        AppRun server = room.server();

        server.typeAndAwait("/kick ega", "^No member named 'ega' is in the room \\(/who lists them\\)\\.$");
        joined(room.address(), "ega"); // a kick is not a ban
    }

    @Test
    void aBannedMemberIsRemovedAndRefusedUntilUnbanned() throws Exception {
        Room room = removeEga("/ban ega 2h", "^Banned 'ega' for 2h, and its address 127\\.0\\.0\\.1\\.$", "banned",
                "the host removed you from the room and refuses you for a while\\.", ExitStatus.BANNED);
        AppRun server = room.server();
        String address = room.address();

        AppRun again = run(WITH_PASSWORD, "client", "--server", address, "--username", "ega");
        assertThat(again.awaitExit()).isEqualTo(ExitStatus.BANNED);
        again.awaitLine("^Banned: .*banned from this room for another (2 h|1 h 59 min)$");

        server.typeAndAwait("/unban ega", "^Lifted the ban on 'ega'\\.$");
        joined(address, "ega");
        server.typeAndAwait("/unban ega", "^'ega' is not banned\\.$");
    }

    @Test
    void banTakesADefaultOfAnHourAndExplainsNamesNotInTheRoomAndBadInput() throws Exception {
        AppRun server = serverOnLoopback();
        startServer(server);

        server.typeAndAwait("/ban nobody", "^Banned the name 'nobody' for 1h\\. Nobody by that name is in the room, so no address is banned\\.$");
        server.typeAndAwait("/ban ega 5x", "^/ban: '5x' is not a duration: give a number and a unit \\(s, m, h, d\\), such as 30s, 10m, 2h, 1d");
        server.typeAndAwait("/ban ega 400d", "^/ban: '400d' is too long: at most 365d$");
        server.typeAndAwait("/ban no!body", "^/ban: username: ");
        server.typeAndAwait("/ban", "^Usage: /ban NAME \\[DURATION\\] \\(");
        server.typeAndAwait("/unban ega", "^'ega' is not banned\\.$");
    }

    @Test
    void aMutedMembersMessagesAreRefusedWithTheTimeLeftUntilUnmuted() throws Exception {
        Room room = joanAndEga();
        AppRun server = room.server();
        AppRun ega = room.ega();

        server.typeAndAwait("/mute ega", "^Muted 'ega' for 10m\\.$");
        ega.typeAndAwait("can anyone hear me?", "^!! not sent: you are muted for another (10 min|9 min \\d+ s)$");
        ega.typeAndAwait("/msg joan psst", "^!! not sent: you are muted for another");

        server.typeAndAwait("/unmute ega", "^Unmuted 'ega'\\.$");
        ega.type("back");
        room.joan().awaitLine(TIME + "<ega> back$");
        assertThat(room.joan().rawOutput()).doesNotContain("hear me", "psst");

        server.typeAndAwait("/mute ega 30s", "^Muted 'ega' for 30s\\.$");
        ega.typeAndAwait("again?", "^!! not sent: you are muted for another [1-3]?\\d s$");
        server.typeAndAwait("/unmute ega", "^Unmuted 'ega'\\.$");
        server.typeAndAwait("/unmute ega", "^'ega' is not muted\\.$");
        server.typeAndAwait("/mute nobody 5m", "^No member named 'nobody' is in the room \\(/who lists them\\)\\.$");
        server.typeAndAwait("/mute ega forever", "^/mute: 'forever' is not a duration");
    }

    @Test
    void sendingFasterThanTheRoomAllowsSaysTooFast() throws Exception {
        String address = startServer(serverOnLoopback());
        AppRun joan = joined(address, "joan");

        for (int i = 0; i < 150; i++) { // the room allows bursts of 40, then 20 a second
            joan.type("flood " + i);
        }

        joan.awaitLine("^!! not sent: too fast — sending faster than the room allows \\(");
    }

    @Test
    void whoShowsAddressesStatsCountsAndHelpListsTheHostsCommands() throws Exception {
        Room room = joanAndEga();
        AppRun server = room.server();
        room.joan().type("halo");
        server.awaitLine("<joan> halo$");

        server.typeAndAwait("/who", "^2 members: joan \\(127\\.0\\.0\\.1:\\d+\\), ega \\(127\\.0\\.0\\.1:\\d+\\)$");
        server.type("/kick ega");
        server.awaitLines("^Kicked 'ega'\\.$", "<-- ega left \\(kicked\\)$");
        server.typeAndAwait("/stats", "^members: 1$");
        server.awaitLine("^messages: 1 accepted, \\d+ events delivered to members, 0 private$");
        server.awaitLine("^refused: none$");
        server.awaitLine("^traffic: \\d+ datagrams in \\(\\d.*\\), \\d+ out \\(\\d.*\\)$");
        server.awaitLine("^dropped: \\d+ malformed, \\d+ unauthenticated, \\d+ replayed; 0 handshakes throttled$");
        server.awaitLine("^departures: 1 kicked$");

        server.typeAndAwait("/help", "^Commands:$");
        server.awaitLines("^  /help ", "^  /who ", "^  /say TEXT ", "^  /kick NAME ", "^  /ban NAME \\[DURATION\\] .*default 1h",
                "^  /unban NAME ", "^  /mute NAME \\[DURATION\\] .*default 10m", "^  /unmute NAME ", "^  /stats ",
                "^  /quit ");
        server.awaitLine("^DURATION is a number and a unit");
        server.typeAndAwait("/frobnicate now", "^Unknown command /frobnicate: /help lists the commands\\.$");
        server.typeAndAwait("hello?", "^Commands start with /: /help lists them");
        server.type("/quit");
        assertThat(server.awaitExit()).isZero();
    }

    @Test
    void hostileTextInHistoryAndPrivateMessagesIsShownVisiblyOnEveryScreen() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        AppRun joan = joined(address, "joan");
        try (ChatClient mallory = mallory(address)) {
            for (String text : HOSTILE.keySet()) {
                mallory.send(text).get(15, TimeUnit.SECONDS);
                mallory.sendPrivate("joan", text).get(15, TimeUnit.SECONDS);
            }
            AppRun ega = joined(address, "ega"); // the room messages are its history now

            for (String shown : HOSTILE.values()) {
                joan.awaitLine(Pattern.quote("*mallory* " + shown));
                server.awaitLine(Pattern.quote("*mallory -> joan* " + shown));
                ega.awaitLine(Pattern.quote("<mallory> " + shown));
            }
            ega.awaitLine(EventFormat.NOW);
            for (AppRun screen : List.of(server, joan, ega)) {
                assertThat(screen.rawOutput()).doesNotContain("\u001b", "\u0007", "\r", "\u009b", "\u202E", "\u200B");
                assertThat(screen.rawOutput().lines()).noneMatch(line -> line.matches("^\\W*\\d\\d:\\d\\d(:\\d\\d)? <joan> fake.*"));
            }
        }
    }

    @Test
    void theBotSaysWhenItIsKickedOrBannedAndExitsWith3Or4() throws Exception {
        AppRun server = serverOnLoopback();
        String address = startServer(server);
        AppRun kicked = run(WITH_PASSWORD, "bot", "--server", address);
        kicked.awaitLine("bot is in the room");

        server.type("/kick bot");

        assertThat(kicked.awaitExit()).isEqualTo(ExitStatus.KICKED);
        kicked.awaitError("^roomcast bot: bot was kicked out of the room by the host$");

        AppRun banned = run(WITH_PASSWORD, "bot", "--server", address);
        banned.awaitLine("bot is in the room");
        server.type("/ban bot 1m");
        assertThat(banned.awaitExit()).isEqualTo(ExitStatus.BANNED);
        banned.awaitError("^roomcast bot: bot was banned from the room by the host$");

        AppRun refused = run(WITH_PASSWORD, "bot", "--server", address);
        assertThat(refused.awaitExit()).isEqualTo(ExitStatus.BANNED);
        refused.awaitError("^roomcast bot: banned: .*banned from this room for another (1 min|\\d+ s)$");
    }

    @Test
    void versionAndHelp() throws Exception {
        AppRun version = run(Map.of(), "--version");
        assertThat(version.awaitExit()).isZero();
        version.awaitLine("^roomcast ");
        AppRun help = run(Map.of(), "--help");
        assertThat(help.awaitExit()).isZero();
        help.awaitLine("server");
    }
}
