package io.roomcast.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The settlement rule without a cluster: entries are fed as Raft would deliver them. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RoomReplicaTest {
    record Text(String text) implements RoomCommand {
        @Override
        public byte[] toBytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class Room implements RoomStateMachine {
        final List<String> applied = new ArrayList<>();
        final List<String> failed = new ArrayList<>();

        @Override public void apply(RoomCommand command) { applied.add(((Text) command).text()); }
        @Override public RoomCommand decode(byte[] bytes) { return new Text(new String(bytes, StandardCharsets.UTF_8)); }
        @Override public RoomCommand nodeLost(String nodeId) { return new Text("lost " + nodeId); }
        @Override public Set<String> nodesWithMembers() { return Set.of(); }
        @Override public void availabilityChanged(boolean available) { }
        @Override public void failed(RoomCommand command) { failed.add(((Text) command).text()); }
        @Override public void writeSnapshot(DataOutput out) throws IOException {
            out.writeInt(applied.size());
            for (String s : applied) {
                out.writeUTF(s);
            }
        }
        @Override public void readSnapshot(DataInput in) throws IOException {
            applied.clear();
            for (int i = in.readInt(); i > 0; i--) {
                applied.add(in.readUTF());
            }
        }
    }

    private final Room room = new Room();
    private final RoomReplica replica = new RoomReplica("me", room);

    private void deliver(String origin, long seq, String text) {
        byte[] entry = CommandEnvelope.encode(text == null ? CommandEnvelope.Kind.FENCE : CommandEnvelope.Kind.COMMAND,
                origin, seq, text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8));
        replica.apply(entry, 0, entry.length, false);
    }

    @Test
    void ownEntriesSettleInLogOrderAndOvertakenOnesFail() {
        replica.track(1, new Text("one"), null);
        replica.track(2, new Text("two"), null);
        replica.track(3, new Text("three"), null);
        deliver("me", 1, "one");
        deliver("other", 7, "theirs");
        deliver("me", 3, "three");
        assertThat(room.failed).as("two was overtaken by three: it can never count").containsExactly("two");
        deliver("me", 2, "two");
        assertThat(room.applied).as("so it is skipped when it arrives").containsExactly("one", "theirs", "three");
        assertThat(replica.outstandingCount()).isZero();
    }

    @Test
    void aFenceSettlesEverythingBeforeIt() {
        replica.track(10, new Text("lost in a dead leader"), null);
        RoomReplica.Outstanding fence = replica.track(11, null, null);
        deliver("me", 11, null);
        assertThat(room.failed).containsExactly("lost in a dead leader");
        assertThat(room.applied).isEmpty();
        assertThat(fence.settled()).isCompletedWithValue(true);
    }

    @Test
    void aSnapshotSettlesWhatItCovers() throws Exception {
        RoomReplica leader = new RoomReplica("leader", new Room());
        for (var e : List.of(new Object[] {"me", 5L, "in"}, new Object[] {"me", 7L, "also in"})) {
            byte[] entry = CommandEnvelope.encode(CommandEnvelope.Kind.COMMAND, (String) e[0], (Long) e[1],
                    ((String) e[2]).getBytes(StandardCharsets.UTF_8));
            leader.apply(entry, 0, entry.length, false);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        leader.writeContentTo(new DataOutputStream(bytes));

        replica.track(5, new Text("in"), null);
        replica.track(6, new Text("overtaken"), null);
        replica.track(7, new Text("also in"), null);
        replica.track(8, new Text("not yet"), null);
        replica.readContentFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(room.applied).containsExactly("in", "also in");
        assertThat(room.failed).containsExactly("overtaken");
        assertThat(replica.outstandingCount()).as("8 is still outstanding").isEqualTo(1);
    }
}
