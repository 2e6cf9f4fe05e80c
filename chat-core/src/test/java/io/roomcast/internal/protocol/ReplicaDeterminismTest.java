package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.room.Command;
import io.roomcast.internal.wire.CloseReason;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes that apply the same commands get the same room, whatever their own clocks say and
 * however late one applies them: bans, mutes and held names lapse by the commands' own time.
 */
@Timeout(30)
class ReplicaDeterminismTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final InetSocketAddress FAR = new InetSocketAddress("127.0.0.9", 5000);

    private static Command.Join join(String name, long id, long wall) {
        return new Command.Join("b", name, id, FAR, wall);
    }

    @Test
    void theSameCommandsGiveTheSameRoomOnNodesWhoseClocksDisagree() {
        SimulatedNetwork network = new SimulatedNetwork(1);
        ServerConfig config = SimulatedRoom.on(network).configure(c -> c.withResumeWindow(50 * MS)).build()
                .serverConfig();
        List<Command> commands = List.of(
                join("ravi", 1, 1_000),
                new Command.Mute("b", "ravi", 10 * MS, 1_001),
                new Command.Unmute("b", "ravi", 1_015),           // lapsed by the room's clock: no event
                new Command.Ban("b", "mallory", new byte[0], 10 * MS, 1_016),
                join("mallory", 2, 1_020),                         // banned until 1,026: refused
                join("mallory", 3, 1_030),                         // admitted
                new Command.Leave("b", "ravi", CloseReason.TIMED_OUT, 1_040, 50 * MS),
                join("ravi", 4, 1_060),                            // held until 1,090: refused
                join("RAVI", 5, 1_100),                            // the hold lapsed: admitted
                new Command.Say("b", "RAVI", 1, "back", 1_101));

        List<ServerEngine> nodes = new ArrayList<>();
        // each node: its engine's time at the first command, its wall clock's skew, how far its engine's
        // time moves between two commands (a node that applies in bursts, one that lags more and more)
        long[][] clocks = {{0, 0, MS}, {20 * MS, 20, 7 * MS}, {5_000 * MS, -7_000, 0}};
        for (long[] clock : clocks) {
            RoomBackendSimulationTest.DeferredBackend backend = new RoomBackendSimulationTest.DeferredBackend();
            long skew = clock[1];
            ServerEngine node = new ServerEngine(config, new RecordingServerSink(network), network.newRandom(),
                    () -> 1_000 + skew, Offload.INLINE, backend);
            backend.start(node.roomStateMachine());
            for (int i = 0; i < commands.size(); i++) {
                Command command = commands.get(i);
                node.onBackend(clock[0] + i * clock[2], room -> room.apply(room.decode(command.toBytes())));
            }
            nodes.add(node);
        }

        ServerEngine first = nodes.get(0);
        assertThat(first.memberNames()).containsExactly("mallory", "RAVI");
        for (ServerEngine node : nodes) {
            assertThat(node.memberNames()).isEqualTo(first.memberNames());
            assertThat(node.room().log().nextSequence()).isEqualTo(first.room().log().nextSequence());
            for (long sequence = 1; sequence < first.room().log().nextSequence(); sequence++) {
                assertThat(node.room().log().get(sequence)).as("event %d", sequence)
                        .isEqualTo(first.room().log().get(sequence));
            }
        }
    }
}
