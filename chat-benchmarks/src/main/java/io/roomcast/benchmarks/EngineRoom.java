package io.roomcast.benchmarks;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.crypto.SrpVerifier;
import io.roomcast.internal.protocol.ClientConfig;
import io.roomcast.internal.protocol.ClientEngine;
import io.roomcast.internal.protocol.ClientEventSink;
import io.roomcast.internal.protocol.ServerConfig;
import io.roomcast.internal.protocol.ServerEngine;
import io.roomcast.internal.protocol.ServerEventSink;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The sans-I/O server engine with client engines on a perfect virtual network and a virtual
 * clock: the same protocol code as a real room, without sockets or threads, so a room of
 * thousands of members can be built in one thread in seconds. Not thread-safe.
 */
final class EngineRoom {
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 9000);
    private static final String PASSWORD = "benchmark password";
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_TIMEOUT = 15 * SECOND;
    /** Timers fire at this granularity or coarser; virtual time is free, steps are not. */
    private static final long TIME_STEP = TimeUnit.MILLISECONDS.toNanos(10);

    private final Random random = new Random(7);
    private final SrpGroup group;
    final ServerEngine server;
    private final Map<InetSocketAddress, ClientEngine> clients = new LinkedHashMap<>();
    private final ByteBuffer datagram = ByteBuffer.allocate(2048);
    private long now = SECOND;
    private int joined;
    private String failure;

    EngineRoom(SrpGroup group, int maxMembers) {
        this.group = group;
        ServerConfig config = ServerConfig.of("benchmark", group,
                SrpVerifier.create(group, "benchmark", PASSWORD, random), IDLE_TIMEOUT, 16 * 1024, maxMembers);
        server = new ServerEngine(config, new ServerEventSink() {
            @Override
            public void memberJoined(long sequence, String username, InetSocketAddress address) {
            }

            @Override
            public void message(long sequence, String sender, String text, long timestampMillis) {
            }

            @Override
            public void memberLeft(long sequence, String username, InetSocketAddress address, CloseReason reason) {
            }
        }, random, () -> TimeUnit.NANOSECONDS.toMillis(now));
    }

    /** Joins {@code count} more members, {@code batch} handshakes at a time, and lets the room settle. */
    void join(int count, int batch) {
        for (int done = 0; done < count; done += batch) {
            int target = joined + Math.min(batch, count - done);
            for (int i = joined; i < target; i++) {
                startClient("m" + clients.size());
            }
            long limit = now + 30 * SECOND;
            while (joined < target && failure == null && now < limit) {
                step();
            }
            if (joined < target || failure != null) {
                throw new IllegalStateException(joined + " of " + target + " members joined; "
                        + (failure != null ? failure : "the rest timed out"));
            }
        }
    }

    private void startClient(String username) {
        InetSocketAddress address = new InetSocketAddress("127.0.0.2", 1024 + clients.size());
        ClientEngine client = new ClientEngine(new ClientConfig(SERVER, username, PASSWORD, group, 30 * SECOND,
                IDLE_TIMEOUT), new MemberSink(), random);
        clients.put(address, client);
        client.start(now);
    }

    /** Runs the room for {@code nanos} of virtual time: keepalives, acknowledgements, expiries. */
    void runFor(long nanos) {
        long until = now + nanos;
        while (now < until) {
            step();
        }
    }

    /** Forgets the client engines, so that what stays reachable is the server's. */
    List<ClientEngine> dropClients() {
        List<ClientEngine> dropped = new ArrayList<>(clients.values());
        clients.clear();
        return dropped;
    }

    int members() {
        return server.memberNames().size();
    }

    /** Moves every datagram that is ready, fires due timers, then moves the clock to the next deadline. */
    private void step() {
        do {
            fireTimers();
        } while (exchange());
        long next = server.nextDeadlineNanos();
        for (ClientEngine client : clients.values()) {
            next = Math.min(next, client.nextDeadlineNanos());
        }
        now = Math.max(next, now + TIME_STEP);
    }

    private void fireTimers() {
        if (server.nextDeadlineNanos() <= now) {
            server.handleTimeout(now);
        }
        for (ClientEngine client : clients.values()) {
            if (client.nextDeadlineNanos() <= now) {
                client.handleTimeout(now);
            }
        }
    }

    private boolean exchange() {
        boolean moved = false;
        for (Map.Entry<InetSocketAddress, ClientEngine> entry : clients.entrySet()) {
            while (entry.getValue().pollDatagram(now, datagram.clear()) != null) {
                server.handleDatagram(now, datagram.flip(), entry.getKey());
                moved = true;
            }
        }
        InetSocketAddress to;
        while ((to = server.pollDatagram(now, datagram.clear())) != null) {
            ClientEngine client = clients.get(to);
            if (client != null) {
                client.handleDatagram(now, datagram.flip(), SERVER);
            }
            moved = true;
        }
        return moved;
    }

    private final class MemberSink implements ClientEventSink {
        @Override
        public void joined(String roomName, List<String> members, int maxMessageBytes, long joinSequence) {
            joined++;
        }

        @Override
        public void connectFailed(ConnectFailure reason, String detail) {
            failure = "a join failed: " + reason + " " + detail;
        }

        @Override
        public void message(long sequence, String sender, String text, long timestampMillis) {
        }

        @Override
        public void memberJoined(long sequence, String username) {
        }

        @Override
        public void memberLeft(long sequence, String username, CloseReason reason) {
        }

        @Override
        public void sendAccepted(long messageId, long sequence, String text, long timestampMillis) {
        }

        @Override
        public void sendRefused(long messageId, ErrorCode code, String detail) {
        }

        @Override
        public void disconnected(CloseReason reason) {
            failure = "a member was disconnected: " + reason;
        }
    }
}
