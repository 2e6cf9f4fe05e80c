package io.roomcast.gateway.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IrcChannelTest {
    private RoomFixture room;

    @BeforeEach
    void start() throws Exception {
        room = new RoomFixture();
    }

    @AfterEach
    void stop() {
        room.close();
    }

    @Test
    void channelMessagesGoBothWaysBetweenIrcAndANativeMember() throws Exception {
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        ana.await("joined joan");
        joan.send("PRIVMSG #lobby :hello from \u0002irc\u0002");
        assertThat(ana.await("message joan")).isEqualTo("message joan: hello from \u0002irc\u0002");
        ana.client.send("hello from roomcast\nsecond line");
        joan.expect("^:ana!ana@roomcast PRIVMSG #lobby :hello from roomcast$");
        joan.expect("^:ana!ana@roomcast PRIVMSG #lobby :second line$");
        assertThat(joan.drain(Duration.ofMillis(300))).as("without echo-message, no echo of its own")
                .noneMatch(l -> l.contains("hello from \u0002irc"));
    }

    @Test
    void privateMessagesGoBothWaysAndAnUnknownNickGets401() throws Exception {
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        joan.send("PRIVMSG Ana :psst");
        assertThat(ana.await("private")).isEqualTo("private joan: psst");
        ana.client.sendPrivate("joan", "psst back");
        joan.expect("^:ana!ana@roomcast PRIVMSG joan :psst back$");
        joan.send("PRIVMSG nobody :hello?");
        assertThat(joan.expectReply("401")).contains("nobody");
        joan.send("PRIVMSG #other :hello?");
        joan.expectReply("403");
    }

    @Test
    void echoMessageAndServerTimeTagWhatTheRoomAccepted() throws Exception {
        room.nativeUser("ana");
        IrcTestClient joan = room.irc();
        joan.send("CAP LS 302");
        joan.send("CAP REQ :echo-message server-time");
        joan.expect(" ACK ");
        joan.send("CAP END");
        joan.register("joan", RoomFixture.PASSWORD);
        joan.send("PRIVMSG #lobby :echoed");
        joan.expect("^@time=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z :joan!joan@roomcast PRIVMSG #lobby :echoed$");
        joan.send("PRIVMSG ana :private echo");
        joan.expect("^@time=\\S+ :joan!joan@roomcast PRIVMSG ana :private echo$");
    }

    @Test
    void historyArrivesAfterTheJoinWithServerTimeOrAClockStamp() throws Exception {
        RecordingListener ana = room.nativeUser("ana");
        ana.client.send("first").get(10, TimeUnit.SECONDS);
        ana.client.send("second").get(10, TimeUnit.SECONDS);
        IrcTestClient tagged = room.irc();
        tagged.send("CAP LS 302");
        tagged.send("CAP REQ server-time");
        tagged.expect(" ACK ");
        tagged.send("CAP END");
        tagged.register("joan", RoomFixture.PASSWORD);
        tagged.expect("^@time=\\S+Z :ana!ana@roomcast PRIVMSG #lobby :first$");
        tagged.expect("^@time=\\S+Z :ana!ana@roomcast PRIVMSG #lobby :second$");
        IrcTestClient plain = room.ircUser("maria");
        plain.expect("^:ana!ana@roomcast PRIVMSG #lobby :\\[\\d\\d:\\d\\d UTC\\] first$");
    }

    @Test
    void joinsLeavesKickBanAndAnnouncementsReachIrc() throws Exception {
        IrcTestClient joan = room.ircUser("joan");
        RecordingListener ana = room.nativeUser("ana");
        joan.expect("^:ana!ana@roomcast JOIN #lobby$");
        room.server.announce("the room closes at five");
        joan.expect("^:roomcast.gateway NOTICE #lobby :the room closes at five$");
        ana.client.close();
        joan.expect("^:ana!ana@roomcast QUIT :Left the room$");
        RecordingListener bob = room.nativeUser("bob");
        joan.expect("JOIN #lobby$");
        assertThat(room.server.kick("bob")).isTrue();
        joan.expect("^:roomcast.gateway KICK #lobby bob :Kicked by the room's host$");
        room.nativeUser("carl");
        joan.expect("carl!carl@roomcast JOIN");
        room.server.ban("carl", Duration.ofMinutes(1));
        joan.expect("^:roomcast.gateway KICK #lobby carl :Banned by the room's host$");
        assertThat(bob.client.members()).isEmpty();
    }

    @Test
    void anIrcUserKickedAndBannedSeesKickAndCannotRejoinWhileBanned() throws Exception {
        IrcTestClient joan = room.ircUser("joan");
        room.server.kick("joan");
        joan.expect("^:roomcast.gateway KICK #lobby joan :Kicked by the room's host$");
        joan.send("PRIVMSG #lobby :still here?");
        joan.expectReply("404");
        joan.send("JOIN #lobby");
        joan.expect("^:joan!joan@roomcast JOIN #lobby$");
        joan.expectReply("366");
        room.server.ban("joan", Duration.ofMinutes(1));
        joan.expect("KICK #lobby joan :Banned by the room's host$");
        joan.send("JOIN #lobby");
        joan.expectReply("474");
    }

    @Test
    void partLeavesTheRoomAndJoinComesBack() throws Exception {
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        ana.await("joined joan");
        joan.send("PART #lobby :bye");
        joan.expect("^:joan!joan@roomcast PART #lobby :bye$");
        assertThat(ana.await("left joan")).isEqualTo("left joan LEFT");
        joan.send("PART #lobby");
        joan.expectReply("442");
        joan.send("TOPIC #lobby");
        joan.expectReply("442");
        joan.send("JOIN #elsewhere");
        joan.expectReply("403");
        joan.send("JOIN #LOBBY");
        joan.expect("JOIN #lobby$");
        assertThat(joan.expectReply("353")).contains("ana").contains("joan");
        ana.await("joined joan");
    }

    @Test
    void namesTopicWhoWhoisModeAndAwayAnswerQueries() throws Exception {
        room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        joan.send("NAMES #lobby");
        assertThat(joan.expectReply("353")).endsWith("= #lobby :ana joan");
        joan.expectReply("366");
        joan.send("TOPIC #lobby");
        joan.expectReply("332");
        joan.expectReply("333");
        joan.send("TOPIC #lobby :a new topic");
        assertThat(joan.expectReply("482")).contains("read-only");
        joan.send("AWAY :lunch");
        joan.expectReply("306");
        joan.send("WHO #lobby");
        assertThat(joan.expectReply("352")).contains(" ana ").contains(" H :0 ana");
        assertThat(joan.expectReply("352")).contains(" joan G :0 joan");
        joan.expectReply("315");
        joan.send("AWAY");
        joan.expectReply("305");
        joan.send("WHO ANA");
        assertThat(joan.expectReply("352")).contains(" ana H :0 ana");
        joan.expectReply("315");
        joan.send("ISON ana nobody JOAN");
        assertThat(joan.expectReply("303")).endsWith(":ana JOAN");
        joan.send("WHOIS nobody");
        joan.expectReply("401");
        joan.send("WHOIS ana");
        joan.expectReply("311");
        joan.expectReply("318");
        joan.send("MODE #lobby");
        assertThat(joan.expectReply("324")).endsWith("#lobby :+nt");
        joan.send("MODE #lobby b");
        joan.expectReply("368");
        joan.send("MODE #lobby +m");
        joan.expectReply("482");
        joan.send("MODE joan +i");
        joan.expect("^:joan MODE joan :\\+i$");
        joan.send("MODE joan");
        assertThat(joan.expectReply("221")).endsWith(":+i");
        joan.send("PING :tok");
        joan.expect("PONG roomcast.gateway :tok$");
    }

    @Test
    void aLongMessageIsSplitIntoLinesOf512BytesAtCharacterBoundaries() throws Exception {
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        String text = "é🙂x".repeat(600); // 2 + 4 + 1 bytes, 4,200 bytes in all
        ana.client.send(text).get(10, TimeUnit.SECONDS);
        StringBuilder joined = new StringBuilder();
        List<String> lines = new ArrayList<>();
        while (joined.length() < text.length()) {
            String line = joan.expect("^:ana!ana@roomcast PRIVMSG #lobby :");
            lines.add(line);
            assertThat(line.getBytes(StandardCharsets.UTF_8).length + 2).isLessThanOrEqualTo(512);
            joined.append(line.substring(line.indexOf(" :") + 2));
        }
        assertThat(joined.toString()).isEqualTo(text);
        assertThat(lines.size()).isGreaterThanOrEqualTo(9);
        assertThat(lines.get(0).getBytes(StandardCharsets.UTF_8).length).isGreaterThan(500);
    }

    @Test
    void whenTheRoomClosesTheIrcClientGetsErrorAndTheLinkCloses() throws Exception {
        IrcTestClient joan = room.ircUser("joan");
        room.server.close();
        assertThat(joan.expectClosed()).contains("ERROR :Closing link: The room closed");
    }

    @Test
    void aMessageToSeveralTargetsReachesEachAndTooManyGet407() throws Exception {
        RecordingListener ana = room.nativeUser("ana");
        RecordingListener bob = room.nativeUser("bob");
        IrcTestClient joan = room.ircUser("joan");
        joan.send("PRIVMSG ana,bob :to both");
        assertThat(ana.await("private")).isEqualTo("private joan: to both");
        assertThat(bob.await("private")).isEqualTo("private joan: to both");
        joan.send("PRIVMSG a,b,c,d,e :too many");
        joan.expectReply("407");
        joan.send("NOTICE nobody :no automatic reply to a notice");
        joan.send("PRIVMSG nobody2 :this one gets 401");
        assertThat(joan.expectReply("401")).contains(" nobody2 ");
    }

    @Test
    void aNoticeToTheChannelIsARoomMessageAndJoinZeroLeaves() throws Exception {
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        joan.send("NOTICE #lobby :a notice");
        assertThat(ana.await("message joan")).isEqualTo("message joan: a notice");
        joan.send("JOIN #lobby");
        joan.send("JOIN 0");
        joan.expect("^:joan!joan@roomcast PART #lobby :Left all channels$");
        assertThat(ana.await("left joan")).isEqualTo("left joan LEFT");
        assertThat(ana.events).noneMatch(e -> e.equals("joined joan"));
    }
}
