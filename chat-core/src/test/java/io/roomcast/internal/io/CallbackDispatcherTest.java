package io.roomcast.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CallbackDispatcherTest {
    private final CallbackDispatcher dispatcher = new CallbackDispatcher(null, "test-callbacks");
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @Test
    void aListenerThatOverflowsItsStackDoesNotStopLaterCallbacks() throws InterruptedException {
        dispatcher.execute(() -> {
            throw new StackOverflowError("deep recursion in a listener");
        });
        dispatcher.execute(() -> ran.add("after the overflow"));

        assertThat(awaitAllRun()).isTrue();
        assertThat(ran).containsExactly("after the overflow");
    }

    @Test
    void anyOtherThrowableFromAListenerEndsOnlyThatCall() throws InterruptedException {
        dispatcher.execute(() -> {
            throw new NoClassDefFoundError("a listener's missing class");
        });
        dispatcher.execute(CallbackDispatcherTest::throwChecked);
        dispatcher.execute(() -> {
            throw new IllegalStateException("an ordinary listener bug");
        });
        dispatcher.execute(() -> ran.add("still delivered"));

        assertThat(awaitAllRun()).isTrue();
        assertThat(ran).containsExactly("still delivered");
    }

    @Test
    void callbacksRunInOrderOneAtATime() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            int n = i;
            dispatcher.execute(() -> {
                ran.add(Integer.toString(n));
                done.countDown();
            });
        }
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(100).first().isEqualTo("0");
        assertThat(ran).last().isEqualTo("99");
        for (int i = 0; i < 100; i++) {
            assertThat(ran.get(i)).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void offersPastTheBoundAreDroppedAndCountedWhileExecuteStillQueuesTerminalCalls() throws InterruptedException {
        int bound = CallbackDispatcher.MAX_QUEUED_CALLBACKS;
        CountDownLatch release = occupy(dispatcher);
        List<Boolean> offered = IntStream.range(0, bound + 10)
                .mapToObj(i -> dispatcher.offer(() -> ran.add("call " + i))).toList();
        dispatcher.execute(() -> ran.add("terminal"));

        assertThat(offered.subList(0, bound)).containsOnly(true);
        assertThat(offered.subList(bound, bound + 10)).containsOnly(false);
        assertThat(dispatcher.dropped()).isEqualTo(10);
        assertThat(dispatcher.hasRoom()).isFalse();
        assertThat(dispatcher.mostQueued()).isEqualTo(bound + 1);
        release.countDown();
        assertThat(awaitAllRun()).isTrue();
        assertThat(ran).hasSize(bound + 1).startsWith("call 0").endsWith("call " + (bound - 1), "terminal");
    }

    @Test
    void aProducerToldThereIsNoRoomIsToldOnceWhenHalfTheQueueHasDrained() throws InterruptedException {
        List<Integer> ranWhenTold = new CopyOnWriteArrayList<>();
        CallbackDispatcher bounded = new CallbackDispatcher(null, "test-bounded", () -> ranWhenTold.add(ran.size()));
        CountDownLatch release = occupy(bounded);
        int queued = 0;
        while (bounded.hasRoom()) {
            bounded.execute(() -> ran.add("event"));
            queued++;
        }
        int bound = queued;
        assertThat(bound).isEqualTo(CallbackDispatcher.MAX_QUEUED_CALLBACKS);
        assertThat(bounded.hasRoom()).as("asked again while full").isFalse();
        release.countDown();
        CountDownLatch drained = new CountDownLatch(1);
        bounded.execute(drained::countDown);
        assertThat(drained.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(ranWhenTold).as("told once, while half the queue still waited").singleElement()
                .satisfies(ranBefore -> assertThat(ranBefore).isLessThanOrEqualTo(bound / 2));
        assertThat(ran).hasSize(bound);
    }

    /** Blocks {@code target}'s thread in a callback until the returned latch is released. */
    private static CountDownLatch occupy(CallbackDispatcher target) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        target.execute(() -> {
            running.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    /** Queues a marker behind everything given so far and waits for it, boundedly. */
    private boolean awaitAllRun() throws InterruptedException {
        CountDownLatch marker = new CountDownLatch(1);
        dispatcher.execute(marker::countDown);
        return marker.await(5, TimeUnit.SECONDS);
    }

    /** Throws a checked exception from a Runnable, as bytecode from other JVM languages can. */
    private static void throwChecked() {
        CallbackDispatcherTest.<RuntimeException>sneaky(new Exception("a checked exception"));
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
