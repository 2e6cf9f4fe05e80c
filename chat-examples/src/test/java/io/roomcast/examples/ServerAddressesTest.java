package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --server h1:9000,h2:9000,h3:9000}: the list parsed, its mistakes named, and the client and
 * the bot joining through the second address when nothing listens at the first.
 */
@Timeout(60)
class ServerAddressesTest {
    private static final Map<String, String> WITH_PASSWORD = Map.of("ROOMCAST_PASSWORD", "secret");
    private final List<AppRun> runs = new ArrayList<>();

    @AfterEach
    void stopAll() {
        runs.forEach(AppRun::close);
    }

    private AppRun run(String... args) {
        AppRun run = new AppRun(WITH_PASSWORD, args);
        runs.add(run);
        return run;
    }

    @Test
    void oneOrSeveralAddressesInOrderSpacesIgnored() {
        assertThat(ServerAddresses.parse("127.0.0.1:9000")).containsExactly(new InetSocketAddress("127.0.0.1", 9000));
        assertThat(ServerAddresses.parse("127.0.0.3:9002, 127.0.0.1:9000 ,[::1]:9001")).containsExactly(
                new InetSocketAddress("127.0.0.3", 9002), new InetSocketAddress("127.0.0.1", 9000),
                new InetSocketAddress("::1", 9001));
    }

    @Test
    void eachMistakeIsNamed() {
        assertThatThrownBy(() -> ServerAddresses.parse("")).hasMessage("no address given");
        assertThatThrownBy(() -> ServerAddresses.parse("127.0.0.1:9000,,127.0.0.1:9001"))
                .hasMessage("an empty address in the list '127.0.0.1:9000,,127.0.0.1:9001'");
        assertThatThrownBy(() -> ServerAddresses.parse("127.0.0.1:9000,"))
                .hasMessage("an empty address in the list '127.0.0.1:9000,'");
        assertThatThrownBy(() -> ServerAddresses.parse("127.0.0.1:9000,127.0.0.1"))
                .hasMessage("'127.0.0.1' is not HOST:PORT, such as 127.0.0.1:9000");
        assertThatThrownBy(() -> ServerAddresses.parse("[::1]")).hasMessageContaining("is not HOST:PORT");
        assertThatThrownBy(() -> ServerAddresses.parse("127.0.0.1:nine"))
                .hasMessage("'127.0.0.1:nine': the port must be a number from 1 to 65535");
        assertThatThrownBy(() -> ServerAddresses.parse("127.0.0.1:0"))
                .hasMessage("'127.0.0.1:0': the port must be a number from 1 to 65535");
        assertThatThrownBy(() -> ServerAddresses.parse("127.0.0.1:70000"))
                .hasMessage("'127.0.0.1:70000': the port must be a number from 1 to 65535");
        assertThatThrownBy(() -> ServerAddresses.parse("127.0.0.1:9000, 127.0.0.1:9000"))
                .hasMessage("'127.0.0.1:9000' is listed twice");
        assertThatThrownBy(() -> ServerAddresses.parse("no-such-host.invalid:9000"))
                .hasMessage("'no-such-host.invalid:9000': the host no-such-host.invalid cannot be resolved");
    }

    @Test
    void aBadListEndsTheClientAndTheBotWithUsageStatus() throws Exception {
        AppRun client = run("client", "--server", "127.0.0.1:9000,,127.0.0.1:9001", "--username", "joan");
        assertThat(client.awaitExit()).isEqualTo(2);
        assertThat(client.rawOutput()).contains("Not a server address: an empty address in the list");
        AppRun bot = run("bot", "--server", "127.0.0.1:9000,127.0.0.1:x");
        assertThat(bot.awaitExit()).isEqualTo(2);
        assertThat(bot.rawErrors()).contains("roomcast bot: --server: '127.0.0.1:x': the port must be a number");
    }

    @Test
    void theClientAndTheBotJoinThroughTheSecondAddressWhenNothingListensAtTheFirst() throws Exception {
        AppRun server = run("server", "--host", "127.0.0.1", "--port", "0");
        String live = server.awaitLine("Server running on (127\\.0\\.0\\.1:\\d+) \\(room lobby\\)").group(1);
        String dead;
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            dead = "127.0.0.1:" + ((InetSocketAddress) channel.getLocalAddress()).getPort();
        }
        AppRun joan = run("client", "--server", dead + "," + live, "--username", "joan");
        joan.awaitLine("^Joined lobby as joan — 1 members: joan$");
        AppRun bot = run("bot", "--server", dead + "," + live);
        bot.awaitLine("^bot is in the room at ");
        joan.awaitLine("^\\d\\d:\\d\\d --> bot joined$");
        joan.type("exit");
        assertThat(joan.awaitExit()).isZero();
    }
}
