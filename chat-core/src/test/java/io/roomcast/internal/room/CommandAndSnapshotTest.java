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
