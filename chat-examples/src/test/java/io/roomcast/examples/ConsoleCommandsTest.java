package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.examples.ConsoleCommands.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConsoleCommandsTest {
    private final List<String> printed = new ArrayList<>();
    private final List<String> ran = new ArrayList<>();
    private final ConsoleCommands commands = new ConsoleCommands(printed::add)
            .add("who", "", "list the room", arguments -> ran.add("who " + arguments))
            .add("kick", "NAME", "remove a member", arguments -> ran.add("kick " + arguments))
            .add("ban", "NAME [DURATION]", "ban a member", arguments -> ran.add("ban " + arguments))
            .add("msg", "NAME TEXT", "send privately", arguments -> ran.add("msg " + arguments))
            .add("say", "TEXT", "announce", arguments -> ran.add("say " + arguments))
            .add("fail", "", "always wrong", arguments -> {
                throw new IllegalArgumentException("went\u001b[2J wrong");
            })
            .quit("quit", "leave")
            .note("A note.");

    @Test
    void splitsArgumentsAsTheParametersSay() {
        assertThat(commands.run("/who")).isEqualTo(Outcome.DONE);
        assertThat(commands.run("  /kick   ega  ")).isEqualTo(Outcome.DONE);
        commands.run("/ban ega");
        commands.run("/ban ega 2h");
        commands.run("/msg ega hi  there, you ");
        commands.run("/say the room   closes at six");
        commands.run("/KICK Ega");

        assertThat(ran).containsExactly("who []", "kick [ega]", "ban [ega]", "ban [ega, 2h]", "msg [ega, hi  there, you]",
                "say [the room   closes at six]", "kick [Ega]");
        assertThat(printed).isEmpty();
    }

    @Test
    void aWrongNumberOfArgumentsPrintsTheUsageAndRunsNothing() {
        for (String line : List.of("/who now", "/kick", "/kick ega joan", "/ban", "/ban ega 2h more", "/msg ega", "/say")) {
            assertThat(commands.run(line)).as(line).isEqualTo(Outcome.DONE);
        }

        assertThat(ran).isEmpty();
        assertThat(printed).containsExactly("Usage: /who (list the room)", "Usage: /kick NAME (remove a member)",
                "Usage: /kick NAME (remove a member)", "Usage: /ban NAME [DURATION] (ban a member)",
                "Usage: /ban NAME [DURATION] (ban a member)", "Usage: /msg NAME TEXT (send privately)",
                "Usage: /say TEXT (announce)");
    }

    @Test
    void anUnknownCommandSaysSoAndPointsToHelp() {
        assertThat(commands.run("/kik ega")).isEqualTo(Outcome.DONE);
        commands.run("/\u001b]0;x");
        commands.run("/");

        assertThat(printed).containsExactly("Unknown command /kik: /help lists the commands.",
                "Unknown command /^[]0;x: /help lists the commands.", "Unknown command /: /help lists the commands.");
    }

    @Test
    void aLineWithoutASlashIsNotACommand() {
        assertThat(commands.run("hello /who")).isEqualTo(Outcome.NOT_A_COMMAND);
        assertThat(commands.run("")).isEqualTo(Outcome.NOT_A_COMMAND);
        assertThat(ran).isEmpty();
        assertThat(printed).isEmpty();
    }

    @Test
    void quitRunsAsQuit() {
        assertThat(commands.run("/quit")).isEqualTo(Outcome.QUIT);
        assertThat(commands.run("/quit now")).isEqualTo(Outcome.DONE);
        assertThat(printed).containsExactly("Usage: /quit (leave)");
    }

    @Test
    void anArgumentErrorIsPrintedAfterTheCommandEscaped() {
        commands.run("/fail");
        assertThat(printed).containsExactly("/fail: went^[[2J wrong");
    }

    @Test
    void helpListsEveryCommandAlignedThenTheNotes() {
        commands.run("/help");
        assertThat(printed).containsExactly(
                "Commands:",
                "  /help                 list these commands",
                "  /who                  list the room",
                "  /kick NAME            remove a member",
                "  /ban NAME [DURATION]  ban a member",
                "  /msg NAME TEXT        send privately",
                "  /say TEXT             announce",
                "  /fail                 always wrong",
                "  /quit                 leave",
                "A note.");
    }

    @Test
    void textAfterAnOptionalParameterIsRefusedWhenTheTableIsBuilt() {
        assertThatThrownBy(() -> new ConsoleCommands(printed::add).add("x", "[NAME] TEXT", "?", arguments -> {
        })).isInstanceOf(IllegalArgumentException.class);
    }
}
