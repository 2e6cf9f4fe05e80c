package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An advanced user's own JGroups configuration: here an in-JVM transport, no sockets at all. */
class ConfigurationTest {
    private static final String STACK = """
            <config xmlns="urn:org:jgroups">
              <SHARED_LOOPBACK/>
              <SHARED_LOOPBACK_PING/>
              <pbcast.NAKACK2/>
              <UNICAST3/>
              <pbcast.STABLE/>
              <pbcast.GMS join_timeout="500" print_local_addr="false"/>
              <raft.ELECTION2/>
              <raft.RAFT/>
              <raft.REDIRECT/>
            </config>
            """;

    private final List<RaftRoomBackend> backends = new ArrayList<>();

    @AfterEach
    void close() {
        backends.forEach(RaftRoomBackend::close);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFullJGroupsConfigurationGetsThisNodesRaftSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stack.xml");
        Files.writeString(file, STACK);
        String cluster = "config-test-" + UUID.randomUUID();
        RaftRoomBackend x = RaftRoomBackend.builder().nodeId("x").peer("y").clusterName(cluster)
                .jgroupsConfiguration(file).build();
        RaftRoomBackend y = RaftRoomBackend.builder().nodeId("y").peer("x").clusterName(cluster)
                .jgroupsConfiguration(STACK).build();
        backends.add(x);
        backends.add(y);
        RecordingRoom xRoom = new RecordingRoom();
        RecordingRoom yRoom = new RecordingRoom();
        CompletableFuture<Void> xStarted = CompletableFuture.runAsync(() -> start(x, xRoom));
        // x connects first (this stack has no MERGE3: two nodes creating the cluster at once would stay apart)
        TestCluster.await("x connected", TestCluster.WAIT, () -> x.boundAddress() != null || xStarted.isDone());
        start(y, yRoom);
        xStarted.get(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(x.available()).isTrue();
        assertThat(y.available()).isTrue();
        assertThat(x.submit(TestCommand.say("x", "hello"))).isTrue();
        assertThat(y.submit(TestCommand.say("y", "hi"))).isTrue();
        for (RecordingRoom room : List.of(xRoom, yRoom)) {
            room.await("both applied", TestCluster.WAIT, r -> r.applied().size() == 2);
        }
        assertThat(yRoom.applied()).isEqualTo(xRoom.applied());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aConfigurationWithoutRaftIsRefused() {
        RaftRoomBackend b = RaftRoomBackend.builder().nodeId("x")
                .jgroupsConfiguration(STACK.replace("<raft.RAFT/>", "").replace("<raft.REDIRECT/>", "").replace("<raft.ELECTION2/>", ""))
                .build();
        backends.add(b);
        assertThatThrownBy(() -> b.start(new RecordingRoom())).isInstanceOf(IOException.class)
                .hasMessageContaining("REDIRECT");
    }

    private static void start(RaftRoomBackend backend, RecordingRoom room) {
        try {
            backend.start(room);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
