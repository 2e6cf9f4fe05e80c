package io.roomcast.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code roomcast} command: {@code roomcast server} hosts a room, {@code roomcast client} joins one. */
@Command(name = "roomcast", mixinStandardHelpOptions = true, version = "roomcast 0.1.0-SNAPSHOT",
        description = "A password-protected chat room over UDP.",
        subcommands = {ServerCommand.class, ClientCommand.class})
public final class Roomcast implements Runnable {

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Roomcast()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
