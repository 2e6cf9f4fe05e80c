package io.roomcast.examples.bot;

import io.roomcast.BannedException;
import io.roomcast.ChatException;
import io.roomcast.LeaveReason;
import io.roomcast.examples.ExitStatus;
import io.roomcast.examples.PasswordException;
import io.roomcast.examples.Passwords;
import io.roomcast.examples.ProcessIo;
import io.roomcast.examples.ServerAddresses;
import io.roomcast.examples.TerminalText;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code roomcast bot}: runs a {@link RoomBot} until the room closes or the process is stopped.
 * Kicked or banned by the host, it says so and exits with {@link ExitStatus#KICKED} (3) or
 * {@link ExitStatus#BANNED} (4), also when a ban refuses it at the door.
 */
@Command(name = "bot", mixinStandardHelpOptions = true, description = "Run a bot that answers !time and !who.",
        footer = {"", "The room password comes from --password-file, else $" + Passwords.ENVIRONMENT_VARIABLE
                + ", else it is empty (an open room); the bot never asks. " + Passwords.RULE})
public final class BotCommand implements Callable<Integer> {
    @Option(names = "--server", paramLabel = "HOST:PORT[,HOST:PORT...]", defaultValue = "127.0.0.1:9000",
            description = "The room's server, or several of one room's cluster separated by commas"
                    + " (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--username", defaultValue = "bot", description = "The bot's name (default: ${DEFAULT-VALUE}).")
    String username;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the room password"
            + " (else $" + Passwords.ENVIRONMENT_VARIABLE + ", else none).")
    Path passwordFile;

    private final ProcessIo io;

    /** The command on {@code io}; the password comes from {@code --password-file} or {@code ROOMCAST_PASSWORD}. */
    public BotCommand(ProcessIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        List<InetSocketAddress> addresses;
        try {
            addresses = ServerAddresses.parse(server);
        } catch (IllegalArgumentException e) {
            io.err().println("roomcast bot: --server: " + TerminalText.escape(e.getMessage()));
            return 2;
        }
        String password;
        try {
            password = Objects.requireNonNullElse(Passwords.given(passwordFile, io), "");
        } catch (PasswordException e) {
            io.err().println("roomcast bot: " + e.getMessage());
            return 2;
        }
        try (RoomBot bot = new RoomBot(addresses, username, password)) {
            bot.start();
            io.out().println(username + " is in the room at " + server + "; answering !time and !who");
            LeaveReason reason = bot.awaitDisconnected();
            int status = ExitStatus.of(reason);
            if (status != ExitStatus.OK) {
                io.err().println("roomcast bot: " + username + " " + switch (reason) {
                    case KICKED -> "was kicked out of the room by the host";
                    case BANNED -> "was banned from the room by the host";
                    default -> "lost the room (" + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
                });
            }
            return status;
        } catch (BannedException e) {
            io.err().println("roomcast bot: banned: " + TerminalText.escape(e.getMessage()));
            return ExitStatus.BANNED;
        } catch (ChatException e) {
            io.err().println("roomcast bot: " + TerminalText.escape(e.getMessage())); // a refusal's detail: anyone can send one
            return ExitStatus.FAILED;
        }
    }
}
