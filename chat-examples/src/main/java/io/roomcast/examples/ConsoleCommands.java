package io.roomcast.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The slash commands a console app understands, each with its parameters, one line of help and
 * what it does. A typed line that starts with {@code /} is split into the command's name and its
 * arguments, checked against the parameters; a wrong count prints the command's usage, an
 * unknown name says so and points to {@code /help}, which every table has.
 *
 * <p>Parameters are written as in the help, and that is also how arguments are split:
 * {@code NAME} is one word, {@code [DURATION]} an optional word, and {@code TEXT}, last, the rest
 * of the line as typed (inner spaces kept). So {@code /msg NAME TEXT} gets {@code [ega, hi  there]}
 * from {@code /msg ega hi  there}.
 *
 * <p>Not thread-safe: built once, then run from the one thread that reads the console.
 */
final class ConsoleCommands {
    /** The parameter that takes the rest of the line. */
    static final String TEXT = "TEXT";

    /** What a command does with its arguments, which match its parameters in number. */
    @FunctionalInterface
    interface Action {
        /**
         * Runs the command.
         *
         * @throws IllegalArgumentException if an argument is wrong; its message is printed after the command's name
         */
        void run(List<String> arguments);
    }

    /** What {@link #run} made of a line. */
    enum Outcome {
        /** The line does not start with {@code /}: it is not for this table. */
        NOT_A_COMMAND,
        /** The line was a command, and it ran, or what was wrong with it was printed. */
        DONE,
        /** The line was a command that ends the session ({@link #quit}). */
        QUIT
    }

    private record Command(String name, String parameters, String description, Action action, boolean quits) {
        String usage() {
            return parameters.isEmpty() ? "/" + name : "/" + name + " " + parameters;
        }

        /** The arguments split as the parameters say, or {@code null} if their number is wrong. */
        List<String> split(String arguments) {
            List<String> names = parameters.isEmpty() ? List.of() : List.of(parameters.split(" "));
            boolean rest = !names.isEmpty() && names.get(names.size() - 1).equals(TEXT);
            int required = (int) names.stream().filter(parameter -> !parameter.startsWith("[")).count();
            List<String> words = arguments.isEmpty() ? List.of()
                    : List.of(arguments.split("\\s+", rest ? required : -1));
            boolean fits = rest ? words.size() == required
                    : words.size() >= required && words.size() <= names.size();
            return fits ? words : null;
        }
    }

    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Consumer<String> out;

    /** A table with only {@code /help}, printing what it has to say (usage, help, errors) to {@code out}. */
    ConsoleCommands(Consumer<String> out) {
        this.out = out;
        add("help", "", "list these commands", arguments -> help().forEach(out));
    }

    /**
     * Adds a command.
     *
     * @param name        its name, lower case, without the slash
     * @param parameters  its parameters as the help shows them, such as {@code NAME [DURATION]} or
     *                    {@code NAME TEXT}; empty for none. {@code TEXT} may only come last, and not
     *                    after an optional one
     * @param description what it does, for the help
     * @return this table
     */
    ConsoleCommands add(String name, String parameters, String description, Action action) {
        return put(new Command(name, parameters, description, action, false));
    }

    /** Adds a command with no parameters that ends the session: {@link #run} returns {@link Outcome#QUIT}. */
    ConsoleCommands quit(String name, String description) {
        return put(new Command(name, "", description, arguments -> {
        }, true));
    }

    /** Adds a line the help shows after the commands. */
    ConsoleCommands note(String line) {
        notes.add(line);
        return this;
    }

    private ConsoleCommands put(Command command) {
        if (command.parameters().contains("[") && command.parameters().endsWith(TEXT)) {
            throw new IllegalArgumentException(command.usage() + ": TEXT after an optional parameter is ambiguous");
        }
        commands.put(command.name(), command);
        return this;
    }

    /** Runs the command {@code line} names, if it is one. */
    Outcome run(String line) {
        String typed = line.strip();
        if (!typed.startsWith("/")) {
            return Outcome.NOT_A_COMMAND;
        }
        String[] nameAndArguments = typed.substring(1).split("\\s+", 2);
        Command command = commands.get(nameAndArguments[0].toLowerCase(Locale.ROOT));
        if (command == null) {
            out.accept("Unknown command " + TerminalText.escape(typed.split("\\s+", 2)[0])
                    + ": /help lists the commands.");
            return Outcome.DONE;
        }
        List<String> arguments = command.split(nameAndArguments.length > 1 ? nameAndArguments[1] : "");
        if (arguments == null) {
            out.accept("Usage: " + command.usage() + " (" + command.description() + ")");
            return Outcome.DONE;
        }
        try {
            command.action().run(arguments);
        } catch (IllegalArgumentException e) {
            out.accept("/" + command.name() + ": " + TerminalText.escape(e.getMessage()));
        }
        return command.quits() ? Outcome.QUIT : Outcome.DONE;
    }

    /** The help: a heading, one line per command in the order they were added, then the notes. */
    List<String> help() {
        int width = commands.values().stream().mapToInt(command -> command.usage().length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        lines.add("Commands:");
        for (Command command : commands.values()) {
            lines.add("  " + command.usage() + " ".repeat(width - command.usage().length() + 2) + command.description());
        }
        lines.addAll(notes);
        return lines;
    }
}
