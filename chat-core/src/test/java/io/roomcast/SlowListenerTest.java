package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.io.CallbackDispatcher;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Listeners that block, over real sockets on loopback: a listener may wait for its own send's
 * future, a client's listener that cannot keep up holds the room back only as far as the bound and
 * then catches up, and a server's listener that cannot keep up never stalls the room: calls past
 * the bound are dropped and counted, and no member's leave goes missing. (That a client held back
 * long enough is removed as {@code TOO_SLOW} is the engine's rule: {@code SlowApplicationTest}.)
 */
@Timeout(120)
class SlowListenerTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final int BOUND = CallbackDispatcher.MAX_QUEUED_CALLBACKS;
    /** Far more messages than one bound of queued calls and one of held-back events together. */
    private static final int MESSAGES = 3_000;
    private static final long WAIT_SECONDS = 60;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeAll() throws Exception {
        release.countDown();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ChatServer startServer(ChatServerListener listener) throws Exception {
        ChatServer server = ChatServer.builder().bind(ANY_LOOPBACK_PORT).password("secret")
                .rateLimit(100_000, 100_000).listener(listener).build();
        closeables.add(server);
        server.start();
        return server;
    }

    private ChatClient join(ChatServer server, String username, ChatClientListener listener) throws Exception {
        ChatClient client = ChatClient.builder().server(server.localAddress()).username(username).password("secret")
                .listener(listener).build();
        closeables.add(client);
        client.connect();
        return client;
    }

    /** Sends {@link #MESSAGES} messages {@code m0}, {@code m1}, … and waits until the room has confirmed them all. */
    private static void sendAll(ChatClient client) throws Exception {
        CompletableFuture<?>[] sent = IntStream.range(0, MESSAGES).mapToObj(i -> client.send("m" + i))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(sent).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private void awaitRelease() {
        try {
            release.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aListenerCanWaitForItsOwnSendInsideOnMessage() throws Exception {
        ChatServer server = startServer(new ChatServerListener() {
        });
        AtomicReference<ChatClient> joan = new AtomicReference<>();
        BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        joan.set(join(server, "joan", new ChatClientListener() {
            @Override
            public void onMessage(ChatMessage message) {
                if (message.text().equals("ping")) {
                    try {
                        answers.add(joan.get().send("pong").get(5, TimeUnit.SECONDS));
                    } catch (Exception e) {
                        answers.add(e);
                    }
                }
            }
        }));
        ChatClient ega = join(server, "ega", new ChatClientListener() {
        });

        ega.send("ping").get(10, TimeUnit.SECONDS);

        Object answer = answers.poll(20, TimeUnit.SECONDS);
        assertThat(answer).as("the listener's own send completed while it waited in onMessage")
                .isInstanceOfSatisfying(ChatMessage.class, message -> {
                    assertThat(message.sender()).isEqualTo("joan");
                    assertThat(message.text()).isEqualTo("pong");
                });
    }

    @Test
    void aClientWhoseListenerBlocksQueuesNoMoreThanTheBoundAndCatchesUpWhenReleased() throws Exception {
        ChatServer server = startServer(new ChatServerListener() {
        });
        RecordingClientListener recorded = new RecordingClientListener();
        ChatClient joan = join(server, "joan", new ChatClientListener() {
            @Override
            public void onMessage(ChatMessage message) {
                awaitRelease();
                recorded.onMessage(message);
            }
        });
        ChatClient ega = join(server, "ega", new ChatClientListener() {
        });

        sendAll(ega); // the room is not held up by joan's listener

        int mostQueued = joan.mostQueuedListenerCalls();
        release.countDown();
        List<ChatMessage> messages = recorded.takeMessages(MESSAGES);

        assertThat(mostQueued).as("listener calls queued while it was blocked").isBetween(BOUND / 2, BOUND);
        assertThat(joan.mostQueuedListenerCalls()).as("listener calls ever queued").isLessThanOrEqualTo(BOUND);
        assertThat(messages).extracting(ChatMessage::text)
                .isEqualTo(IntStream.range(0, MESSAGES).mapToObj(i -> "m" + i).toList());
        assertThat(joan.members()).as("joan caught up and is still in the room").contains("joan", "ega");
    }

    @Test
    void aServerWhoseListenerBlocksDropsCallsPastTheBoundButNeverALeave() throws Exception {
        RecordingServerListener recorded = new RecordingServerListener();
        ChatServer server = startServer(new ChatServerListener() {
            @Override
            public void onMemberJoined(Member member) {
                recorded.onMemberJoined(member);
            }

            @Override
            public void onMessage(ChatMessage message) {
                awaitRelease();
                recorded.onMessage(message);
            }

            @Override
            public void onMemberLeft(Member member, LeaveReason reason) {
                recorded.onMemberLeft(member, reason);
            }
        });
        RecordingClientListener joanEvents = new RecordingClientListener();
        ChatClient joan = join(server, "joan", joanEvents);
        ChatClient ega = join(server, "ega", new ChatClientListener() {
        });
        joanEvents.assertJoined("ega");

        sendAll(ega);
        assertThat(joanEvents.takeMessages(MESSAGES)).as("the room went on").hasSize(MESSAGES);

        // one message is in the blocked call, a bound's worth wait, the rest were dropped
        assertThat(server.droppedListenerCalls()).isEqualTo(MESSAGES - 1 - BOUND);
        assertThat(server.mostQueuedListenerCalls()).isEqualTo(BOUND);
        joan.close();
        release.countDown();
        server.close();

        recorded.assertJoined("joan");
        recorded.assertJoined("ega");
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i <= BOUND; i++) {
            RecordingServerListener.Event event = recorded.next();
            assertThat(event).isInstanceOf(RecordingServerListener.Message.class);
            seen.add(Integer.parseInt(((RecordingServerListener.Message) event).message().text().substring(1)));
        }
        assertThat(seen).as("the calls that were not dropped, in the room's order").startsWith(0).isSorted()
                .doesNotHaveDuplicates();
        recorded.assertLeft("joan", LeaveReason.LEFT);
        recorded.assertLeft("ega", LeaveReason.SERVER_CLOSED);
        recorded.assertExhausted();
    }
}
