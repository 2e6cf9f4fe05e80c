package io.roomcast.benchmarks;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.protocol.SimulatedNetwork;
import io.roomcast.internal.protocol.SimulatedRoom;
import java.util.concurrent.TimeUnit;

/**
 * The room the engine-level benchmarks measure: chat-core's simulator ({@link SimulatedRoom},
 * from its test jar) with the sans-I/O server engine and one client engine per member on a perfect
 * network (100 µs of delay), every member admitted through the full handshake. The same protocol
 * code as a real room, without sockets or threads, so a room of thousands is built in one thread.
 *
 * <p>Engines take their turns as under the real event loop ({@link SimulatedNetwork#eventLoopTurns}),
 * so the server coalesces the join events of a batch of handshakes as it does under load, and the
 * sinks keep no events: what the room holds is the engines' own state. RFC 5054's 1024-bit group
 * keeps the handshakes cheap; once joined, a member's state holds no group-sized numbers.
 */
final class BenchmarkRoom {
    /** Seeds the simulator: every build of a room of the same size is the same run. */
    static final long SEED = 7;
    private static final int JOINS_AT_ONCE = 500;

    private BenchmarkRoom() {
    }

    /** A room of at most {@code members} members, all of them joined. */
    static SimulatedRoom withMembers(int members) {
        SimulatedNetwork network = new SimulatedNetwork(SEED);
        network.eventLoopTurns(SimulatedNetwork.EVENT_LOOP_READS_PER_TURN);
        SimulatedRoom room = SimulatedRoom.on(network).group(SrpGroup.RFC5054_1024_SHA256).roomName("benchmark")
                .password("benchmark password").maxMembers(members).connectTimeoutNanos(TimeUnit.SECONDS.toNanos(30))
                .keepEvents(false).build();
        room.joinMembers(members, Math.min(JOINS_AT_ONCE, members));
        return room;
    }
}
