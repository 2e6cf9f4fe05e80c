package io.roomcast.examples;

import io.roomcast.examples.bot.BotCommand;
import io.roomcast.examples.gateway.GatewayCommand;
import io.roomcast.examples.load.LoadCommand;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code roomcast} command: {@code roomcast server} hosts a room, {@code roomcast client}
 * joins one, {@code roomcast bot} runs a small bot in one, {@code roomcast load} puts one under
 * load with many members and checks that nothing is lost.
 */
@Command(name = "roomcast", mixinStandardHelpOptions = true, versionProvider = Roomcast.Version.class,
        description = "A password-protected chat room over UDP.")
public final class Roomcast implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Log the library's debug messages.")
    boolean verbose;

    private final ProcessIo io;

    Roomcast(ProcessIo io) {
        this.io = io;
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--verbose")) {
            // before anything creates a logger: slf4j-simple reads its level once
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
        System.exit(run(ProcessIo.system(), args));
    }

    /** Runs the command line on {@code io} and returns the exit status. */
    public static int run(ProcessIo io, String... args) {
        CommandLine commandLine = new CommandLine(new Roomcast(io))
                .addSubcommand(new ServerCommand(io))
                .addSubcommand(new ClientCommand(io))
                .addSubcommand(new BotCommand(io))
                .addSubcommand(new LoadCommand(io))
                .addSubcommand(new GatewayCommand(io));
        for (String session : List.of("client", "bot")) {
            commandLine.getSubcommands().get(session).getCommandSpec().usageMessage()
                    .exitCodeListHeading("Exit status:%n").exitCodeList(ExitStatus.MEANINGS);
        }
        commandLine.setOut(new PrintWriter(io.out(), true));
        commandLine.setErr(new PrintWriter(io.err(), true));
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(io.out());
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Roomcast.class.getPackage().getImplementationVersion();
            return new String[] {"roomcast " + (version == null ? "(development build)" : version)};
        }
    }
}
