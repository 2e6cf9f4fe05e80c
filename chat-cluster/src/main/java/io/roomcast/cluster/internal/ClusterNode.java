package io.roomcast.cluster.internal;

import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.View;
import org.jgroups.protocols.raft.InMemoryLog;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.raft.RaftHandle;
import org.jgroups.raft.util.Utils;
import org.jgroups.stack.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One started node: the channel, the Raft handle, the replica, and a ticker thread that watches
 * availability, settles stuck submissions with fences, finishes catching up, and (on the leader)
 * submits node-lost commands.
 *
 * <p>Threading: {@link #submit} and {@link #available} on the room's I/O thread; the ticker's
 * state (reporting, lost nodes, fences) on the ticker thread; Raft delivery on Raft's thread;
 * {@link #close} on any thread, once.
 */
public final class ClusterNode {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** How often the ticker looks at the cluster. */
    static final long TICK_MILLIS = 50;

    private final NodeSettings settings;
    private final RoomStateMachine room;
    private final RoomReplica replica;
    private final Set<String> raftMembers = new HashSet<>();
    private final AtomicLong nextSeq = new AtomicLong(System.currentTimeMillis() << 22);
    private final Set<String> lostSubmitted = ConcurrentHashMap.newKeySet();
    private final long commandTimeoutNanos;
    private final String inMemoryName;
    private volatile JChannel channel;
    private volatile RaftHandle handle;
    private volatile ScheduledExecutorService ticker;
    /** Hands entries to Raft: REDIRECT sends on the caller's thread, which flow control or TCP may block. */
    private volatile ThreadPoolExecutor sender;
    /** Numbering an entry and queueing it for the sender are one step ({@link #send}). */
    private final Object sendLock = new Object();
    /** How long close waits for the entries already handed over to reach Raft: 1 s. */
    private static final long SENDER_DRAIN_MILLIS = 1_000;
    private volatile boolean ready;
    private volatile InetSocketAddress boundAddress;
    private volatile boolean caughtUp;
    private volatile boolean barrierInFlight;
    private volatile boolean fenceWanted;
    private volatile boolean closed;
    // ticker thread only
    private boolean reporting;
    private boolean reported;
    private long lastFenceNanos = System.nanoTime();

    /**
     * A node for {@code room}; nothing runs until {@link #start}.
     *
     * @param settings the configuration
     * @param room     the room
     */
    public ClusterNode(NodeSettings settings, RoomStateMachine room) {
        this.settings = settings;
        this.room = room;
        this.replica = new RoomReplica(settings.nodeId(), room);
        this.raftMembers.addAll(settings.peers().keySet());
        this.raftMembers.add(settings.nodeId());
        this.commandTimeoutNanos = Math.max(TimeUnit.SECONDS.toNanos(1), settings.failureDetection().toNanos());
        this.inMemoryName = "roomcast-" + settings.nodeId() + "-" + UUID.randomUUID();
    }

    /**
     * Connects and waits (bounded by the start timeout) until this node has caught up.
     *
     * @throws IOException if the channel cannot be created or connected
     */
    public void start() throws IOException {
        try {
            channel = ClusterStack.create(settings, inMemoryName);
            handle = new RaftHandle(channel, replica);
            channel.connect(settings.clusterName());
        } catch (Exception e) {
            close();
            throw new IOException("node " + settings.nodeId() + " cannot join its cluster: " + e.getMessage(), e);
        }
        Object physical = channel.down(new Event(Event.GET_PHYSICAL_ADDRESS, channel.getAddress()));
        if (physical instanceof IpAddress) {
            IpAddress ip = (IpAddress) physical;
            boundAddress = new InetSocketAddress(ip.getIpAddress(), ip.getPort());
        }
        synchronized (this) {
            if (closed) {
                // closed while connecting: close() may not have seen the channel
                channel.close();
                throw new IOException("node " + settings.nodeId() + " was closed while starting");
            }
            ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "roomcast-raft-" + settings.nodeId()));
            sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(OriginTable.WINDOW),
                    r -> daemon(r, "roomcast-raft-send-" + settings.nodeId()), new ThreadPoolExecutor.AbortPolicy());
        }
        try {
            ticker.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw new IOException("node " + settings.nodeId() + " was closed while starting", e);
        }
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        synchronized (this) {
            while (!caughtUp && !closed) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    LOG.warn("node {}: no majority within {}; not available", settings.nodeId(), settings.startTimeout());
                    break;
                }
                try {
                    wait(Math.min(left, TICK_MILLIS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (caughtUp && room.nodesWithMembers().contains(settings.nodeId())) {
            // members the log places on this node belong to an earlier run of it: they are gone
            LOG.info("node {}: members of its previous run leave", settings.nodeId());
            RoomCommand lost = room.nodeLost(settings.nodeId());
            send(CommandEnvelope.Kind.COMMAND, lost, lost.toBytes(), counted -> { });
        }
        try {
            ticker.submit(this::startReporting).get(RoomStateMachine.SNAPSHOT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("node {}: could not report availability at start", settings.nodeId(), e);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * The cluster address the transport bound.
     *
     * @return it, or null before {@link #start} bound it
     */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /**
     * Whether this node knows a leader with a majority and has caught up.
     *
     * @return whether submissions are taken
     */
    public boolean available() {
        return caughtUp && ready && !closed;
    }

    /**
     * Submits a room command without blocking.
     *
     * @param command the command
     * @return whether it was taken
     */
    public boolean submit(RoomCommand command) {
        return available() && send(CommandEnvelope.Kind.COMMAND, command, command.toBytes(), null);
    }

    /**
     * Whether this node leads the cluster now.
     *
     * @return whether it is the Raft leader
     */
    public boolean isLeader() {
        RaftHandle h = handle;
        return h != null && !closed && h.isLeader();
    }

    /**
     * The channel, for tests that cut the network.
     *
     * @return the channel, or null before start
     */
    public JChannel channel() {
        return channel;
    }

    /**
     * Numbers an entry and queues it for the sender in one step, so that entries reach Raft in the
     * order of their numbers whichever thread sends them (the server's I/O thread, the watch
     * thread's fences and lost nodes): a higher number that counted first would fail a lower one.
     * Never blocks: the queue refuses when full.
     */
    private boolean send(CommandEnvelope.Kind kind, RoomCommand command, byte[] payload, Consumer<Boolean> onSettled) {
        synchronized (sendLock) {
            long seq = nextSeq.getAndIncrement();
            if (seq - replica.oldestOutstanding(seq) >= OriginTable.WINDOW - 1) {
                return false;
            }
            byte[] entry = CommandEnvelope.encode(kind, settings.nodeId(), seq, payload);
            replica.track(seq, command, onSettled);
            try {
                sender.execute(() -> hand(seq, entry));
                return true;
            } catch (RejectedExecutionException e) {
                replica.untrack(seq);
                return false;
            }
        }
    }

    /** On the sender thread: gives the entry to Raft (REDIRECT forwards it to the leader). */
    private void hand(long seq, byte[] entry) {
        if (closed) {
            return;
        }
        try {
            handle.setAsync(entry, 0, entry.length).whenComplete((result, failure) -> {
                if (failure != null) {
                    fenceWanted = true;
                }
            });
        } catch (Exception e) {
            // refused before anything was sent (no leader now): it can never be applied
            LOG.debug("node {}: entry {} refused at once: {}", settings.nodeId(), seq, e.toString());
            replica.refused(seq);
        }
    }

    private boolean clusterReady() {
        JChannel ch = channel;
        RaftHandle h = handle;
        if (ch == null || h == null) {
            return false;
        }
        RAFT raft = h.raft();
        Address leader = raft.leader();
        View view = ch.getView();
        if (leader == null || view == null || !view.containsMember(leader)) {
            return false;
        }
        return raftIdsIn(view).size() >= raft.majority();
    }

    private Set<String> raftIdsIn(View view) {
        Set<String> ids = new HashSet<>();
        for (Address a : view) {
            String id = Utils.extractRaftId(a);
            if (id != null && raftMembers.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    private void startReporting() {
        reporting = true;
        reported = available();
        if (!closed) {
            room.availabilityChanged(reported);
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            ready = clusterReady();
            nextSeq.accumulateAndGet(replica.highestOwn() + 1, Math::max);
            if (ready && !caughtUp && !barrierInFlight) {
                barrierInFlight = true;
                if (!send(CommandEnvelope.Kind.FENCE, null, new byte[0], this::barrierSettled)) {
                    barrierInFlight = false;
                }
            }
            boolean now = ready && caughtUp;
            if (reporting && now != reported) {
                reported = now;
                LOG.info("node {}: room {}", settings.nodeId(), now ? "available" : "unavailable");
                room.availabilityChanged(now);
            }
            if (ready) {
                settleStuckSubmissions();
            }
            if (ready && caughtUp && handle.isLeader()) {
                submitLostNodes();
            } else {
                lostSubmitted.clear();
            }
        } catch (RuntimeException e) {
            LOG.warn("node {}: cluster watch failed", settings.nodeId(), e);
        }
    }

    private void barrierSettled(boolean counted) {
        barrierInFlight = false;
        if (counted) {
            caughtUp = true;
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** A submission with no answer for a while, or one Raft reported failing: a fence settles it. */
    private void settleStuckSubmissions() {
        long now = System.nanoTime();
        boolean stuck = now - replica.oldestSubmittedNanos() > commandTimeoutNanos;
        if ((stuck || fenceWanted) && now - lastFenceNanos > commandTimeoutNanos / 4) {
            fenceWanted = false;
            lastFenceNanos = now;
            send(CommandEnvelope.Kind.FENCE, null, new byte[0], null);
        }
    }

    /** On the leader: every node that serves members but is not in the view is lost. */
    private void submitLostNodes() {
        Set<String> inView = new HashSet<>();
        for (Address a : channel.getView()) {
            String id = Utils.extractRaftId(a);
            if (id != null) {
                inView.add(id);
            }
        }
        lostSubmitted.removeIf(inView::contains);
        for (String id : room.nodesWithMembers()) {
            if (!inView.contains(id) && lostSubmitted.add(id)) {
                LOG.info("node {} (leader): node {} left the cluster; its members leave", settings.nodeId(), id);
                RoomCommand lost = room.nodeLost(id);
                if (!send(CommandEnvelope.Kind.COMMAND, lost, lost.toBytes(), counted -> {
                    if (!counted) {
                        lostSubmitted.remove(id);
                    }
                })) {
                    lostSubmitted.remove(id);
                }
            }
        }
    }

    /** Stops everything; no calls into the room after it returns. Idempotent. */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
        }
        replica.close();
        if (sender != null) {
            // what the server handed over last (its members' SERVER_CLOSED leaves) still goes to
            // Raft, for a moment, so that the other nodes see them leave rather than time out
            sender.shutdown();
            try {
                if (!sender.awaitTermination(SENDER_DRAIN_MILLIS, TimeUnit.MILLISECONDS)) {
                    sender.shutdownNow();
                }
            } catch (InterruptedException e) {
                sender.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (channel != null) {
            RAFT raft = channel.getProtocolStack().findProtocol(RAFT.class);
            String logName = raft != null ? raft.logName() : null;
            channel.close();
            if (settings.dataDirectory() == null && logName != null) {
                InMemoryLog.logs.remove(logName);
            }
        }
    }
}
