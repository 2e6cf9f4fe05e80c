package io.roomcast.gateway.classic;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The classic protocol exactly as written, spoken by a test client, with a Roomcast member in the same room. */
@Timeout(90)
class ClassicGatewayTest {
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
    void aClassicClientAndAMemberTalkBothWaysAndSeeEachOtherComeAndGo() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);

        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        budi.send("budi: halo semua");
        ana.expect("message budi: halo semua");
        budi.expect("budi: halo semua"); // the original forwarded every message to every client, the sender too

        ana.client.send("hai budi").join();
        budi.expect("ana: hai budi");
        ana.expect("message ana: hai budi");

        RecordingMember citra = room.member("citra");
        budi.expect("citra bergabung ke chatroom.");
        citra.close();
        budi.expect("citra telah keluar dari chatroom.");

        budi.send("exit");
        ana.expect("joined citra");
        ana.expect("left citra LEFT");
        ana.expect("left budi LEFT");
        assertThat(room.server.members()).containsExactly("ana");
    }

    @Test
    void twoClassicClientsTalkThroughTheRoomAsTheyDidThroughTheOriginalServer() throws Exception {
        ClassicGateway gateway = room.gateway();
        ClassicTestClient budi = room.classic(gateway);
        ClassicTestClient citra = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        citra.join(ClassicRoom.PASSWORD, "citra");
        budi.expect("citra bergabung ke chatroom.");

        citra.send("citra: halo budi");
        budi.expect("citra: halo budi");
        citra.expect("citra: halo budi");
        budi.send("exit");
        citra.expect("budi telah keluar dari chatroom.");
        assertThat(room.server.members()).containsExactly("citra");
    }

    @Test
    void aWrongPasswordIsIncorrectAtTheJoinAndNobodyJoinsUntilTheRightOne() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);

        budi.send("PASSWORD salah");
        budi.expect("PASSWORD OK"); // taken: the room checks it at the join
        budi.send("USERNAME budi");
        budi.expect("PASSWORD INCORRECT");
        budi.send("USERNAME budi"); // until a new PASSWORD, the refused one is not tried again
        budi.expect("PASSWORD INCORRECT");
        assertThat(room.server.members()).containsExactly("ana");

        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi"); // the first event ana sees: the failed tries never showed in the room
    }

    @Test
    void aTakenNameAndANameTheRuleRefusesAreBothTakenAndTheClientMayTryAnother() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient classic = room.classic(gateway);

        classic.send("PASSWORD " + ClassicRoom.PASSWORD);
        classic.expect("PASSWORD OK");
        classic.send("USERNAME ANA"); // names are unique ignoring case
        classic.expect("USERNAME TAKEN");
        classic.send("USERNAME b\u043Edi"); // a Cyrillic o among Latin letters
        classic.expect("USERNAME TAKEN");
        classic.send("USERNAME " + "x".repeat(33));
        classic.expect("USERNAME TAKEN");
        classic.send("USERNAME budi");
        classic.expect("USERNAME OK");
        classic.expect("budi bergabung ke chatroom.");
        ana.expect("joined budi");
    }

    @Test
    void aLineUnderAnotherMembersNameIsRefusedAndReachesNobody() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        budi.send("ana: I am ana");
        budi.expect("Pesan tidak terkirim: awali dengan \"budi: \"");
        budi.send("halo tanpa nama");
        budi.expect("Pesan tidak terkirim: awali dengan \"budi: \"");
        budi.send("budi: the real me");
        ana.expect("message budi: the real me"); // the next event: neither refused line reached the room
        budi.expect("budi: the real me");
    }

    @Test
    void aLongMessageReachesTheClassicClientInDatagramsOfAtMost1024BytesSplitBetweenCharacters() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        String text = "é".repeat(700) + "漢字".repeat(300) + "😀".repeat(200) + "end";
        ana.client.send(text).join();
        String expected = "ana: " + text;
        int expectedBytes = expected.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder received = new StringBuilder();
        int parts = 0;
        int bytes = 0;
        while (bytes < expectedBytes) {
            byte[] datagram = budi.receiveBytes();
            assertThat(datagram.length).isLessThanOrEqualTo(1024);
            String part = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(datagram)).toString();
            received.append(part); // each part decodes alone: no character was cut
            bytes += datagram.length;
            parts++;
        }
        assertThat(received.toString()).isEqualTo(expected);
        assertThat(parts).isGreaterThanOrEqualTo(expectedBytes / 1024 + 1);
    }

    @Test
    void joinAndLeaveLinesAreEnglishWithEnglish() throws Exception {
        ClassicGateway gateway = room.gateway(builder -> builder.language(ClassicGateway.Language.ENGLISH));
        ClassicTestClient budi = room.classic(gateway);
        budi.send("PASSWORD " + ClassicRoom.PASSWORD);
        budi.expect("PASSWORD OK");
        budi.send("USERNAME budi");
        budi.expect("USERNAME OK");
        budi.expect("budi joined the chatroom.");

        RecordingMember ana = room.member("ana");
        budi.expect("ana joined the chatroom.");
        ana.close();
        budi.expect("ana left the chatroom.");
        budi.send("ana: hi");
        budi.expect("Message not sent: start it with \"budi: \"");
    }

    @Test
    void privateMessagesAndAnnouncementsArePlainLines() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        ana.client.sendPrivate("budi", "psst").join();
        budi.expect("[pribadi] ana: psst");
        room.server.announce("kelas dimulai");
        budi.expect("[pengumuman] kelas dimulai");
    }

    @Test
    void aMessageTheRoomRefusesComesBackAsALineWithTheRoomsReason() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        assertThat(room.server.mute("budi", Duration.ofMinutes(5))).isTrue();
        budi.send("budi: can anyone hear me");
        assertThat(budi.receive()).startsWith("Pesan tidak terkirim: ").contains("muted");
        room.server.unmute("budi");
        budi.send("budi: now?");
        assertThat(ana.next()).isEqualTo("message budi: now?"); // the muted line never reached the room
    }

    @Test
    void aClassicClientSilentForTheIdleTimeoutIsLeftAndTold() throws Exception {
        ClassicGateway gateway = room.gateway(Duration.ofMillis(400));
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        ana.expect("left budi LEFT"); // budi says nothing
        budi.expect("Anda keluar dari chatroom: terlalu lama tidak ada pesan dari Anda.");
        budi.send("budi: still here?"); // forgotten: a stranger's chat line gets nothing
        budi.send("PASSWORD " + ClassicRoom.PASSWORD);
        budi.expect("PASSWORD OK"); // the next answer: the chat line got none
    }

    @Test
    void kickedByTheHostTheClassicClientIsToldAndForgotten() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        assertThat(room.server.kick("budi")).isTrue();
        ana.expect("left budi KICKED");
        budi.expect("Anda dikeluarkan dari chatroom oleh host.");
        budi.join(ClassicRoom.PASSWORD, "budi"); // a kicked member may join again
        ana.expect("joined budi");
    }

    @Test
    void bannedTheClassicClientIsToldAndTheBanCoversTheGatewaysAddressForNewJoins() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        ClassicTestClient citra = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");

        room.server.ban("budi", Duration.ofMinutes(1));
        ana.expect("left budi BANNED");
        budi.expect("Anda diblokir dari chatroom oleh host.");
        citra.send("PASSWORD " + ClassicRoom.PASSWORD);
        citra.expect("PASSWORD OK");
        citra.send("USERNAME citra");
        assertThat(citra.receive()).startsWith("Tidak dapat bergabung ke chatroom: ").containsIgnoringCase("banned");
        assertThat(room.server.unban("budi")).isTrue();
        citra.send("USERNAME citra");
        citra.expect("USERNAME OK");
    }

    @Test
    void closingTheGatewayLeavesTheRoomForEveryClassicClient() throws Exception {
        ClassicGateway gateway = room.gateway();
        RecordingMember ana = room.member("ana");
        ClassicTestClient budi = room.classic(gateway);
        ClassicTestClient citra = room.classic(gateway);
        budi.join(ClassicRoom.PASSWORD, "budi");
        ana.expect("joined budi");
        citra.join(ClassicRoom.PASSWORD, "citra");
        ana.expect("joined citra");

        gateway.close();
        assertThat(java.util.Set.of(ana.next(), ana.next())).containsExactlyInAnyOrder("left budi LEFT", "left citra LEFT");
        assertThat(room.server.members()).containsExactly("ana");
    }

    @Test
    void anOpenRoomTakesAUsernameWithoutAPassword() throws Exception {
        try (ChatServer open = ChatServer.builder().bind("127.0.0.1", 0).build()) {
            open.start();
            try (ClassicGateway gateway = ClassicGateway.builder().room(open.localAddress())
                    .bind(new java.net.InetSocketAddress("127.0.0.1", 0)).build()) {
                gateway.start();
                try (ClassicTestClient budi = new ClassicTestClient(gateway.address())) {
                    budi.send("USERNAME budi"); // the original server never required PASSWORD first
                    budi.expect("USERNAME OK");
                    budi.expect("budi bergabung ke chatroom.");
                }
            }
        }
    }
}
