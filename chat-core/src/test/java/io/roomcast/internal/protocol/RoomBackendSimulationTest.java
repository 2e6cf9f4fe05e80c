package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.room.Command;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.spi.RoomBackend;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The room's changes go through its backend, in the simulator: a backend that orders later (as a
 * cluster does) holds a join until it is ordered, refuses joins and messages while it cannot
 * order, and hands this node the members and messages of other nodes, and the loss of a node.
 */
@Timeout(30)
class RoomBackendSimulationTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** A backend that orders nothing until the test says so, as a replicating one would. */
    static final class DeferredBackend implements RoomBackend {
        final List<RoomCommand> submitted = new ArrayList<>();
        RoomStateMachine room;
        boolean available = true;

        @Override
        public String nodeId() {
            return "a";
        }

        @Override
        public void start(RoomStateMachine room) {
            this.room = room;
        }

        @Override
        public boolean submit(RoomCommand command) {
            if (!available) {
                return false;
            }
            submitted.add(command);
            return true;
        }

        @Override
        public boolean available() {
            return available;
        }

        @Override
        public void close() {
        }

        /** Orders what was submitted: each command goes through its bytes, as over a cluster. */
        void orderAll(ServerEngine server, long now) {
            List<RoomCommand> commands = new ArrayList<>(submitted);
            submitted.clear();
            for (RoomCommand command : commands) {
                server.onBackend(now, machine -> machine.apply(machine.decode(command.toBytes())));
            }
        }

        void apply(ServerEngine server, long now, RoomCommand command) {
            server.onBackend(now, machine -> machine.apply(command));
        }
    }

    private static SimulatedRoom room(long seed, DeferredBackend backend) {
        return SimulatedRoom.builder(seed).backend(backend).build();
    }

    @Test
    void aJoinWaitsUntilTheBackendHasOrderedIt() {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(1, backend);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND);
        room.runFor(SECOND);
        assertThat(room.sink("joan").joined()).as("joined before its join was ordered").isFalse();
        assertThat(room.server().memberNames()).isEmpty();

        backend.orderAll(room.server(), room.now());
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 5 * SECOND)).isTrue();
        assertThat(room.server().memberNames()).containsExactly("joan");
    }

    @Test
    void aJoinTheBackendCannotOrderIsRefusedAsUnavailable() {
        DeferredBackend backend = new DeferredBackend();
        backend.available = false;
        SimulatedRoom room = room(2, backend);
        room.server().roomStateMachine().availabilityChanged(false);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        assertThat(room.runUntil(() -> room.sink("joan").connectFailure != null, 10 * SECOND)).isTrue();
        assertThat(room.sink("joan").log).anySatisfy(line -> assertThat(line).contains("unavailable"));
        assertThat(room.server().memberNames()).isEmpty();
    }

    @Test
    void aJoinNeverOrderedIsRefusedOnceItHasWaitedTooLong() {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(3, backend);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND);
        assertThat(room.runUntil(() -> room.sink("joan").connectFailure != null,
                RoomOrder.JOIN_ORDER_TIMEOUT_NANOS + 5 * SECOND)).isTrue();
        assertThat(room.sink("joan").log).anySatisfy(line -> assertThat(line).contains("unavailable"));
    }

    @Test
    void aMessageTheBackendCannotOrderIsRefusedAsUnavailableAndOneItFailsToo() {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(4, backend);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND);
        backend.orderAll(room.server(), room.now());
        room.runUntil(() -> room.sink("joan").joined(), 5 * SECOND);

        room.server().roomStateMachine().availabilityChanged(false);
        room.send("joan", "anyone?");
        assertThat(room.runUntil(() -> !room.sink("joan").refusedWith.isEmpty(), 5 * SECOND)).isTrue();
        assertThat(room.sink("joan").refusedWith).containsExactly(ErrorCode.ROOM_UNAVAILABLE);

        room.server().roomStateMachine().availabilityChanged(true);
        room.send("joan", "taken, then lost");
        room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND);
        RoomCommand taken = backend.submitted.remove(0);
        room.server().onBackend(room.now(), machine -> machine.failed(taken));
        assertThat(room.runUntil(() -> room.sink("joan").refusedWith.size() == 2, 5 * SECOND)).isTrue();
        assertThat(room.sink("joan").refusedWith).containsExactly(ErrorCode.ROOM_UNAVAILABLE,
                ErrorCode.ROOM_UNAVAILABLE);
        assertThat(room.serverSink().messages).isEmpty();
    }

    @Test
    void membersOfAnotherNodeAreInTheRoomAndLeaveTogetherWhenItIsLost() {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(5, backend);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND);
        backend.orderAll(room.server(), room.now());
        room.runUntil(() -> room.sink("joan").joined(), 5 * SECOND);

        InetSocketAddress far = new InetSocketAddress("127.0.0.9", 5000);
        long wall = 1_000;
        backend.apply(room.server(), room.now(), new Command.Join("b", "ravi", 7, far, wall));
        backend.apply(room.server(), room.now(), new Command.Join("b", "mei", 8, far, wall));
        backend.apply(room.server(), room.now(), new Command.Say("b", "ravi", 1, "hello from b", wall));
        assertThat(room.server().memberNames()).containsExactly("joan", "ravi", "mei");
        assertThat(room.server().roomStateMachine().nodesWithMembers()).containsExactlyInAnyOrder("a", "b");
        assertThat(room.runUntil(() -> room.sink("joan").messages.size() == 1, 5 * SECOND)).isTrue();
        assertThat(room.sink("joan").messages.get(0).text()).isEqualTo("hello from b");

        backend.apply(room.server(), room.now(), room.server().roomStateMachine().nodeLost("b"));
        assertThat(room.server().memberNames()).containsExactly("joan");
        assertThat(room.runUntil(() -> room.sink("joan").log.contains("<-- mei TIMED_OUT"), 5 * SECOND)).isTrue();
        assertThat(room.sink("joan").log).containsSubsequence("<-- ravi TIMED_OUT", "<-- mei TIMED_OUT");
        assertThat(room.server().roomStateMachine().nodesWithMembers()).containsExactly("a");

        // a second report of the same loss changes nothing
        backend.apply(room.server(), room.now(), room.server().roomStateMachine().nodeLost("b"));
        assertThat(room.server().memberNames()).containsExactly("joan");
    }

    @Test
    void aNameTakenOnAnotherNodeWhileAJoinWaitedIsRefusedHere() {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(6, backend);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND);
        // another node's joan is ordered first
        backend.apply(room.server(), room.now(),
                new Command.Join("b", "Joan", 3, new InetSocketAddress("127.0.0.9", 5000), 1_000));
        backend.orderAll(room.server(), room.now());
        assertThat(room.runUntil(() -> room.sink("joan").connectFailure != null, 5 * SECOND)).isTrue();
        assertThat(room.server().memberNames()).containsExactly("Joan");
    }

    @Test
    void aKickOfAMemberOfAnotherNodeIsOrderedForItsNodeToCarryOut() {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(7, backend);
        backend.apply(room.server(), room.now(),
                new Command.Join("b", "ravi", 3, new InetSocketAddress("127.0.0.9", 5000), 1_000));
        assertThat(room.server().kick(room.now(), "RAVI")).isTrue();
        assertThat(backend.submitted).singleElement()
                .isEqualTo(new Command.Leave("a", "ravi", CloseReason.KICKED, ((Command.Leave) backend.submitted.get(0))
                        .wallMillis()));
        backend.orderAll(room.server(), room.now());
        assertThat(room.server().memberNames()).isEmpty();
        assertThat(room.serverSink().left).singleElement().satisfies(left -> {
            assertThat(left.username()).isEqualTo("ravi");
            assertThat(left.reason()).isEqualTo(CloseReason.KICKED);
        });
    }

    @Test
    void privateMessagesToAndFromAMemberOfAnotherNodeGoThroughTheRoomsOrder() {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(8, backend);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND);
        backend.orderAll(room.server(), room.now());
        room.runUntil(() -> room.sink("joan").joined(), 5 * SECOND);
        backend.apply(room.server(), room.now(),
                new Command.Join("b", "ravi", 3, new InetSocketAddress("127.0.0.9", 5000), 1_000));

        long[] id = new long[1];
        room.act(() -> id[0] = room.client("joan").sendPrivate("RAVI", "psst"));
        assertThat(room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND)).isTrue();
        assertThat(backend.submitted).singleElement().isInstanceOfSatisfying(Command.Private.class, message -> {
            assertThat(message.sender()).isEqualTo("joan");
            assertThat(message.recipient()).isEqualTo("ravi");
            assertThat(message.text()).isEqualTo("psst");
        });
        assertThat(room.sink("joan").privateSent).as("confirmed before it was ordered").isEmpty();
        backend.orderAll(room.server(), room.now());
        assertThat(room.runUntil(() -> room.sink("joan").privateSent.size() == 1, 5 * SECOND)).isTrue();
        assertThat(room.sink("joan").privateSent).containsExactly(id[0]);

        backend.apply(room.server(), room.now(), new Command.Private("b", "ravi", 1, "joan", "hi joan", 2_000));
        assertThat(room.runUntil(() -> room.sink("joan").privates.size() == 1, 5 * SECOND)).isTrue();
        assertThat(room.sink("joan").privates.get(0).sender()).isEqualTo("ravi");
        assertThat(room.sink("joan").privates.get(0).text()).isEqualTo("hi joan");
        assertThat(room.serverSink().privates).containsExactly("ravi -> joan: hi joan");

        room.act(() -> room.client("joan").sendPrivate("nobody", "?"));
        assertThat(room.runUntil(() -> room.sink("joan").refusedWith.size() == 1, 5 * SECOND)).isTrue();
        assertThat(room.sink("joan").refusedWith).containsExactly(ErrorCode.NO_SUCH_MEMBER);
        assertThat(backend.submitted).isEmpty();
    }

    @Test
    void aBanIsOrderedSoThatEveryNodeBansTheNameAndAddressAndTheMembersNodeRemovesIt() {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(9, backend);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND);
        backend.orderAll(room.server(), room.now());
        room.runUntil(() -> room.sink("joan").joined(), 5 * SECOND);
        InetSocketAddress far = new InetSocketAddress("127.0.0.9", 5000);
        backend.apply(room.server(), room.now(), new Command.Join("b", "ravi", 3, far, 1_000));

        room.server().ban(room.now(), "ravi", 60 * SECOND);
        assertThat(backend.submitted).singleElement().isInstanceOfSatisfying(Command.Ban.class, ban ->
                assertThat(ban.address()).containsExactly(far.getAddress().getAddress()));
        backend.orderAll(room.server(), room.now());
        assertThat(room.server().room().sanctions().addressBannedFor(far.getAddress(), room.now())).isPositive();
        assertThat(room.server().memberNames()).as("its own node removes it").contains("ravi");
        backend.apply(room.server(), room.now(), new Command.Leave("b", "ravi", CloseReason.BANNED, 2_000));
        assertThat(room.server().memberNames()).containsExactly("joan");

        room.server().ban(room.now(), "joan", 60 * SECOND);
        backend.orderAll(room.server(), room.now()); // the ban: this node removes joan, and orders her leave
        assertThat(backend.submitted).singleElement().isInstanceOfSatisfying(Command.Leave.class, leave ->
                assertThat(leave.reason()).isEqualTo(CloseReason.BANNED));
        backend.orderAll(room.server(), room.now());
        assertThat(room.runUntil(() -> room.sink("joan").disconnected != null, 5 * SECOND)).isTrue();
        assertThat(room.sink("joan").disconnected).isEqualTo(CloseReason.BANNED);

        assertThat(room.server().unban(room.now(), "ravi")).isTrue();
        backend.orderAll(room.server(), room.now());
        assertThat(room.server().room().sanctions().nameBannedFor("ravi", room.now())).isZero();
    }

    @Test
    void aSnapshotWithoutTwoOfThisNodesMembersForgetsBothOfThem() throws Exception {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(10, backend);
        for (String name : List.of("joan", "ravi", "mei")) {
            room.add(name, SimulatedRoom.DEFAULT_PASSWORD);
        }
        assertThat(room.runUntil(() -> backend.submitted.size() == 3, 10 * SECOND)).isTrue();
        backend.orderAll(room.server(), room.now());
        assertThat(room.runUntil(() -> room.sink("mei").joined() && room.sink("ravi").joined()
                && room.sink("joan").joined(), 10 * SECOND)).isTrue();

        DeferredBackend otherBackend = new DeferredBackend();
        SimulatedRoom other = room(11, otherBackend);
        otherBackend.apply(other.server(), other.now(),
                new Command.Join("b", "ravi", 3, new InetSocketAddress("127.0.0.9", 5000), 1_000));
        byte[] snapshot = snapshotOf(other);

        room.server().onBackend(room.now(), machine -> readSnapshot(machine, snapshot));
        assertThat(room.server().memberNames()).containsExactly("ravi");
        assertThat(room.server().room().seat("ravi")).hasValueSatisfying(seat ->
                assertThat(seat.node()).isEqualTo("b"));
        assertThat(room.server().roomStateMachine().nodesWithMembers()).containsExactly("b");
    }

    @Test
    void aSnapshotWhoseHeldSessionsThisNodeCannotTakeChangesNothing() throws Exception {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(12, backend);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        assertThat(room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND)).isTrue();
        backend.orderAll(room.server(), room.now());
        assertThat(room.runUntil(() -> room.sink("joan").joined(), 5 * SECOND)).isTrue();
        long next = room.server().room().log().nextSequence();

        DeferredBackend otherBackend = new DeferredBackend();
        SimulatedRoom other = room(13, otherBackend);
        otherBackend.apply(other.server(), other.now(),
                new Command.Join("b", "mei", 3, new InetSocketAddress("127.0.0.9", 5000), 1_000));
        byte[] roomPart;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            io.roomcast.internal.room.RoomSnapshot.write(other.server().room(), out);
            roomPart = bytes.toByteArray();
            out.writeInt(room.serverConfig().maxMembers() + 1); // more held sessions than this node holds
        }
        byte[] tooManyHeld = bytes.toByteArray();
        byte[] truncatedHeld = java.util.Arrays.copyOf(roomPart, roomPart.length + 2);

        for (byte[] snapshot : List.of(tooManyHeld, truncatedHeld)) {
            Throwable[] failure = new Throwable[1];
            room.server().onBackend(room.now(), machine -> {
                try {
                    machine.readSnapshot(new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot)));
                } catch (java.io.IOException e) {
                    failure[0] = e;
                }
            });
            assertThat(failure[0]).isInstanceOf(java.io.IOException.class);
            assertThat(room.server().memberNames()).containsExactly("joan");
            assertThat(room.server().room().log().nextSequence()).isEqualTo(next);
        }
        // joan is still served: her message goes to the backend and, ordered, to her
        room.send("joan", "still here");
        assertThat(room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND)).isTrue();
        backend.orderAll(room.server(), room.now());
        assertThat(room.runUntil(() -> room.sink("joan").messages.size() == 1, 5 * SECOND)).isTrue();
    }

    private static byte[] snapshotOf(SimulatedRoom room) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        room.server().onBackend(room.now(), machine -> {
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
                machine.writeSnapshot(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return bytes.toByteArray();
    }

    private static void readSnapshot(RoomStateMachine machine, byte[] snapshot) {
        try {
            machine.readSnapshot(new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aLeaveWhoseOrderFailedIsSubmittedAgainSoTheMemberDoesNotStayInTheRoom() {
        DeferredBackend backend = new DeferredBackend();
        SimulatedRoom room = room(10, backend);
        room.add("joan", SimulatedRoom.DEFAULT_PASSWORD);
        room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND);
        backend.orderAll(room.server(), room.now());
        room.runUntil(() -> room.sink("joan").joined(), 5 * SECOND);

        room.act(() -> room.client("joan").close(room.now()));
        assertThat(room.runUntil(() -> !backend.submitted.isEmpty(), 5 * SECOND)).isTrue();
        RoomCommand leave = backend.submitted.remove(0);
        assertThat(leave).isInstanceOf(Command.Leave.class);
        room.server().onBackend(room.now(), machine -> machine.failed(leave)); // a fence settled it: never applied
        assertThat(backend.submitted).as("submitted again at once").singleElement()
                .isInstanceOfSatisfying(Command.Leave.class, again -> assertThat(again.username()).isEqualTo("joan"));
        backend.orderAll(room.server(), room.now());
        assertThat(room.server().memberNames()).isEmpty();
    }
}
