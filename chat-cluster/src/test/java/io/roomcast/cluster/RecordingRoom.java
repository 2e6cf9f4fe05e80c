package io.roomcast.cluster;

import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A room that records what its backend hands it: the applied commands in order, the failed
 * ones, availability changes, snapshots read. Its members are the nodes that said something and
 * were not lost since. Waits are bounded.
 */
final class RecordingRoom implements RoomStateMachine {
    private final List<String> applied = new ArrayList<>();
    private final List<String> applyingThreads = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private final List<Boolean> availability = new ArrayList<>();
    private final Set<String> nodesWithMembers = new LinkedHashSet<>();
    final AtomicInteger snapshotsRead = new AtomicInteger();
    final AtomicInteger snapshotsWritten = new AtomicInteger();

    @Override
    public synchronized void apply(RoomCommand command) {
        TestCommand c = (TestCommand) command;
        applied.add(c.encoded());
        applyingThreads.add(Thread.currentThread().getName());
        if (c.isLost()) {
            nodesWithMembers.remove(c.node());
        } else {
            nodesWithMembers.add(c.node());
        }
        notifyAll();
    }

    @Override
    public RoomCommand decode(byte[] bytes) {
        return TestCommand.decode(bytes);
    }

    @Override
    public RoomCommand nodeLost(String nodeId) {
        return TestCommand.lost(nodeId);
    }

    @Override
    public synchronized Set<String> nodesWithMembers() {
        return new LinkedHashSet<>(nodesWithMembers);
    }

    @Override
    public synchronized void availabilityChanged(boolean available) {
        availability.add(available);
        notifyAll();
    }

    @Override
    public synchronized void failed(RoomCommand command) {
        failed.add(((TestCommand) command).encoded());
        notifyAll();
    }

    @Override
    public synchronized void writeSnapshot(DataOutput out) throws IOException {
        snapshotsWritten.incrementAndGet();
        out.writeInt(applied.size());
        for (String s : applied) {
            out.writeUTF(s);
        }
        out.writeInt(nodesWithMembers.size());
        for (String s : nodesWithMembers) {
            out.writeUTF(s);
        }
    }

    @Override
    public synchronized void readSnapshot(DataInput in) throws IOException {
        snapshotsRead.incrementAndGet();
        applied.clear();
        nodesWithMembers.clear();
        for (int i = in.readInt(); i > 0; i--) {
            applied.add(in.readUTF());
        }
        for (int i = in.readInt(); i > 0; i--) {
            nodesWithMembers.add(in.readUTF());
        }
        notifyAll();
    }

    synchronized List<String> applied() {
        return new ArrayList<>(applied);
    }

    /** The name of the thread that applied each command, in order. */
    synchronized List<String> applyingThreads() {
        return new ArrayList<>(applyingThreads);
    }

    synchronized List<String> failed() {
        return new ArrayList<>(failed);
    }

    /** The last availability reported, or null if none yet. */
    synchronized Boolean lastAvailability() {
        return availability.isEmpty() ? null : availability.get(availability.size() - 1);
    }

    synchronized List<Boolean> availabilityReports() {
        return new ArrayList<>(availability);
    }

    /** Waits (bounded) until {@code command} was applied or failed here; tells whether it was. */
    synchronized boolean settledWithin(String command, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!applied.contains(command) && !failed.contains(command)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, Math.min(50, left / 1_000_000)));
        }
        return true;
    }

    /** Waits until the condition holds on this room's state; fails after {@code timeout}. */
    synchronized void await(String what, Duration timeout, Predicate<RecordingRoom> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what
                        + "; applied " + applied.size() + ", failed " + failed.size() + ", availability " + availability);
            }
            wait(Math.max(1, Math.min(50, left / 1_000_000)));
        }
    }
}
