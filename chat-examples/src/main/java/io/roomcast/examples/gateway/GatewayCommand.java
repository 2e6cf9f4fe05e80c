package io.roomcast.examples.gateway;

import io.roomcast.examples.ExitStatus;
import io.roomcast.examples.ProcessIo;
import io.roomcast.examples.TerminalText;
import io.roomcast.gateway.classic.ClassicGateway;
import io.roomcast.gateway.irc.IrcGateway;
import io.roomcast.gateway.irc.TlsKeyStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code roomcast gateway}: lets clients that do not speak Roomcast into a room. Each listener is
 * off unless asked for, listens on loopback unless told otherwise, and says loudly (on standard
 * error) when it is bound elsewhere, since its hop is cleartext. With no listener it says so and
 * exits {@link ExitStatus#USAGE}. Runs until the process is stopped (Ctrl-C), then every gateway
 * user leaves the room.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Let clients that do not speak Roomcast into a room.",
        footer = {"", "Each listener's hop is cleartext (the classic protocol sends the room password as typed,"
                + " IRC's PASS too unless --irc-tls is used): keep it on loopback or a trusted LAN."})
public final class GatewayCommand implements Callable<Integer> {
    /** Where {@code --classic} without a value listens. */
    static final String DEFAULT_CLASSIC = "127.0.0.1:9100";

    @Option(names = "--room", required = true, paramLabel = "HOST:PORT", description = "The Roomcast server whose room to open.")
    String room;

    @Option(names = "--classic", arity = "0..1", fallbackValue = DEFAULT_CLASSIC, paramLabel = "HOST:PORT",
            description = "Let the original classroom UDP clients in, listening here (" + DEFAULT_CLASSIC
                    + " if no address is given). Off unless given.")
    String classic;

    @Option(names = "--classic-lang", defaultValue = "id", paramLabel = "id|en",
            description = "Language of the classic join and leave lines: id (the original's) or en (default: ${DEFAULT-VALUE}).")
    String classicLanguage;

    @Option(names = "--irc", arity = "0..1", fallbackValue = DEFAULT_IRC, paramLabel = "HOST:PORT",
            description = "Let IRC clients in, listening here (" + DEFAULT_IRC + " if no address is given)."
                    + " Off unless given.")
    String irc;

