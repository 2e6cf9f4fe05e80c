package io.roomcast.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.internal.protocol.DatagramEngine;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The room as a backend sees it, on a real loop (an idle engine on loopback): calls handed over
 * from another thread run on the loop in order, a call on the loop runs at once only while nothing
 * handed over waits, the snapshot methods wait for the loop and fail with an IOException when it
 * has stopped or does not answer.
 */
@Timeout(30)
class LoopRoomStateMachineTest {
    private static final long WAIT_SECONDS = 10;

    private final EventLoop loop = EventLoop.dedicated("test-room-io");
    private final CommandQueue commands = new CommandQueue(loop);
    private final RecordingRoom room = new RecordingRoom();
    private final Endpoint endpoint;

    LoopRoomStateMachineTest() throws IOException {
        DatagramChannel channel = EventLoop.openChannel(InetAddress.getLoopbackAddress());
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        endpoint = loop.attach(channel, new IdleEngine(), commands);
    }

    @AfterEach
    void stopTheLoop() {
        endpoint.awaitStopOrForce(Duration.ZERO);
    }

    private LoopRoomStateMachine machine(long timeoutMillis) {
        return new LoopRoomStateMachine(room, (now, call) -> call.accept(room), loop, commands, timeoutMillis);
    }

    @Test
    void callsFromAnotherThreadRunOnTheLoopInTheOrderTheyWereMade() throws Exception {
        LoopRoomStateMachine machine = machine(RoomStateMachine.SNAPSHOT_TIMEOUT_MILLIS);
        for (int i = 0; i < 500; i++) {
            machine.apply(new Named("c" + i));
            if (i % 100 == 0) {
                machine.availabilityChanged(i % 200 == 0);
            }
        }
        machine.failed(new Named("last"));
        assertThat(room.await(506)).isTrue();
        assertThat(room.calls).hasSize(506).startsWith("apply c0", "available true", "apply c1");
        List<String> applies = room.calls.stream().filter(call -> call.startsWith("apply")).toList();
        assertThat(applies).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(applies.get(i)).isEqualTo("apply c" + i);
        }
        assertThat(room.calls.get(505)).isEqualTo("failed last");
        assertThat(room.threads).containsOnly("test-room-io");
    }

    @Test
    void aCallOnTheLoopRunsAtOnceWhenNothingHandedOverWaits() throws Exception {
        LoopRoomStateMachine machine = machine(RoomStateMachine.SNAPSHOT_TIMEOUT_MILLIS);
        CompletableFuture<List<String>> seenRightAfter = new CompletableFuture<>();
        commands.execute(now -> {
            machine.apply(new Named("inline"));
            seenRightAfter.complete(List.copyOf(room.calls));
        });
        assertThat(seenRightAfter.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactly("apply inline");
    }

    @Test
    void aCallOnTheLoopWaitsBehindOneHandedOverBeforeIt() throws Exception {
        LoopRoomStateMachine machine = machine(RoomStateMachine.SNAPSHOT_TIMEOUT_MILLIS);
        CountDownLatch handedOver = new CountDownLatch(1);
        CompletableFuture<List<String>> seenRightAfter = new CompletableFuture<>();
        commands.execute(now -> {
            awaitQuietly(handedOver); // the backend's own thread hands "earlier" over meanwhile
            machine.apply(new Named("later"));
            seenRightAfter.complete(List.copyOf(room.calls));
        });
        machine.apply(new Named("earlier"));
        handedOver.countDown();
        assertThat(seenRightAfter.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("not run before the earlier one").isEmpty();
        assertThat(room.await(2)).isTrue();
        assertThat(room.calls).containsExactly("apply earlier", "apply later");
    }

    @Test
    void theSnapshotMethodsWaitForTheLoopAndCarryTheBytes() throws Exception {
        LoopRoomStateMachine machine = machine(RoomStateMachine.SNAPSHOT_TIMEOUT_MILLIS);
        room.snapshot = "the room as it is".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(written)) {
            machine.writeSnapshot(out);
        }
        byte[] bytes = written.toByteArray();
        assertThat(bytes).hasSize(4 + room.snapshot.length);

        room.snapshot = null;
        machine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertThat(room.read).isEqualTo("the room as it is");
        assertThat(machine.nodesWithMembers()).containsExactly("a");
        assertThat(room.threads).containsOnly("test-room-io");

        // a big one crosses chunk boundaries both ways
        room.snapshot = new byte[300_000];
        for (int i = 0; i < room.snapshot.length; i++) {
            room.snapshot[i] = (byte) (i * 31);
        }
        byte[] big = room.snapshot.clone();
        ByteArrayOutputStream bigWritten = new ByteArrayOutputStream();
        machine.writeSnapshot(new DataOutputStream(bigWritten));
        machine.readSnapshot(new DataInputStream(new ByteArrayInputStream(bigWritten.toByteArray())));
        assertThat(room.readBytes).isEqualTo(big);
    }

    @Test
    void aSnapshotClaimingMoreThanArrivesOrThanTheBoundIsRefused() {
        LoopRoomStateMachine machine = machine(RoomStateMachine.SNAPSHOT_TIMEOUT_MILLIS);
        ByteBuffer claim = ByteBuffer.allocate(14).putInt(LoopRoomStateMachine.MAX_SNAPSHOT_BYTES).put(new byte[10]);
        assertThatThrownBy(() -> machine.readSnapshot(new DataInputStream(new ByteArrayInputStream(claim.array()))))
                .isInstanceOf(EOFException.class);
        ByteBuffer tooBig = ByteBuffer.allocate(4).putInt(LoopRoomStateMachine.MAX_SNAPSHOT_BYTES + 1);
        assertThatThrownBy(() -> machine.readSnapshot(new DataInputStream(new ByteArrayInputStream(tooBig.array()))))
                .isInstanceOf(IOException.class).hasMessageContaining("bytes");
        ByteBuffer negative = ByteBuffer.allocate(4).putInt(-1);
        assertThatThrownBy(() -> machine.readSnapshot(new DataInputStream(new ByteArrayInputStream(negative.array()))))
                .isInstanceOf(IOException.class);
        assertThat(room.read).isNull();
    }

    @Test
    void aSnapshotTheRoomRefusesFailsWithItsIOException() {
        LoopRoomStateMachine machine = machine(RoomStateMachine.SNAPSHOT_TIMEOUT_MILLIS);
        room.refuse = true;
        ByteBuffer snapshot = ByteBuffer.allocate(7).putInt(3).put(new byte[]{1, 2, 3});
        assertThatThrownBy(() -> machine.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot.array()))))
                .isInstanceOf(IOException.class).hasMessageContaining("damaged");
    }

    @Test
    void theSnapshotMethodsFailWithAnIOExceptionWhenTheLoopDoesNotAnswerInTime() throws Exception {
        LoopRoomStateMachine machine = machine(200);
        room.snapshot = new byte[]{1};
        CountDownLatch release = new CountDownLatch(1);
        commands.execute(now -> awaitQuietly(release)); // the loop is busy
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> machine.writeSnapshot(new DataOutputStream(new ByteArrayOutputStream())))
                    .isInstanceOf(IOException.class).hasMessageContaining("did not answer");
            ByteBuffer snapshot = ByteBuffer.allocate(5).putInt(1).put((byte) 1);
            assertThatThrownBy(() -> machine.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot.array()))))
                    .isInstanceOf(IOException.class).hasMessageContaining("did not answer");
            assertThat(machine.nodesWithMembers()).isEmpty();
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
        } finally {
            release.countDown();
        }
    }

    @Test
    void theSnapshotMethodsFailWithAnIOExceptionOnceTheLoopHasStopped() {
        LoopRoomStateMachine machine = machine(RoomStateMachine.SNAPSHOT_TIMEOUT_MILLIS);
        endpoint.awaitStopOrForce(Duration.ZERO);
        assertThat(endpoint.isRemoved()).isTrue();
        assertThatThrownBy(() -> machine.writeSnapshot(new DataOutputStream(new ByteArrayOutputStream())))
                .isInstanceOf(IOException.class).hasMessageContaining("stopped");
        ByteBuffer snapshot = ByteBuffer.allocate(5).putInt(1).put((byte) 1);
        assertThatThrownBy(() -> machine.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot.array()))))
                .isInstanceOf(IOException.class).hasMessageContaining("stopped");
        assertThat(machine.nodesWithMembers()).isEmpty();
        machine.apply(new Named("dropped")); // never runs, never throws
        assertThat(room.calls).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Named(String name) implements RoomCommand {
        @Override
        public byte[] toBytes() {
            return name.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Records every call and the thread it came on; its snapshot is whatever bytes the test gives it. */
    private static final class RecordingRoom implements RoomStateMachine {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile byte[] snapshot;
        volatile String read;
        volatile byte[] readBytes;
        volatile boolean refuse;

        boolean await(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            synchronized (this) {
                while (calls.size() < count && System.nanoTime() < deadline) {
                    wait(50);
                }
            }
            return calls.size() >= count;
        }

        private synchronized void record(String call) {
            threads.add(Thread.currentThread().getName());
            calls.add(call);
            notifyAll();
        }

        @Override
        public void apply(RoomCommand command) {
            record("apply " + ((Named) command).name());
        }

        @Override
        public RoomCommand decode(byte[] bytes) {
            return new Named(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public RoomCommand nodeLost(String nodeId) {
            return new Named("lost " + nodeId);
        }

        @Override
        public Set<String> nodesWithMembers() {
            threads.add(Thread.currentThread().getName());
            return Set.of("a");
        }

        @Override
        public void availabilityChanged(boolean available) {
            record("available " + available);
        }

        @Override
        public void failed(RoomCommand command) {
            record("failed " + ((Named) command).name());
        }

        @Override
        public void writeSnapshot(DataOutput out) throws IOException {
            threads.add(Thread.currentThread().getName());
            out.write(snapshot);
        }

        @Override
        public void readSnapshot(DataInput in) throws IOException {
            threads.add(Thread.currentThread().getName());
            if (refuse) {
                throw new IOException("a damaged snapshot");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int b = ((DataInputStream) in).read(); b >= 0; b = ((DataInputStream) in).read()) {
                bytes.write(b);
            }
            readBytes = bytes.toByteArray();
            read = new String(readBytes, StandardCharsets.UTF_8);
        }
    }

    /** An engine with nothing to do, never finished: the loop only runs commands for it. */
    private static final class IdleEngine implements DatagramEngine {
        @Override
        public void handleDatagram(long nowNanos, ByteBuffer datagram, InetSocketAddress source) {
        }

        @Override
        public void handleTimeout(long nowNanos) {
        }

        @Override
        public InetSocketAddress pollDatagram(long nowNanos, ByteBuffer out) {
            return null;
        }

        @Override
        public long nextDeadlineNanos() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean isFinished() {
            return false;
        }
    }
}
