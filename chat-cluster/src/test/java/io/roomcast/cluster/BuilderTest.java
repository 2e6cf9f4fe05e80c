package io.roomcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BuilderTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void buildNamesTheMissingOrBadSetting() {
        assertThatThrownBy(() -> RaftRoomBackend.builder().bind(ANY).clusterSecret(TestCluster.SECRET).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nodeId");
        assertThatThrownBy(() -> RaftRoomBackend.builder().nodeId("a").clusterSecret(TestCluster.SECRET).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bind");
        assertThatThrownBy(() -> RaftRoomBackend.builder().nodeId("a").bind(ANY).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clusterSecret");
        assertThatThrownBy(() -> RaftRoomBackend.builder().nodeId("a").bind(ANY).clusterSecret(TestCluster.SECRET)
                .peer("a").build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("peer a");
        assertThatThrownBy(() -> RaftRoomBackend.builder().nodeId("a,b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RaftRoomBackend.builder().nodeId(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RaftRoomBackend.builder().clusterSecret(new byte[15]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RaftRoomBackend.builder().failureDetection(Duration.ofMillis(99)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RaftRoomBackend.builder().maxLogSize(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RaftRoomBackend.builder().bind(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anUnstartedBackendTakesNothingAndClosesTwice() {
        RaftRoomBackend backend = RaftRoomBackend.builder().nodeId("a").bind(ANY)
                .clusterSecret("a pass phrase of 16+ chars".toCharArray()).build();
        assertThat(backend.nodeId()).isEqualTo("a");
        assertThat(backend.boundAddress()).isNull();
        assertThat(backend.available()).isFalse();
        assertThat(backend.submit(TestCommand.say("a", "x"))).isFalse();
        backend.close();
        backend.close();
        assertThatThrownBy(() -> backend.start(new RecordingRoom())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSingleNodeClusterOrdersAloneAndStartsOnlyOnce() throws Exception {
        try (RaftRoomBackend backend = RaftRoomBackend.builder().nodeId("solo").bind(ANY)
                .clusterSecret(TestCluster.SECRET).failureDetection(TestCluster.FAILURE_DETECTION).build()) {
            RecordingRoom room = new RecordingRoom();
            backend.start(room);
            assertThat(backend.available()).isTrue();
            assertThat(room.lastAvailability()).isTrue();
            assertThat(backend.boundAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(backend.boundAddress().getPort()).isPositive();
            assertThat(backend.submit(TestCommand.say("solo", "hi"))).isTrue();
            room.await("hi applied", TestCluster.WAIT, r -> r.applied().contains("S|solo|hi"));
            assertThatThrownBy(() -> backend.start(room)).isInstanceOf(IllegalStateException.class);
        }
    }
}
