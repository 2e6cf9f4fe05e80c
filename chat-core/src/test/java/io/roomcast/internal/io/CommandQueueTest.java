package io.roomcast.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The way into an endpoint on a loop's thread, driven by hand in place of the loop (never attached). */
@Timeout(10)
class CommandQueueTest {
    private final EventLoop loop = EventLoop.dedicated("test-io");

    CommandQueueTest() throws Exception {
    }

    @AfterEach
    void releaseTheLoop() {
        loop.abandon();
    }

    @Test
    void commandsRunInOrderWithTheTimeAndOneThatThrowsDoesNotStopTheRest() throws Exception {
        CommandQueue commands = new CommandQueue(loop);
        List<String> ran = new ArrayList<>();

        assertThat(commands.execute(now -> ran.add("first at " + now))).isTrue();
        assertThat(commands.execute(now -> {
            throw new IllegalStateException("a failing command");
        })).isTrue();
        assertThat(commands.execute(now -> ran.add("third at " + now))).isTrue();
        commands.runAll(42);

        assertThat(ran).containsExactly("first at 42", "third at 42");
        commands.discard();
    }

    @Test
    void closingRunsWhatWasQueuedAndRefusesWhatComesAfter() throws Exception {
        CommandQueue commands = new CommandQueue(loop);
        List<String> ran = new ArrayList<>();
        commands.execute(now -> ran.add("queued before"));

        commands.close(7);
        boolean accepted = commands.execute(now -> ran.add("given after"));

        assertThat(ran).containsExactly("queued before");
        assertThat(accepted).as("a command given after close will never run").isFalse();
        commands.runAll(8);
        assertThat(ran).containsExactly("queued before");
        commands.discard();
    }
}
