package io.roomcast.gateway.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IrcRegistrationTest {
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
    void registersWithoutCapAndIsPutInTheRoomsChannel() throws Exception {
        IrcTestClient irc = room.irc();
        irc.send("PASS " + RoomFixture.PASSWORD);
        irc.send("NICK joan");
        irc.send("USER joan 0 * :Joan");
        assertThat(irc.expectReply("001")).contains("joan").contains("Welcome");
        irc.expectReply("002");
        irc.expectReply("003");
        assertThat(irc.expectReply("004")).contains("roomcast.gateway");
        String isupport = irc.expectReply("005");
        assertThat(isupport).contains("CASEMAPPING=rfc7613", "CHANTYPES=#", "NICKLEN=32", "CHANNELLEN=6", "PREFIX=",
                "NETWORK=Roomcast");
        irc.expect("^:joan!joan@roomcast JOIN #lobby$");
        assertThat(irc.expectReply("332")).endsWith(":Roomcast room lobby (via Roomcast)");
        assertThat(irc.expectReply("353")).endsWith("= #lobby :joan");
        irc.expectReply("366");
        assertThat(room.server.members()).containsExactly("joan");
    }

    @Test
    void registersWithCap302AndTheCapabilitiesItAsked() throws Exception {
        IrcTestClient irc = room.irc();
        irc.send("CAP LS 302");
        assertThat(irc.expect(" CAP \\* LS ")).contains("server-time", "message-tags", "echo-message", "multi-prefix");
        irc.send("PASS " + RoomFixture.PASSWORD);
        irc.send("NICK joan");
        irc.send("USER joan 0 * :Joan");
        irc.send("CAP REQ :server-time echo-message");
        assertThat(irc.expect(" CAP \\S+ (ACK|NAK) ")).endsWith("ACK :server-time echo-message");
        irc.send("CAP REQ :sasl");
        assertThat(irc.expect(" CAP \\S+ (ACK|NAK) ")).endsWith("NAK :sasl");
        assertThat(room.server.members()).as("registration waits for CAP END").isEmpty();
        irc.send("CAP END");
        irc.expectReply("001");
        irc.expectReply("366");
        irc.send("CAP LIST");
        assertThat(irc.expect(" CAP joan LIST ")).contains("server-time").contains("echo-message").doesNotContain("sasl");
    }

    @Test
    void aWrongPasswordGets464AndTheLinkCloses() throws Exception {
        IrcTestClient irc = room.irc();
        irc.send("PASS wrong");
        irc.send("NICK joan");
        irc.send("USER joan 0 * :Joan");
        irc.expectReply("464");
        assertThat(irc.expectClosed()).anyMatch(l -> l.startsWith("ERROR :Closing link"));
        assertThat(room.server.members()).isEmpty();
    }

    @Test
    void aTakenNickGets433AndAnotherNickRegisters() throws Exception {
        room.nativeUser("joan");
        IrcTestClient irc = room.irc();
        irc.send("PASS " + RoomFixture.PASSWORD);
        irc.send("NICK JOAN");
        irc.send("USER joan 0 * :Joan");
        assertThat(irc.expectReply("433")).contains(" JOAN :Nickname is already in use");
        irc.send("NICK joan2");
        irc.expectReply("001");
        assertThat(irc.expectReply("353")).contains("joan").contains("joan2");
    }

    @Test
    void aNickTheRoomsRuleRejectsGets432() throws Exception {
        IrcTestClient irc = room.irc();
        irc.send("NICK bad!nick");
        irc.expectReply("432");
        irc.send("NICK j\u043Ean"); // Cyrillic o among Latin letters
        irc.expectReply("432");
        irc.send("NICK " + "x".repeat(33));
        irc.expectReply("432");
        irc.send("PASS " + RoomFixture.PASSWORD);
        irc.send("NICK ok_nick");
        irc.send("USER u 0 * :U");
        irc.expectReply("001");
    }

    @Test
    void commandsBeforeRegistrationGet451AndMissingParameters461() throws Exception {
        IrcTestClient irc = room.irc();
        irc.send("JOIN #lobby");
        irc.expectReply("451");
        irc.send("PRIVMSG #lobby :hi");
        irc.expectReply("451");
        irc.send("USER onlyone");
        assertThat(irc.expectReply("461")).contains("USER");
        irc.send("NICK");
        irc.expectReply("431");
        irc.send("PING :abc");
        irc.expect("PONG roomcast.gateway :abc$");
    }

    @Test
    void afterRegistrationUnknownCommandsGet421AndMissingParameters461() throws Exception {
        IrcTestClient irc = room.ircUser("joan");
        irc.send("FROBNICATE now");
        assertThat(irc.expectReply("421")).contains("FROBNICATE");
        irc.send("TOPIC");
        irc.expectReply("461");
        irc.send("JOIN");
        irc.expectReply("461");
        irc.send("PRIVMSG");
        irc.expectReply("411");
        irc.send("PRIVMSG #lobby");
        irc.expectReply("412");
        irc.send("USER again 0 * :x");
        irc.expectReply("462");
        irc.send("QUIT :bye now");
        assertThat(irc.expectClosed()).anyMatch(l -> l.startsWith("ERROR :Closing link: Quit: bye now"));
    }
}
