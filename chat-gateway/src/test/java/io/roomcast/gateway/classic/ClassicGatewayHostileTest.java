package io.roomcast.gateway.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What strangers and misbehaving clients get: nothing, or a clear line; never state past the
 * bounds, never an end to the receive loop. "Nothing" is checked without waiting: on loopback an
 * answer is in the client's socket once the gateway's send returned, and the gateway answers
 * datagrams one at a time, in order, so once a later datagram's answer has arrived an earlier
 * one's would be there too.
 */
@Timeout(90)
class ClassicGatewayHostileTest {
    private ClassicRoom room;

    @BeforeEach
    void openRoom() throws Exception {
        room = new ClassicRoom();
    }

    @AfterEach
    void closeRoom() throws Exception {
        room.close();
    }

    @Test
    void strangersGetNothingForGarbageNonUtf8OversizedOrChatLinesAndTheGatewayGoesOn() throws Exception {
        ClassicGateway gateway = room.gateway();
        ClassicTestClient stranger = room.classic(gateway);

        stranger.sendBytes(new byte[0]);
        stranger.sendBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0x00});
        stranger.sendBytes(("PASSWORD " + "x".repeat(9000)).getBytes(StandardCharsets.UTF_8));
        // an encoded surrogate is not UTF-8, even after a good start
        stranger.sendBytes(new byte[] {'P', 'A', 'S', 'S', 'W', 'O', 'R', 'D', ' ', (byte) 0xED, (byte) 0xA0, (byte) 0x80});
        stranger.send("budi: halo");
        stranger.send("exit");
        stranger.send("\u001b[2J");
        stranger.send("PASSWORD " + ClassicRoom.PASSWORD);
        stranger.expect("PASSWORD OK"); // the first answer: nothing before it got one
        assertThat(stranger.poll()).isNull();

        stranger.send("USERNAME budi");
        stranger.expect("USERNAME OK");
        stranger.expect("budi bergabung ke chatroom.");
    }

    @Test
    void aJoinedClientGetsAClearLineForNonUtf8AndOversizedDatagrams() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        budi.sendBytes(new byte[] {'b', 'u', 'd', 'i', ':', ' ', (byte) 0xC0, (byte) 0xAF});
        budi.expect("Pesan tidak terkirim: not UTF-8 text");
        budi.send("budi: " + "y".repeat(9000));
        budi.expect("Pesan tidak terkirim: longer than 8192 bytes");
        budi.send("budi: masih di sini");
        ana.expect("message budi: masih di sini"); // neither refused datagram reached the room
    }

    @Test
    void controlCharactersFromTheRoomCannotDriveTheClassicTerminalOrFakeALine() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        ana.client.send("\u001b[31mred\ncitra bergabung ke chatroom.\u202Eevil").join();
        budi.expect("ana: \uFFFD[31mred\uFFFDcitra bergabung ke chatroom.\uFFFDevil");
    }

    @Test
    void clientsThatHaveNotJoinedAreBoundedAndTheRestGetNothingUntilASlotFrees() throws Exception {
        ClassicGateway gateway = room.gateway(builder -> builder.limits(2, 10));
        ClassicTestClient first = room.classic(gateway);
        ClassicTestClient second = room.classic(gateway);
        ClassicTestClient third = room.classic(gateway);

        first.send("PASSWORD " + ClassicRoom.PASSWORD);
        first.expect("PASSWORD OK");
        second.send("PASSWORD " + ClassicRoom.PASSWORD);
        second.expect("PASSWORD OK");
        third.send("PASSWORD " + ClassicRoom.PASSWORD);
        first.send("PASSWORD " + ClassicRoom.PASSWORD);
        first.expect("PASSWORD OK"); // answered after third's datagram was handled
        assertThat(third.poll()).as("no state, no answer past the bound").isNull();

        first.send("USERNAME first");
        first.expect("USERNAME OK"); // joined: no longer waiting, so a slot is free
        first.expect("first bergabung ke chatroom.");
        third.send("PASSWORD " + ClassicRoom.PASSWORD);
        third.expect("PASSWORD OK");
    }

    @Test
    void pastTheMostClientsInTheRoomAJoinIsRefusedWithAClearLine() throws Exception {
        ClassicGateway gateway = room.gateway(builder -> builder.limits(4, 1));
        ClassicTestClient first = room.classic(gateway);
        ClassicTestClient second = room.classic(gateway);
        first.join(ClassicRoom.PASSWORD, "first");

        second.send("PASSWORD " + ClassicRoom.PASSWORD);
        second.expect("PASSWORD OK");
        second.send("USERNAME second");
        second.expect("Tidak dapat bergabung ke chatroom: the gateway is full");
        first.send("exit");
        second.send("USERNAME second");
        second.expect("USERNAME OK");
    }

    @Test
    void aFloodFromOneJoinedClientIsCutAtItsRateAndOthersAreStillAnswered() throws Exception {
        ClassicGateway gateway = room.gateway();
        ClassicTestClient budi = room.classic(gateway);
        ClassicTestClient citra = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");

        int flood = 300;
        for (int i = 0; i < flood; i++) {
            budi.send("no prefix " + i); // each one handled gets a refusal line back
        }
        // handled after the whole flood (what of it the socket's buffer held)
        assertThat(citra.sendUntilAnswered("PASSWORD " + ClassicRoom.PASSWORD)).isEqualTo("PASSWORD OK");
        int answered = 0;
        while (budi.poll() != null) {
            answered++;
        }
        // about the burst (less the two commands of the join), not the whole flood; the exact
        // rule, with a clock the test controls, is ClassicSessionTest's
        assertThat(answered).isGreaterThanOrEqualTo(50).isLessThan(flood);
    }

    @Test
    void aClientThatOnlySendsCommandsIsForgottenAfterTwentyAndMustStartOver() throws Exception {
        ClassicGateway gateway = room.gateway();
        ClassicTestClient chatty = room.classic(gateway);
        for (int i = 0; i < ClassicSession.MAX_COMMANDS_BEFORE_JOINING; i++) {
            chatty.send("PASSWORD " + ClassicRoom.PASSWORD);
            chatty.expect("PASSWORD OK");
        }
        chatty.send("USERNAME budi"); // the 21st: the session and its password are dropped, no answer
        chatty.send("USERNAME budi"); // a new session, with no password: the room's is not empty
        chatty.expect("PASSWORD INCORRECT");
        assertThat(chatty.poll()).isNull();
    }

    @Test
    void wrongPasswordsThroughTheGatewayStopBeforeTheRoomWouldRefuseTheGatewaysAddress() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        for (int i = 0; i < WrongPasswords.MAX_FAILURES; i++) {
            ClassicTestClient guesser = room.classic(gateway);
            guesser.send("PASSWORD guess" + i);
            guesser.expect("PASSWORD OK");
            guesser.send("USERNAME guesser" + i);
            guesser.expect("PASSWORD INCORRECT");
        }
        ClassicTestClient student = room.classic(gateway);
        student.send("PASSWORD " + ClassicRoom.PASSWORD);
        student.expect("Terlalu banyak password salah lewat gateway ini; coba lagi beberapa detik lagi.");
        // the room itself still takes the gateway's address: a member from it joins at once
        RecordingMember dewi = room.member("dewi");
        ana.expect("joined dewi");
        dewi.close();
    }
}
