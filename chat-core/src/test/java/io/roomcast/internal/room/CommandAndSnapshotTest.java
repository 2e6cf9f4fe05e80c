package io.roomcast.internal.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.internal.wire.CloseReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Room commands survive their bytes; hostile bytes are refused; a snapshot carries the room to another node. */
@Timeout(10)
class CommandAndSnapshotTest {
    private static final InetSocketAddress V4 = new InetSocketAddress("127.0.0.7", 4000);
    private static final InetSocketAddress V6 = new InetSocketAddress("::1", 4001);

    @Test
    void everyCommandIsTheSameAfterItsBytes() {
        List<Command> commands = List.of(
                new Command.Join("a", "joan", 42, V4, 1_000),
                new Command.Join("node-b", "ravi", -1, V6, 2_000),
                new Command.Join("c", "mei", 9, V4, 2_500, new Command.Resume(new byte[16], new byte[]{1, 2, 3},
                        new byte[]{4}, 17, 23, Long.MAX_VALUE)),
                new Command.Leave("c", "mei", CloseReason.TIMED_OUT, 4_100, 30_000_000_000L),
                new Command.Private("a", "joan", 8, "mei", "psst", 4_200),
                new Command.Unban("a", "mei", 4_400),
                new Command.Say("a", "joan", 7, "halo ✓ " + "x".repeat(70_000), 3_000),
                new Command.Leave("c", "mei", CloseReason.BANNED, 4_000),
                new Command.Announce("a", "", 5_000),
                new Command.Mute("a", "joan", Long.MAX_VALUE, 6_000),
                new Command.Unmute("a", "joan", 7_000),
                new Command.NodeLost("b", "c", 8_000),
                new Command.NodeLost("b", "c", 8_000, 5_000));
        for (Command command : commands) {
            Command decoded = Command.decode(command.toBytes());
            assertThat(decoded).hasSameClassAs(command);
            assertThat(decoded.toBytes()).isEqualTo(command.toBytes());
            if (!(command instanceof Command.Join)) { // a Join's session holds arrays, compared by their bytes above
                assertThat(decoded).isEqualTo(command);
            }
        }
        Command.Ban ban = (Command.Ban) Command.decode(new Command.Ban("a", "mei", new byte[]{127, 0, 0, 9}, 60, 4_300)
                .toBytes());
        assertThat(ban.address()).containsExactly(127, 0, 0, 9);
        assertThat(ban.durationNanos()).isEqualTo(60);
        Command.Join resumed = (Command.Join) Command.decode(commands.get(2).toBytes());
        assertThat(resumed.session().resumeKey()).containsExactly(1, 2, 3);
        assertThat(resumed.session().resumedFloor()).isEqualTo(17);
        assertThat(resumed.session().lastDelivered()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void bytesThatAreNoCommandAreRefusedWithIllegalArgument() {
        byte[] good = new Command.Say("a", "joan", 7, "hello", 3_000).toBytes();
        for (int length = 0; length < good.length; length++) {
            byte[] truncated = Arrays.copyOf(good, length);
            assertThatThrownBy(() -> Command.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> Command.decode(longer)).isInstanceOf(IllegalArgumentException.class);
        byte[] otherVersion = good.clone();
        otherVersion[0] = 2;
        assertThatThrownBy(() -> Command.decode(otherVersion)).isInstanceOf(IllegalArgumentException.class);
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            byte[] garbage = new byte[random.nextInt(64)];
            random.nextBytes(garbage);
            try {
                Command.decode(garbage);
            } catch (IllegalArgumentException expected) {
                // the only way a bad command may fail
            }
        }
    }

    @Test
    void aSnapshotGivesAnotherNodeTheSameRoom() throws IOException {
        Room room = new Room("lobby", 10, 4, 1 << 20, 3);
        room.join("joan", "a", V4, 1);
        room.join("ravi", "b", V6, 2);
        room.session("ravi", new MemberSession(new byte[]{7, 7}, new byte[]{9, 9, 9}, 2, 41));
        for (int i = 0; i < 5; i++) {
            room.message("joan", i + 1, "m" + i, 10 + i);
        }
        room.hold("mei");
        room.hold("kim", 1_000, 0);
        room.sanctions().ban("zed", java.net.InetAddress.getByName("127.0.0.5"), 500);
        room.sanctions().ban("yan", java.net.InetAddress.getByName("::1"), 700);
        room.sanctions().mute(Username.key("ravi"), 600);
        room.leave("joan", CloseReason.LEFT, 20);

        Room copy = new Room("lobby", 10, 4, 1 << 20, 3);
        copy.join("stale", "c", V4, 1);
        RoomSnapshot.read(copy, snapshotOf(room));

        assertThat(copy.members()).containsExactly("ravi");
        assertThat(copy.seat("ravi")).contains(new Room.Seat("b", V6));
        assertThat(copy.nodes()).containsExactly("b");
        assertThat(copy.session("ravi")).hasValueSatisfying(session -> {
            assertThat(session.resumeKey()).containsExactly(9, 9, 9);
            assertThat(session.lastProcessedId()).isEqualTo(41);
            assertThat(session.processed(41)).as("a message processed before the snapshot, again").isFalse();
        });
        assertThat(copy.checkAdmission("MEI")).hasValueSatisfying(refusal ->
                assertThat(refusal.detail()).contains("held"));
        assertThat(copy.checkAdmission("KIM", 999, false)).as("held until its time").isPresent();
        assertThat(copy.checkAdmission("kim", 1_000, false)).as("and no longer").isEmpty();
        assertThat(copy.sanctions().nameBannedFor("zed", 100)).isEqualTo(400);
        assertThat(copy.sanctions().addressBannedFor(java.net.InetAddress.getByName("127.0.0.5"), 100)).isEqualTo(400);
        assertThat(copy.sanctions().addressBannedFor(java.net.InetAddress.getByName("::1"), 100)).isEqualTo(600);
        assertThat(copy.sanctions().mutedFor(Username.key("ravi"), 0)).isEqualTo(600);
        assertThat(copy.log().nextSequence()).isEqualTo(room.log().nextSequence());
        assertThat(copy.log().firstSequence()).isEqualTo(room.log().firstSequence());
        for (long sequence = room.log().firstSequence(); sequence < room.log().nextSequence(); sequence++) {
            assertThat(copy.log().get(sequence)).isEqualTo(room.log().get(sequence));
        }
        assertThat(copy.history().snapshot().sequences()).containsExactly(room.history().snapshot().sequences());
        // both go on the same way
        assertThat(copy.message("ravi", 1, "next", 30).sequence()).isEqualTo(room.message("ravi", 1, "next", 30).sequence());
    }

    @Test
    void aDamagedSnapshotIsRefusedAndLeavesTheRoomAsItWas() throws IOException {
        Room room = new Room("lobby", 10, 8, 1 << 20, 3);
        room.join("joan", "a", V4, 1);
        byte[] snapshot = snapshotBytes(room);
        Room other = new Room("lobby", 10, 8, 1 << 20, 3);
        other.join("ravi", "b", V4, 1);
        for (int length = 0; length < snapshot.length; length++) {
            byte[] truncated = Arrays.copyOf(snapshot, length);
            assertThatThrownBy(() -> RoomSnapshot.read(other, new DataInputStream(new ByteArrayInputStream(truncated))))
                    .isInstanceOf(IOException.class);
        }
        assertThat(other.members()).containsExactly("ravi");
        assertThat(other.log().nextSequence()).isEqualTo(2);
    }

    @Test
    void aCommandNoNodeCouldApplyIsRefusedAtDecode() {
        List<Command> poison = List.of(
                new Command.Ban("a", "mei", new byte[5], 60, 1),
                new Command.Ban("a", "mei", new byte[255], 60, 1),
                new Command.Ban("a", "mei", new byte[4], -1, 1),
                new Command.Mute("a", "mei", -5, 1),
                new Command.Join("a", "", 1, V4, 1),
                new Command.Join("a", "x".repeat(Username.MAX_CODE_POINTS + 1), 1, V4, 1),
                new Command.Say("a", "bad\u0000name", 1, "hi", 1),
                new Command.Leave("a", "", CloseReason.LEFT, 1),
                new Command.Unmute("a", " ", 1),
                new Command.Unban("a", "", 1),
                new Command.Private("a", "joan", 1, "", "hi", 1),
                new Command.Private("a", "", 1, "joan", "hi", 1),
                new Command.Announce("", "hi", 1),
                new Command.Announce("n".repeat(Command.MAX_NODE_ID_LENGTH + 1), "hi", 1),
                new Command.NodeLost("a", "", 1),
                new Command.NodeLost("a", "b\nc", 1));
        for (Command command : poison) {
            byte[] bytes = command.toBytes();
            assertThatThrownBy(() -> Command.decode(bytes)).as("%s", command).isInstanceOf(IllegalArgumentException.class);
        }
        for (byte[] address : List.of(new byte[0], new byte[4], new byte[16])) {
            Command.Ban ban = (Command.Ban) Command.decode(new Command.Ban("a", "mei", address, 0, 1).toBytes());
            assertThat(ban.address()).hasSize(address.length);
        }
        assertThat(Command.decode(new Command.Announce("n".repeat(Command.MAX_NODE_ID_LENGTH), "hi", 1).toBytes()))
                .isInstanceOf(Command.Announce.class);
    }

    @Test
    void parsingASnapshotChangesNothingUntilItIsApplied() throws IOException {
        Room room = new Room("lobby", 10, 8, 1 << 20, 3);
        room.join("joan", "a", V4, 1);
        room.message("joan", 1, "hello", 2);
        Room other = new Room("lobby", 10, 8, 1 << 20, 3);
        other.join("ravi", "b", V6, 1);

        RoomSnapshot.Parsed parsed = RoomSnapshot.parse(other, snapshotOf(room));
        assertThat(other.members()).containsExactly("ravi");
        assertThat(other.log().nextSequence()).isEqualTo(2);
        parsed.applyTo(other);
        assertThat(other.members()).containsExactly("joan");
        assertThat(other.log().nextSequence()).isEqualTo(room.log().nextSequence());
    }

    @Test
    void aSnapshotBeyondTheRoomsLimitsOrWithBadNamesIsRefusedAndTheRoomIsUnchanged() throws IOException {
        Room small = new Room("lobby", 10, 4, 1 << 20, 3);
        small.join("ravi", "b", V6, 1);
        Room big = new Room("lobby", 10, 64, 1 << 20, 3);
        big.join("joan", "a", V4, 1);
        for (int i = 0; i < 20; i++) {
            big.message("joan", i + 1, "m" + i, 10 + i);
        }
        assertThatThrownBy(() -> RoomSnapshot.read(small, snapshotOf(big))).as("more events than the log holds")
                .isInstanceOf(IOException.class).hasMessageContaining("log");

        // hand-made snapshots: an empty log, then the history and members as given
        assertRefused(small, snapshot(out -> out.writeInt(RoomHistory.MAX_SIZE + 1)), "history");
        assertRefused(small, snapshot(out -> {
            out.writeInt(0);
            out.writeInt(RoomSnapshot.MAX_MEMBERS + 1);
        }), "members");
        assertRefused(small, snapshot(out -> {
            out.writeInt(0);
            member(out, "joan");
        }), "rule"); // two members, the second one's name breaks the rule
        assertRefused(small, snapshot(out -> {
            out.writeInt(0);
            out.writeInt(1);
            out.writeUTF("");
        }), "rule");
        assertRefused(small, snapshot(out -> {
            out.writeInt(0);
            out.writeInt(2);
            memberBody(out, "joan");
            memberBody(out, "JOAN");
        }), "twice");
        assertRefused(small, snapshot(out -> {
            out.writeInt(0);
            out.writeInt(1);
            memberBody(out, "joan");
            out.writeInt(1);
            out.writeUTF("Joan");
        }), "twice");
        assertRefused(small, snapshot(out -> {
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(1);
            out.writeUTF("bad name\u0007");
        }), "rule");
        // an event that claims 60 MiB and brings a few bytes: refused at the end of what came
        ByteArrayOutputStream claim = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(claim)) {
            out.writeInt(RoomSnapshot.VERSION);
            out.writeLong(1);
            out.writeLong(2);
            out.writeInt(60 << 20);
            out.write(new byte[100]);
        }
        assertThatThrownBy(() -> RoomSnapshot.read(small, new DataInputStream(new ByteArrayInputStream(claim.toByteArray()))))
                .isInstanceOf(IOException.class);
        assertThat(small.members()).containsExactly("ravi");
        assertThat(small.seat("ravi")).contains(new Room.Seat("b", V6));
        assertThat(small.log().nextSequence()).isEqualTo(2);
    }

    private interface SnapshotBody {
        void write(DataOutputStream out) throws IOException;
    }

    /** A snapshot with an empty log from sequence 1, then {@code body}. */
    private static byte[] snapshot(SnapshotBody body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(RoomSnapshot.VERSION);
            out.writeLong(1);
            out.writeLong(1);
            body.write(out);
        }
        return bytes.toByteArray();
    }

    private static void member(DataOutputStream out, String name) throws IOException {
        out.writeInt(2);
        memberBody(out, name);
        memberBody(out, "bad\u0000");
    }

    private static void memberBody(DataOutputStream out, String name) throws IOException {
        out.writeUTF(name);
        out.writeUTF("a");
        out.writeInt(4);
        out.write(new byte[]{127, 0, 0, 1});
        out.writeShort(4000);
        out.writeBoolean(false);
    }

    private static void assertRefused(Room room, byte[] snapshot, String why) {
        assertThatThrownBy(() -> RoomSnapshot.read(room, new DataInputStream(new ByteArrayInputStream(snapshot))))
                .isInstanceOf(IOException.class).hasMessageContaining(why);
        assertThat(room.members()).as(why).containsExactly("ravi");
    }

    private static DataInputStream snapshotOf(Room room) throws IOException {
        return new DataInputStream(new ByteArrayInputStream(snapshotBytes(room)));
    }

    private static byte[] snapshotBytes(Room room) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            RoomSnapshot.write(room, out);
        }
        return bytes.toByteArray();
    }
}
