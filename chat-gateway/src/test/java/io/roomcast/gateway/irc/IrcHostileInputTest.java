package io.roomcast.gateway.irc;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.RefusalReason;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class IrcHostileInputTest {
    private RoomFixture room;

    @AfterEach
    void stop() {
        if (room != null) {
            room.close();
        }
    }

    @Test
    void anOversizedLineGets417AndTheConnectionGoesOn() throws Exception {
        room = new RoomFixture();
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        joan.send("PRIVMSG #lobby :" + "x".repeat(20_000));
        joan.expectReply("417");
        joan.send("PRIVMSG #lobby :after");
        assertThat(ana.await("message joan")).isEqualTo("message joan: after");
    }

    @Test
    void garbageAndBytesThatAreNotUtf8DoNotHurtTheConnection() throws Exception {
        room = new RoomFixture();
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        joan.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1, 2, ' ', ':', '\r', '\n', '@', '\n', ':', 'x', '\n', ' ', ' ', '\n'});
        joan.send(":prefix-only");
        joan.send("@a=b;c :pfx");
        joan.send("PRIVMSG #lobby :bad \u0000 byte and " + new String(new byte[] {(byte) 0xC3}, StandardCharsets.ISO_8859_1));
        assertThat(ana.await("message joan")).doesNotContain("\u0000").startsWith("message joan: bad  byte and ");
        joan.send("PING :still-alive");
        joan.expect("PONG roomcast.gateway :still-alive$");
    }

    @Test
    void carriageReturnsAndLineFeedsNeverReachTheRoomInsideAMessage() throws Exception {
        room = new RoomFixture();
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        joan.sendRaw("PRIVMSG #lobby :one\rPRIVMSG #lobby :two\nPRIVMSG #lobby :three\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(ana.await("message joan")).isEqualTo("message joan: one");
        assertThat(ana.await("message joan")).isEqualTo("message joan: two");
        assertThat(ana.await("message joan")).isEqualTo("message joan: three");
    }

    @Test
    void floodRefusalsBecomeNotices() throws Exception {
        room = new RoomFixture(s -> s.rateLimit(1, 2), g -> { });
        IrcTestClient joan = room.ircUser("joan");
        for (int i = 0; i < 6; i++) {
            joan.send("PRIVMSG #lobby :flood " + i);
        }
        joan.expect("^:roomcast.gateway NOTICE joan :Not delivered to #lobby \\(rate_limited\\): ");
    }

    @Test
    void aMessageLargerThanTheRoomAllowsBecomesANotice() throws Exception {
        room = new RoomFixture(s -> s.maxMessageBytes(16), g -> { });
        IrcTestClient joan = room.ircUser("joan");
        joan.send("PRIVMSG #lobby :" + "z".repeat(40));
        assertThat(joan.expect(" NOTICE joan :Not delivered to #lobby")).contains("40 bytes").contains("16");
        joan.send("PRIVMSG #lobby :short");
        joan.send("PING :still-here");
        joan.expect("PONG roomcast.gateway :still-here$");
    }

    @Test
    void muteRefusalsBecomeNotices() throws Exception {
        room = new RoomFixture();
        IrcTestClient joan = room.ircUser("joan");
        room.server.mute("joan", Duration.ofMinutes(1));
        RecordingListener ana = room.nativeUser("ana");
        joan.expect("ana!ana@roomcast JOIN");
        joan.send("PRIVMSG ana :muted?");
        joan.expect("^:roomcast.gateway NOTICE joan :Not delivered to ana \\(" + RefusalReason.MUTED.name().toLowerCase() + "\\): ");
        assertThat(ana.events).noneMatch(e -> e.startsWith("private"));
    }

    @Test
    void aConnectionThatNeverRegistersIsDroppedAtTheRegistrationTimeout() throws Exception {
        room = new RoomFixture(s -> { }, g -> g.registrationTimeout(Duration.ofMillis(700)));
        IrcTestClient silent = room.irc();
        IrcTestClient halfway = room.irc();
        halfway.send("NICK halfway");
        assertThat(silent.expectClosed()).containsExactly("ERROR :Closing link: Registration timed out");
        assertThat(halfway.expectClosed()).contains("ERROR :Closing link: Registration timed out");
        assertThat(room.server.members()).isEmpty();
    }

    @Test
    void aRegisteredClientThatFallsSilentIsPingedThenDropped() throws Exception {
        room = new RoomFixture(s -> { }, g -> g.pingInterval(Duration.ofSeconds(2))); // a loaded machine still answers in time
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        joan.expect("^PING :roomcast.gateway$");
        joan.send("PONG :roomcast.gateway");
        joan.expect("^PING :roomcast.gateway$");
        assertThat(joan.expectClosed()).anyMatch(l -> l.startsWith("ERROR :Closing link: Ping timeout"));
        assertThat(ana.await("left joan")).isEqualTo("left joan LEFT");
    }

    @Test
    void aClientThatNeverReadsIsDroppedAndTheOthersStillGetEverything() throws Exception {
        room = new RoomFixture(s -> s.rateLimit(10_000, 10_000), g -> g.maxQueuedBytes(64 * 1024));
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient maria = room.ircUser("maria");
        try (Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(room.gateway.address(), 5000);
            OutputStream out = stuck.getOutputStream();
            out.write(("PASS " + RoomFixture.PASSWORD + "\r\nNICK stuck\r\nUSER s 0 * :s\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            ana.await("joined stuck");
            String big = "y".repeat(8_000);
            boolean dropped = false;
            for (int i = 0; i < 2_000 && !dropped; i++) { // at most 16 MB, far past any socket buffer
                ana.client.send(i + " " + big).get(10, TimeUnit.SECONDS);
                maria.expect("^:ana!ana@roomcast PRIVMSG #lobby :" + i + " y"); // paced by a client that reads
                dropped = ana.events.stream().anyMatch(e -> e.startsWith("left stuck"));
            }
            assertThat(ana.await("left stuck")).isEqualTo("left stuck LEFT");
        }
        ana.client.send("last").get(10, TimeUnit.SECONDS);
        maria.expect("PRIVMSG #lobby :last$");
    }

    @Test
    void connectionsPastTheBoundAreRefused() throws Exception {
        room = new RoomFixture(s -> { }, g -> g.maxConnections(2));
        room.ircUser("one");
        room.ircUser("two");
        IrcTestClient third = room.irc();
        assertThat(third.expectClosed()).containsExactly("ERROR :Closing link: too many connections");
    }

    @Test
    void closingTheGatewayEndsEveryConnectionAndItsMember() throws Exception {
        room = new RoomFixture();
        RecordingListener ana = room.nativeUser("ana");
        IrcTestClient joan = room.ircUser("joan");
        InetSocketAddress address = room.gateway.address();
        room.gateway.close();
        assertThat(joan.expectClosed()).contains("ERROR :Closing link: The gateway is shutting down");
        assertThat(ana.await("left joan")).isEqualTo("left joan LEFT");
        assertThat(room.gateway.connectionCount()).isZero();
        assertThat(address.getPort()).isPositive();
    }

    @Test
    void aClientThatKeepsTryingTakenNicksIsDroppedAfterABurstOfJoins() throws Exception {
        room = new RoomFixture();
        room.nativeUser("taken");
        IrcTestClient irc = room.irc();
        irc.send("PASS " + RoomFixture.PASSWORD);
        irc.send("USER u 0 * :u");
        for (int i = 0; i < IrcSession.JOIN_BURST; i++) {
            irc.send("NICK taken");
            irc.expectReply("433");
        }
        irc.send("NICK taken");
        assertThat(irc.expectClosed()).contains("ERROR :Closing link: Too many join attempts");
    }
}
