package io.roomcast.examples;

import static io.roomcast.examples.TerminalText.escape;

import io.roomcast.ChatServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the host can do from the server console: list the room with addresses, announce, kick,
 * ban, mute and lift those, and read the server's counters. Each command says what it did, or
 * why it did nothing (no such member, not banned, a bad duration), in one line.
 */
final class HostCommands {
    /** How long {@code /ban NAME} bans for: one hour. */
    static final Duration DEFAULT_BAN = Duration.ofHours(1);
    /** How long {@code /mute NAME} mutes for: ten minutes. */
    static final Duration DEFAULT_MUTE = Duration.ofMinutes(10);

    private final ChatServer server;
    private final ChatConsole console;
    private final EventFormat format;
    private final MemberAddresses addresses;

    HostCommands(ChatServer server, ChatConsole console, EventFormat format, MemberAddresses addresses) {
        this.server = server;
        this.console = console;
        this.format = format;
        this.addresses = addresses;
    }

    /** The server console's commands, {@code /quit} included. */
    ConsoleCommands table() {
        return new ConsoleCommands(console::print)
                .add("who", "", "list the members and the addresses they joined from", arguments -> who())
                .add("say", ConsoleCommands.TEXT, "announce TEXT to the whole room", arguments -> say(arguments.get(0)))
                .add("kick", "NAME", "remove a member from the room (it may join again)",
                        arguments -> kick(arguments.get(0)))
                .add("ban", "NAME [DURATION]", "remove a member and refuse its name and address for DURATION (default "
                        + DurationText.format(DEFAULT_BAN) + ")", arguments -> ban(arguments.get(0),
                        duration(arguments, DEFAULT_BAN)))
                .add("unban", "NAME", "lift a ban", arguments -> unban(arguments.get(0)))
                .add("mute", "NAME [DURATION]", "refuse a member's messages for DURATION (default "
                        + DurationText.format(DEFAULT_MUTE) + ")", arguments -> mute(arguments.get(0),
                        duration(arguments, DEFAULT_MUTE)))
                .add("unmute", "NAME", "lift a mute", arguments -> unmute(arguments.get(0)))
                .add("stats", "", "what the server has done since it started", arguments -> stats())
                .quit("quit", "close the room and stop the server")
                .note("DURATION is a number and a unit: 30s, 10m, 2h, 1d (or 1h30m); at most "
                        + DurationText.format(DurationText.LONGEST) + ".");
    }

    /** The second argument as a duration, or {@code otherwise} if there is none. */
    private static Duration duration(List<String> arguments, Duration otherwise) {
        return arguments.size() > 1 ? DurationText.parse(arguments.get(1)) : otherwise;
    }

    private void who() {
        Set<String> members = server.members();
        List<String> shown = new ArrayList<>(members.size());
        for (String name : members) {
            InetSocketAddress address = addresses.of(name);
            shown.add(escape(name) + (address == null ? "" : " (" + EventFormat.address(address) + ")"));
        }
        console.print(members.size() + " members" + (shown.isEmpty() ? "" : ": " + String.join(", ", shown)));
    }

    private void say(String text) {
        server.announce(text); // too long: IllegalArgumentException, which the table prints
        console.print(format.announcement(Instant.now(), text));
    }

    private void kick(String name) {
        console.print(server.kick(name) ? "Kicked " + quoted(name) + "." : notInTheRoom(name));
    }

    private void ban(String name, Duration duration) {
        Set<String> before = server.members();
        Map<String, InetSocketAddress> addressesBefore = addresses.snapshot();
        server.ban(name, duration); // applied once it returns: a banned member has left members()
        Set<String> after = server.members();
        String removed = before.stream().filter(member -> !after.contains(member)).findFirst().orElse(null);
        if (removed == null) {
            console.print("Banned the name " + quoted(name) + " for " + DurationText.format(duration)
                    + ". Nobody by that name is in the room, so no address is banned.");
            return;
        }
        InetSocketAddress address = addressesBefore.get(removed);
        console.print("Banned " + quoted(removed) + " for " + DurationText.format(duration)
                + (address == null ? "" : ", and its address " + address.getAddress().getHostAddress()) + ".");
    }

    private void unban(String name) {
        console.print(server.unban(name) ? "Lifted the ban on " + quoted(name) + "." : quoted(name) + " is not banned.");
    }

    private void mute(String name, Duration duration) {
        console.print(server.mute(name, duration) ? "Muted " + quoted(name) + " for " + DurationText.format(duration)
                + "." : notInTheRoom(name));
    }

    private void unmute(String name) {
        console.print(server.unmute(name) ? "Unmuted " + quoted(name) + "." : quoted(name) + " is not muted.");
    }

    private void stats() {
        StatsReport.lines(server.stats()).forEach(console::print);
    }

    private static String notInTheRoom(String name) {
        return "No member named " + quoted(name) + " is in the room (/who lists them).";
    }

    private static String quoted(String name) {
        return "'" + escape(name) + "'";
    }
}
