package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.spi.RoomBackend;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server given a backend serves no joins until the backend says the room is available (it has
 * caught up): a join before that is refused as unavailable, not admitted and later forgotten.
 */
@Timeout(60)
class BackendCatchUpTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    /**
     * A backend that orders in process once caught up; until the test says it is, it takes
     * commands as a replicating backend would and loses them, the catch-up replacing the room.
     */
    private static final class CatchingUpBackend implements RoomBackend {
        final CompletableFuture<RoomStateMachine> room = new CompletableFuture<>();
        final List<RoomCommand> lostInCatchUp = new CopyOnWriteArrayList<>();
        volatile boolean available;

        @Override
        public String nodeId() {
            return "a";
        }

        @Override
        public void start(RoomStateMachine room) {
            this.room.complete(room); // not available yet: it reports so once caught up
        }

        @Override
        public boolean submit(RoomCommand command) {
            if (!available) {
                lostInCatchUp.add(command);
                return true;
            }
            room.join().apply(command);
            return true;
        }

        @Override
        public boolean available() {
            return available;
        }

        @Override
        public void close() {
        }

        /** Caught up: from the backend's own thread, as a replicating backend would say it. */
        void caughtUp() throws Exception {
            available = true;
            room.get(10, TimeUnit.SECONDS).availabilityChanged(true);
        }
    }

    @Test
    void aJoinBeforeTheBackendHasCaughtUpIsRefusedAsUnavailableAndOneAfterItIsAdmitted() throws Exception {
        CatchingUpBackend backend = new CatchingUpBackend();
        try (ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).password("pw").backend(backend).build()) {
            server.start();
            try (ChatClient early = ChatClient.builder().server(server.localAddress()).username("joan").password("pw")
                    .connectTimeout(Duration.ofSeconds(20)).build()) {
                assertThatThrownBy(early::connect).isInstanceOf(RoomUnavailableException.class);
            }
            assertThat(server.members()).isEmpty();
            assertThat(backend.lostInCatchUp).as("submitted while the backend caught up").isEmpty();

            backend.caughtUp();
            try (ChatClient late = ChatClient.builder().server(server.localAddress()).username("joan").password("pw")
                    .connectTimeout(Duration.ofSeconds(20)).build()) {
                late.connect();
                assertThat(server.members()).containsExactly("joan");
            }
        }
    }
}
