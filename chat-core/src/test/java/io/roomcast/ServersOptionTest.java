package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.internal.io.ClientRuntime;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.HandshakePacket;
import io.roomcast.internal.wire.RejectReason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ChatClient.Builder#servers}: what it accepts and refuses, which of it and
 * {@code server(...)} decides, and how the room being unavailable reaches the application — a
 * refused send's {@link RefusalReason#ROOM_UNAVAILABLE}, and a join refused by every address as a
 * {@link RoomUnavailableException}.
 */
@Timeout(30)
class ServersOptionTest {
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 9000);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 9001);

    @Test
    void anEmptyListANullEntryAndAnAddressTwiceAreRefusedNamingTheIndex() {
        assertThatThrownBy(() -> ChatClient.builder().servers(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("servers: at least one address is required");
        assertThatThrownBy(() -> ChatClient.builder().servers(null))
                .isInstanceOf(NullPointerException.class).hasMessage("servers");
        assertThatThrownBy(() -> ChatClient.builder().servers(Arrays.asList(A, null)))
                .isInstanceOf(NullPointerException.class).hasMessage("servers[1]");
        assertThatThrownBy(() -> ChatClient.builder().servers(List.of(A, B, A)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("servers[2]: " + A + " is listed twice");
        assertThatThrownBy(() -> ChatClient.builder().servers(List.of(A, new InetSocketAddress("127.0.0.1", 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("servers[1]: port 0 cannot be connected to");
        assertThatThrownBy(() -> ChatClient.builder().servers(List.of(InetSocketAddress.createUnresolved("x", 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("servers[0]: address");
    }

    @Test
    void theLastOfServerAndServersDecides() {
        ChatClient.Builder builder = ChatClient.builder().username("joan");
        assertThat(builder.servers(List.of(A, B)).server(B).build().server()).isEqualTo(B);
        assertThat(builder.server(B).servers(List.of(A, B)).build().server()).isEqualTo(A);
        List<InetSocketAddress> mine = new java.util.ArrayList<>(List.of(B, A));
        ChatClient client = builder.servers(mine).build();
        mine.clear(); // the builder took a copy
        assertThat(client.server()).isEqualTo(B);
    }

    @Test
    void aSendRefusedBecauseTheRoomIsUnavailableFailsWithThatReason() throws Exception {
        ClientListenerBridge bridge = new ClientListenerBridge(List.of(A, B), () -> A, "joan", Duration.ofSeconds(1),
                new ChatClientListener() {
                }, new ClientRuntime.Callbacks(Runnable::run, Runnable::run));
        CompletableFuture<ChatMessage> refused = new CompletableFuture<>();
        CompletableFuture<ChatMessage> lost = new CompletableFuture<>();
        bridge.expectConfirmation(1, refused);
        bridge.expectConfirmation(2, lost);

        bridge.sendRefused(1, ErrorCode.ROOM_UNAVAILABLE, "no quorum");
        bridge.sendLost(2, "the server that took the client back did not know its session");

        assertThatThrownBy(() -> refused.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(MessageRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RefusalReason.ROOM_UNAVAILABLE);
                    assertThat(e.detail()).isEqualTo("no quorum");
                });
        assertThatThrownBy(() -> lost.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isExactlyInstanceOf(ChatException.class).hasMessageContaining("did not know its session");
    }

    @Test
    void aJoinRefusedAsUnavailableEverywhereThrowsRoomUnavailable() throws Exception {
        try (DatagramChannel first = DatagramChannel.open(); DatagramChannel second = DatagramChannel.open()) {
            first.bind(new InetSocketAddress("127.0.0.1", 0));
            second.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress one = (InetSocketAddress) first.getLocalAddress();
            InetSocketAddress two = (InetSocketAddress) second.getLocalAddress();
            Thread answering = answerUnavailable(first);
            Thread answeringToo = answerUnavailable(second);
            try (ChatClient joan = ChatClient.builder().servers(List.of(one, two)).username("joan")
                    .connectTimeout(Duration.ofSeconds(10)).build()) {
                long start = System.nanoTime();
                assertThatThrownBy(joan::connect).isInstanceOf(RoomUnavailableException.class)
                        .hasMessageContaining("the room is unavailable")
                        .hasMessageContaining(one + ": cut off").hasMessageContaining(two + ": cut off");
                assertThat(System.nanoTime() - start).as("refused at once: no waiting for a timeout")
                        .isLessThan(TimeUnit.SECONDS.toNanos(8));
                assertThat(joan.server()).isEqualTo(two);
            } finally {
                answering.interrupt();
                answeringToo.interrupt();
            }
        }
    }

    /** A thread that answers the HELLOs reaching {@code channel} with REJECT(ROOM_UNAVAILABLE), until interrupted. */
    private static Thread answerUnavailable(DatagramChannel channel) {
        Thread thread = new Thread(() -> {
            ByteBuffer in = ByteBuffer.allocate(2048);
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    in.clear();
                    InetSocketAddress from = (InetSocketAddress) channel.receive(in);
                    in.flip();
                    if (HandshakePacket.decode(in) instanceof HandshakePacket.Hello hello) {
                        channel.send(ByteBuffer.wrap(new HandshakePacket.Reject(hello.clientNonce(), 0,
                                RejectReason.ROOM_UNAVAILABLE, "cut off").toBytes()), from);
                    }
                }
            } catch (Exception e) {
                // closed or interrupted: the test is over
            }
        }, "unavailable-responder");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