    @Option(names = "--irc-tls", paramLabel = "PORT",
            description = "Also listen for IRC over TLS on this port (on --irc's host); needs --tls-keystore.")
    Integer ircTlsPort;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "The PKCS12 or JKS key store for --irc-tls; its password from the environment variable "
                    + TLS_PASSWORD_VARIABLE + ".")
    Path tlsKeyStore;

    /** Where {@code --irc} without a value listens. */
    static final String DEFAULT_IRC = "127.0.0.1:6667";
    /** The environment variable that holds the TLS key store's password. */
    static final String TLS_PASSWORD_VARIABLE = "ROOMCAST_TLS_KEYSTORE_PASSWORD";

    private final ProcessIo io;

    /** The command on {@code io}. */
    public GatewayCommand(ProcessIo io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        InetSocketAddress roomAddress;
        ClassicGateway.Language language;
        try {
            roomAddress = address(room, "--room");
            language = language(classicLanguage);
        } catch (IllegalArgumentException e) {
            io.err().println("roomcast gateway: " + TerminalText.escape(e.getMessage()));
            return ExitStatus.USAGE;
        }
        if (classic == null && irc == null) {
            io.err().println("roomcast gateway: no listener chosen: give --irc [HOST:PORT] to let IRC clients in ("
                    + DEFAULT_IRC + " by default), --classic [HOST:PORT] to let the classroom's UDP clients in ("
                    + DEFAULT_CLASSIC + " by default), or both");
            return ExitStatus.USAGE;
        }
        if ((ircTlsPort != null) != (tlsKeyStore != null) || ircTlsPort != null && irc == null) {
            io.err().println("roomcast gateway: --irc-tls PORT and --tls-keystore FILE go together, with --irc");
            return ExitStatus.USAGE;
        }
        List<AutoCloseable> listeners = new ArrayList<>();
        String listening = null;
        try {
            if (classic != null) {
                listening = classic;
                startClassic(roomAddress, language, listeners);
            }
            if (irc != null) {
                listening = irc;
                startIrc(roomAddress, listeners);
            }
            return serveUntilStopped(listeners);
        } catch (IllegalArgumentException e) {
            io.err().println("roomcast gateway: " + TerminalText.escape(e.getMessage()));
            return ExitStatus.USAGE;
        } catch (IOException | java.security.GeneralSecurityException e) {
            io.err().println("roomcast gateway: cannot listen on " + TerminalText.escape(listening) + ": "
                    + TerminalText.escape(String.valueOf(e.getMessage())));
            return ExitStatus.USAGE;
        } finally {
            closeAll(listeners);
        }
    }

    private void startClassic(InetSocketAddress roomAddress, ClassicGateway.Language language,
                              List<AutoCloseable> listeners) throws IOException {
        InetSocketAddress classicAddress = address(classic, "--classic");
        ClassicGateway gateway = ClassicGateway.builder().room(roomAddress).bind(classicAddress)
                .language(language).build();
        listeners.add(gateway);
        gateway.start();
        io.out().println("classic gateway listening on " + hostAndPort(gateway.address())
                + " (UDP, the classroom protocol, " + (language == ClassicGateway.Language.ENGLISH
                ? "English" : "Indonesian") + " lines) into the room at " + hostAndPort(roomAddress));
        String warning = cleartextWarning("classic", gateway.address());
        if (warning != null) {
            io.err().println(warning);
        }
    }

    private void startIrc(InetSocketAddress roomAddress, List<AutoCloseable> listeners)
            throws IOException, java.security.GeneralSecurityException {
        InetSocketAddress ircAddress = address(irc, "--irc");
        IrcGateway.Builder builder = IrcGateway.builder().room(roomAddress).bind(ircAddress);
        if (ircTlsPort != null) {
            if (ircTlsPort < 0 || ircTlsPort > 0xFFFF) {
                throw new IllegalArgumentException("--irc-tls: port " + ircTlsPort + " is out of range (0 to 65535)");
            }
            String password = io.environment().get(TLS_PASSWORD_VARIABLE);
            if (password == null) {
                throw new IllegalArgumentException("--tls-keystore: set the key store's password in "
                        + TLS_PASSWORD_VARIABLE);
            }
            builder.tls(new InetSocketAddress(ircAddress.getAddress(), ircTlsPort),
                    TlsKeyStore.serverContext(tlsKeyStore, password.toCharArray()));
        }
        IrcGateway gateway = builder.build();
        listeners.add(gateway);
        gateway.start();
        io.out().println("IRC gateway listening on " + hostAndPort(gateway.address()) + " into the room at "
                + hostAndPort(roomAddress) + " (channel #<room name>; the room password is the IRC PASS)");
        String warning = cleartextWarning("IRC", gateway.address());
        if (warning != null) {
            io.err().println(warning);
        }
        if (gateway.tlsAddress().isPresent()) {
            io.out().println("IRC over TLS listening on " + hostAndPort(gateway.tlsAddress().get()));
        }
    }

    private int serveUntilStopped(List<AutoCloseable> listeners) {
        AtomicBoolean closed = new AtomicBoolean();
        Runnable closeOnce = () -> {
            if (closed.compareAndSet(false, true)) {
                closeAll(listeners);
                io.out().println("gateway closed");
            }
        };
        Thread shutdown = new Thread(closeOnce, "roomcast-gateway-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown); // Ctrl-C: every gateway user leaves the room
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
                closeOnce.run();
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it closes the listeners
            }
        }
        return ExitStatus.OK;
    }

    private static void closeAll(List<AutoCloseable> listeners) {
        for (AutoCloseable listener : listeners) {
            try {
                listener.close();
            } catch (Exception e) {
                // closing is best effort: the others still close
            }
        }
    }

    /**
     * The loud line for a listener bound to something other than loopback, or null on loopback.
     *
     * @param what    the listener's name, as in its option
     * @param address where it listens
     * @return the warning, or null
     */
    static String cleartextWarning(String what, InetSocketAddress address) {
        if (address.getAddress() != null && address.getAddress().isLoopbackAddress()) {
            return null;
        }
        return "WARNING: the " + what + " listener is on " + hostAndPort(address) + ", not loopback: its clients'"
                + " passwords and messages cross the network in clear text. Use it only on a trusted LAN.";
    }

    /** {@code HOST:PORT} (or {@code [v6]:PORT}) as a resolved address; the message names the option. */
    static InetSocketAddress address(String text, String option) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(option + ": expected HOST:PORT, got \"" + text + "\"");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": the port in \"" + text + "\" is not a number");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException(option + ": port " + port + " is out of range (0 to 65535)");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(option + ": cannot resolve \"" + host + "\"");
        }
        return address;
    }

    private static ClassicGateway.Language language(String code) {
        return switch (code.toLowerCase(Locale.ROOT)) {
            case "id" -> ClassicGateway.Language.INDONESIAN;
            case "en" -> ClassicGateway.Language.ENGLISH;
            default -> throw new IllegalArgumentException("--classic-lang: expected id or en, got \"" + code + "\"");
        };
    }

    private static String hostAndPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
