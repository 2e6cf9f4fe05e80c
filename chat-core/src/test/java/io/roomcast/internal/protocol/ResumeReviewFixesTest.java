package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.MalformedPacketException;
import io.roomcast.internal.wire.ShortHeader;
import io.roomcast.internal.wire.WireFormat;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resume bugs found by the fresh-eyes review of issue #12, each reproduced in the deterministic
 * simulator: a fragmented event half-received at the cut, the link dropping right after a resume
 * WELCOME, {@code close()} while reconnecting, {@code onReconnected} after a lost WELCOME, and
 * names held for nobody.
 */
@Timeout(120)
class ResumeReviewFixesTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE = SimulatedRoom.DEFAULT_IDLE_TIMEOUT_NANOS;
    private static final InetSocketAddress JOAN = new InetSocketAddress("127.0.0.5", 30_000);

    private static void cut(SimulatedRoom room, InetSocketAddress address) {
        room.network().partition(address, SimulatedRoom.SERVER);
        room.network().partition(SimulatedRoom.SERVER, address);
    }

    private static void heal(SimulatedRoom room, InetSocketAddress address) {
        room.network().heal(address, SimulatedRoom.SERVER);
        room.network().heal(SimulatedRoom.SERVER, address);
    }

    private static boolean isShortHeader(byte[] datagram) {
        return !HandshakePacket.isLongHeader(ByteBuffer.wrap(datagram));
    }

    private static boolean isProof(byte[] datagram) {
        try {
            return !isShortHeader(datagram)
                    && HandshakePacket.decode(ByteBuffer.wrap(datagram)) instanceof HandshakePacket.Proof;
        } catch (MalformedPacketException e) {
            return false;
        }
    }

    /** joan (reconnecting for {@code reconnect}) and ega in a room that holds sessions for 6 idle timeouts. */
    private static SimulatedRoom roomWithJoanAndEga(long seed, long reconnect) {
        SimulatedRoom room = SimulatedRoom.builder(seed).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(6 * IDLE)).build();
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(reconnect), JOAN);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        return room;
    }

    private static long count(List<String> log, String line) {
        return log.stream().filter(line::equals).count();
    }

    private static long countEnding(List<String> log, String suffix) {
        return log.stream().filter(line -> line.endsWith(suffix)).count();
    }

    private static int indexOfEnding(List<String> log, String suffix) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).endsWith(suffix)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Review finding 1: the old connection's unfinished reassembly of a fragmented event made the
     * resumed connection look stale at once (no progress for twice the idle timeout), and the
     * client reconnected again, forever.
     */
    @Test
    void aFragmentedEventHalfReceivedAtTheCutArrivesOnceAfterASingleResume() {
        SimulatedRoom room = roomWithJoanAndEga(83, 6 * IDLE);
        RecordingClientSink joan = room.sink("joan");
        String big = "x".repeat(8000);
        int[] bigPackets = {0};
        room.network().rewrite(SimulatedRoom.SERVER, JOAN, datagram -> {
            if (isShortHeader(datagram) && datagram.length > 600 && ++bigPackets[0] == 2) {
                cut(room, JOAN); // joan has the first piece(s) of the big event, not the rest
            }
            return datagram;
        });
        room.send("ega", big);
        room.runFor(SECOND);
        room.network().rewrite(SimulatedRoom.SERVER, JOAN, null);
        assertThat(room.client("joan").session().fragmentBytes()).as("part of the event arrived").isPositive();
        room.runFor(3 * IDLE);
        heal(room, JOAN);
        room.runFor(30 * SECOND);

        assertThat(joan.disconnected).as(joan.log.toString()).isNull();
        assertThat(joan.log.stream().filter(line -> line.startsWith("reconnecting")).count())
                .as("one outage, one reconnect").isEqualTo(1);
        assertThat(joan.log).contains("reconnected true");
        assertThat(joan.messages.stream().filter(message -> message.text().equals(big)).count())
                .as("the big message exactly once").isEqualTo(1);
        List<String> egaSaw = room.sink("ega").log;
        assertThat(count(egaSaw, "<-- joan TIMED_OUT")).as(egaSaw.toString()).isEqualTo(1);
        assertThat(count(egaSaw, "--> joan")).as(egaSaw.toString()).isEqualTo(1);
        assertThat(room.client("joan").isJoined()).isTrue();
    }

    /**
     * Review finding 2, first variant: the client got the resume WELCOME (a rotated id), then the
     * link dropped before any of its packets reached the server, which held the unconfirmed
     * member's session under the previous id only: the client's next resume was refused.
     */
    @Test
    void theLinkDroppingRightAfterAResumeWelcomeArrivedDoesNotEndTheSession() {
        SimulatedRoom room = roomWithJoanAndEga(71, 8 * IDLE);
        RecordingClientSink joan = room.sink("joan");
        cut(room, JOAN);
        room.send("ega", "missed1");
        room.runFor(2 * IDLE);
        assertThat(room.server().heldSessions().size()).isEqualTo(1);
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, datagram -> {
            if (isShortHeader(datagram)) {
                cut(room, JOAN); // the first packet after the WELCOME: the link goes down both ways
            }
            return datagram;
        });
        heal(room, JOAN);
        assertThat(room.runUntil(() -> room.client("joan").isJoined(), 20 * SECOND)).isTrue();
        room.runFor(SECOND);
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, null);
        room.send("ega", "missed2");
        room.runFor(2 * IDLE); // both sides time out again
        assertThat(room.server().memberNames()).containsExactly("ega");
        heal(room, JOAN);
        room.runFor(30 * SECOND);
        room.send("ega", "live");
        assertThat(room.runUntil(() -> countEnding(joan.log, "<ega> live") == 1, 10 * SECOND)).as(joan.log.toString())
                .isTrue();

        assertThat(joan.disconnected).as(joan.log.toString()).isNull();
        assertThat(joan.log).contains("reconnected true").doesNotContain("reconnected false");
        assertThat(countEnding(joan.log, "<ega> missed1")).isEqualTo(1);
        assertThat(countEnding(joan.log, "<ega> missed2")).isEqualTo(1);
        assertThat(room.server().memberNames()).containsExactly("ega", "joan");
        assertThat(room.server().heldSessions().size()).isZero();
    }

    /**
     * Review finding 2, second variant: the client got the resume WELCOME and its attempt with the
     * rotated id reaches the server before the server timed the unconfirmed member out. The member
     * was removed and held under the previous id, so the valid credential resumed nothing.
     */
    @Test
    void aResumeWithTheRotatedIdBeforeTheServerNoticedTheDropResumes() {
        SimulatedRoom room = roomWithJoanAndEga(73, 8 * IDLE);
        cut(room, JOAN);
        room.runFor(2 * IDLE);
        ResumeTicket previous = room.client("joan").session().resumeTicket(); // what it resumes with
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, datagram -> {
            if (isShortHeader(datagram)) {
                cut(room, JOAN);
            }
            return datagram;
        });
        heal(room, JOAN);
        assertThat(room.runUntil(() -> room.client("joan").isJoined(), 20 * SECOND)).isTrue();
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, null);
        room.send("ega", "said meanwhile");
        room.runFor(2 * SECOND);
        assertThat(room.server().memberNames()).as("not timed out yet").containsExactly("ega", "joan");
        ResumeTicket ticket = room.client("joan").session().resumeTicket();

        // the client's next attempt, with the id the WELCOME gave it, from where it is now
        room.resume("joan", ticket, new InetSocketAddress("127.0.0.6", 30_000));
        RecordingClientSink back = room.sink("joan");
        assertThat(room.runUntil(back::joined, 10 * SECOND)).as(back.log.toString()).isTrue();
        assertThat(back.connectFailure).isNull();
        room.runFor(2 * SECOND);
        assertThat(back.joinSequence).as("nothing missed: it continues where it was")
                .isEqualTo(ticket.lastDelivered());
        assertThat(countEnding(back.log, "<ega> said meanwhile")).as(back.log.toString()).isEqualTo(1);
        assertThat(room.server().memberNames()).containsExactly("ega", "joan");
        assertThat(room.server().heldSessions().size()).isZero();

        // single use: claimed with the rotated id, the session is not resumed with the previous one
        room.resume("joan", previous, new InetSocketAddress("127.0.0.7", 30_000));
        RecordingClientSink replay = room.sink("joan");
        assertThat(room.runUntil(() -> replay.connectFailure != null, 10 * SECOND)).isTrue();
        assertThat(replay.connectFailure).isEqualTo(ClientEventSink.ConnectFailure.USERNAME_TAKEN);
        assertThat(back.disconnected).isNull();
        assertThat(room.server().memberNames()).containsExactly("ega", "joan");
    }

    /**
     * Review finding 3: {@code close()} while reconnecting, after the attempt's PROOF went out,
     * left the member the server had already admitted in the room (a ghost, then TIMED_OUT, then
     * its name held for nobody).
     */
    @Test
    void closingWhileReconnectingAfterTheProofWentOutLeavesTheRoomAtOnce() {
        SimulatedRoom room = roomWithJoanAndEga(73, 6 * IDLE);
        cut(room, JOAN);
        room.runFor(2 * IDLE);
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, datagram -> {
            if (isProof(datagram)) {
                room.network().partition(SimulatedRoom.SERVER, JOAN); // its answer is lost
            }
            return datagram;
        });
        heal(room, JOAN);
        assertThat(room.runUntil(() -> room.server().memberNames().contains("joan"), 20 * SECOND)).isTrue();
        assertThat(room.client("joan").isReconnecting()).isTrue();
        room.act(() -> room.client("joan").close(room.now()));
        assertThat(room.sink("joan").disconnected).as("told at once").isEqualTo(CloseReason.LEFT);
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, null);
        heal(room, JOAN);
        room.runFor(5 * SECOND);

        assertThat(room.server().memberNames()).as("no ghost").containsExactly("ega");
        assertThat(room.sink("ega").log).contains("<-- joan LEFT");
        room.runFor(IDLE);
        assertThat(room.sink("ega").log).as("it left, it did not time out later")
                .containsOnlyOnce("<-- joan LEFT");
        assertThat(room.server().heldSessions().size()).as("nobody's name held").isZero();
        assertThat(room.sink("joan").log).containsOnlyOnce("disconnected LEFT");
    }

    /**
     * Review finding 4: a lost resume WELCOME puts two of the client's own JOINED events in the
     * replay (the retry replaces the unconfirmed member); onReconnected came at the first, before
     * what was said between them.
     */
    @Test
    void afterALostResumeWelcomeOnReconnectedComesAfterEveryMissedEvent() {
        SimulatedRoom room = roomWithJoanAndEga(43, 6 * IDLE);
        RecordingClientSink joan = room.sink("joan");
        cut(room, JOAN);
        room.send("ega", "missed1");
        room.runFor(2 * IDLE);
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, datagram -> {
            if (isProof(datagram)) {
                room.network().partition(SimulatedRoom.SERVER, JOAN); // the WELCOME is lost
                room.network().rewrite(JOAN, SimulatedRoom.SERVER, null);
            }
            return datagram;
        });
        heal(room, JOAN);
        assertThat(room.runUntil(() -> room.server().memberNames().contains("joan"), 20 * SECOND)).isTrue();
        room.send("ega", "missed2"); // said while the first resume's WELCOME is lost
        room.runFor(6 * SECOND);
        heal(room, JOAN);
        assertThat(room.runUntil(() -> joan.log.contains("reconnected true"), 20 * SECOND)).as(joan.log.toString())
                .isTrue();
        room.send("ega", "live");
        assertThat(room.runUntil(() -> countEnding(joan.log, "<ega> live") == 1, 10 * SECOND)).isTrue();

        int back = joan.log.indexOf("reconnected true");
        assertThat(indexOfEnding(joan.log, "<ega> missed1")).as(joan.log.toString()).isBetween(0, back - 1);
        assertThat(indexOfEnding(joan.log, "<ega> missed2")).as(joan.log.toString()).isBetween(0, back - 1);
        assertThat(indexOfEnding(joan.log, "<ega> live")).as(joan.log.toString()).isGreaterThan(back);
        assertThat(count(joan.log, "reconnected true")).isEqualTo(1);
        assertThat(countEnding(joan.log, "<ega> missed2")).isEqualTo(1);
    }

    /**
     * Review finding 6a: a resume refused ROOM_FULL ended the client, while the server kept its
     * session held for it (for nobody, then). The client retries, and resumes once a seat frees.
     */
    @Test
    void aResumeRefusedBecauseTheRoomIsFullResumesOnceASeatFreesWithinTheReconnectTime() {
        SimulatedRoom room = SimulatedRoom.builder(67).maxMembers(2).configure(config -> config
                .withRateLimit(10_000, 10_000).withResumeWindow(6 * IDLE)).build();
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(6 * IDLE), JOAN);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        RecordingClientSink joan = room.sink("joan");
        cut(room, JOAN);
        room.send("ega", "missed");
        room.runFor(IDLE + 2 * SECOND);
        assertThat(room.join("kai")).as("a held name does not count towards the room's size").isTrue();
        heal(room, JOAN);
        room.runFor(15 * SECOND);
        assertThat(joan.disconnected).as("refused ROOM_FULL, it keeps trying: %s", joan.log).isNull();
        assertThat(room.server().heldSessions().size()).isEqualTo(1);

        room.act(() -> room.client("kai").close(room.now()));
        assertThat(room.runUntil(() -> joan.log.contains("reconnected true"), 30 * SECOND)).as(joan.log.toString())
                .isTrue();
        assertThat(joan.disconnected).isNull();
        assertThat(countEnding(joan.log, "<ega> missed")).isEqualTo(1);
        assertThat(indexOfEnding(joan.log, "<ega> missed")).isLessThan(joan.log.indexOf("reconnected true"));
        assertThat(room.server().memberNames()).containsExactly("ega", "joan");
        assertThat(room.server().heldSessions().size()).isZero();
    }

    /**
     * Stalls joan's message: after the first large datagram, every datagram to the server large
     * enough to carry a slice is spoilt (it fails authentication and is dropped); smaller ones
     * (ACKs, PINGs) pass, so joan still answers.
     */
    private static void stallJoansSlices(SimulatedRoom room) {
        int sliceDatagram = ShortHeader.BYTES + Frame.Send.OVERHEAD_BYTES + 1 + WireFormat.PROTECTION_OVERHEAD_BYTES;
        boolean[] firstPassed = {false};
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, datagram -> {
            if (isShortHeader(datagram) && datagram.length >= sliceDatagram) {
                if (firstPassed[0]) {
                    datagram[datagram.length - 1] ^= 1;
                } else if (datagram.length >= 1000) {
                    firstPassed[0] = true;
                }
            }
            return datagram;
        });
    }

    /**
     * Review finding 6b, a member still answering: its message left incomplete for twice the idle
     * timeout, it is told TIMED_OUT (and ends), and its name is not held for nobody.
     */
    @Test
    void aMemberStillAnsweringThatLeavesAMessageIncompleteIsToldAndNothingIsHeld() {
        SimulatedRoom room = roomWithJoanAndEga(89, 6 * IDLE);
        stallJoansSlices(room);
        room.act(() -> room.client("joan").send("y".repeat(4000)));
        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> joan.disconnected != null, 3 * IDLE)).as(joan.log.toString()).isTrue();

        assertThat(joan.disconnected).as("told").isEqualTo(CloseReason.TIMED_OUT);
        assertThat(room.runUntil(() -> room.sink("ega").log.contains("<-- joan TIMED_OUT"), 5 * SECOND)).isTrue();
        assertThat(room.server().heldSessions().size()).as("nothing held for a client told it ended").isZero();
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, null);
        assertThat(room.join("joan")).as("the name is free").isTrue();
    }

    /**
     * Review finding 6b, a member cut off: its message left incomplete for twice the idle timeout
     * while the server hears nothing from it, its session is held and it is not told; it resumes
     * and the message arrives once.
     */
    @Test
    void aMemberCutOffWithAMessageIncompleteIsHeldNotToldAndSendsItOnceAfterResuming() {
        SimulatedRoom room = roomWithJoanAndEga(97, 8 * IDLE);
        String text = "z".repeat(4000);
        stallJoansSlices(room);
        room.act(() -> room.client("joan").send(text));
        room.runFor(IDLE + IDLE / 2);
        room.network().rewrite(JOAN, SimulatedRoom.SERVER, null);
        room.network().partition(JOAN, SimulatedRoom.SERVER); // the server hears nothing more from joan
        assertThat(room.runUntil(() -> room.server().heldSessions().size() == 1, IDLE)).isTrue();
        RecordingClientSink joan = room.sink("joan");
        room.runFor(2 * SECOND);
        assertThat(joan.disconnected).as("not told: %s", joan.log).isNull();
        assertThat(room.runUntil(() -> room.client("joan").isReconnecting(), 2 * IDLE)).isTrue();
        room.network().heal(JOAN, SimulatedRoom.SERVER);

        assertThat(room.runUntil(() -> joan.log.contains("reconnected true"), 30 * SECOND)).as(joan.log.toString())
                .isTrue();
        assertThat(room.runUntil(() -> room.serverSink().messages.contains("joan: " + text), 10 * SECOND)).isTrue();
        room.runFor(5 * SECOND);
        assertThat(room.serverSink().messages.stream().filter(("joan: " + text)::equals).count()).isEqualTo(1);
        assertThat(room.sink("ega").messages.stream().filter(message -> message.text().equals(text)).count())
                .isEqualTo(1);
        assertThat(room.sink("ega").log).containsOnlyOnce("<-- joan TIMED_OUT");
        assertThat(room.client("joan").session().unconfirmedCount()).isZero();
    }

    /**
     * Review finding 6c: a member cut off and left behind by the room log is held, so the others
     * see it time out (as the issue says), not leave TOO_SLOW.
     */
    @Test
    void aMemberCutOffAndLeftBehindByTheLogIsSeenToTimeOut() {
        SimulatedRoom room = SimulatedRoom.builder(13).configure(config -> config.withRateLimit(10_000, 10_000)
                .withResumeWindow(6 * IDLE).withLogCapacity(16).withHistorySize(5)).build();
        room.add(room.clientConfig("joan", SimulatedRoom.DEFAULT_PASSWORD).withReconnect(6 * IDLE), JOAN);
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 10 * SECOND)).isTrue();
        assertThat(room.join("ega")).isTrue();
        cut(room, JOAN);
        for (int i = 0; i < 30; i++) {
            room.send("ega", "b" + i);
            room.runFor(SECOND / 5); // ega keeps up with the small log
        }
        assertThat(room.server().memberNames()).as("removed before its idle timeout").containsExactly("ega");
        assertThat(room.server().heldSessions().size()).isEqualTo(1);
        assertThat(room.sink("ega").log).contains("<-- joan TIMED_OUT").doesNotContain("<-- joan TOO_SLOW");
        heal(room, JOAN);
        RecordingClientSink joan = room.sink("joan");
        assertThat(room.runUntil(() -> joan.log.contains("reconnected false"), 2 * IDLE)).as(joan.log.toString())
                .isTrue();
        assertThat(joan.disconnected).isNull();
    }
}
