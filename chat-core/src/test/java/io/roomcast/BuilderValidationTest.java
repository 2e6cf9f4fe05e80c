package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Builder misuse fails at once, naming the field; durations are capped so that none overflows. */
@Timeout(10)
class BuilderValidationTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 9000);

    @Test
    void clientWithoutUsernameNamesTheField() {
        assertThatThrownBy(() -> ChatClient.builder().server(SERVER).build())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("username");
    }

    @Test
    void clientWithoutServerNamesTheField() {
        assertThatThrownBy(() -> ChatClient.builder().username("joan").build())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("server");
    }

    @Test
    void invalidUsernameStatesTheRule() {
        assertThatThrownBy(() -> ChatClient.builder().username("joan smith"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("username")
                .hasMessageContaining("1 to 32 characters");
        assertThatThrownBy(() -> ChatClient.builder().username(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void portOutOfRangeNamesThePort() {
        assertThatThrownBy(() -> ChatClient.builder().server("127.0.0.1", 70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("port");
        assertThatThrownBy(() -> ChatClient.builder().server("127.0.0.1", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("port");
        assertThatThrownBy(() -> ChatServer.builder().bind("127.0.0.1", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("port");
    }

    @Test
    void unresolvedAddressesAreRefused() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.invalid", 9000);
        assertThatThrownBy(() -> ChatClient.builder().server(unresolved))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("server");
        assertThatThrownBy(() -> ChatServer.builder().bind(unresolved))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("bind");
    }

    @Test
    void nullArgumentsNameTheParameter() {
        Map<String, ThrowingCallable> client = new LinkedHashMap<>();
        client.put("server", () -> ChatClient.builder().server(null));
        client.put("host", () -> ChatClient.builder().server(null, 9000));
        client.put("username", () -> ChatClient.builder().username(null));
        client.put("password", () -> ChatClient.builder().password(null));
        client.put("listener", () -> ChatClient.builder().listener(null));
        client.put("callbackExecutor", () -> ChatClient.builder().callbackExecutor(null));
        client.put("connectTimeout", () -> ChatClient.builder().connectTimeout(null));
        client.put("idleTimeout", () -> ChatClient.builder().idleTimeout(null));
        client.put("reconnect", () -> ChatClient.builder().reconnect(null));
        Map<String, ThrowingCallable> server = new LinkedHashMap<>();
        server.put("bind", () -> ChatServer.builder().bind(null));
        server.put("host", () -> ChatServer.builder().bind(null, 9000));
        server.put("password", () -> ChatServer.builder().password(null));
        server.put("roomName", () -> ChatServer.builder().roomName(null));
        server.put("listener", () -> ChatServer.builder().listener(null));
        server.put("callbackExecutor", () -> ChatServer.builder().callbackExecutor(null));
        server.put("idleTimeout", () -> ChatServer.builder().idleTimeout(null));
        server.put("resumeWindow", () -> ChatServer.builder().resumeWindow(null));
        for (Map<String, ThrowingCallable> calls : List.of(client, server)) {
            calls.forEach((parameter, call) -> assertThatThrownBy(call).as(parameter)
                    .isInstanceOf(NullPointerException.class).hasMessage(parameter));
        }
    }

    @Test
    void durationsLongerThanTheLongestAreTakenAsItAndItCannotOverflowAClock() {
        Duration longest = ChatServer.LONGEST_DURATION;
        assertThat(longest).isEqualTo(Duration.ofDays(10_000)).isEqualTo(ChatClient.LONGEST_DURATION);
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        assertThat(Arguments.positive(huge, "d")).isEqualTo(longest);
        assertThat(Arguments.notNegative(huge, "d")).isEqualTo(longest);
        assertThat(Arguments.notNegative(longest.plusNanos(1), "d")).isEqualTo(longest);
        assertThat(Arguments.positive(longest, "d")).isEqualTo(longest);
        assertThat(Arguments.notNegative(Duration.ofMillis(1), "d")).isEqualTo(Duration.ofMillis(1));
        assertThat(Arguments.notNegative(Duration.ZERO, "d")).isEqualTo(Duration.ZERO);
        // deadlines are a clock reading plus a duration, some of them twice a duration: room to spare
        assertThat(Math.multiplyExact(longest.toNanos(), 4)).isPositive();
        assertThatThrownBy(() -> Arguments.notNegative(Duration.ofNanos(-1), "reconnect"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("reconnect");
        assertThatThrownBy(() -> Arguments.notNegative(null, "resumeWindow"))
                .isInstanceOf(NullPointerException.class).hasMessage("resumeWindow");
        ChatServer notStarted = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).build();
        assertThatThrownBy(() -> notStarted.ban("joan", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("duration");
        assertThatThrownBy(() -> notStarted.mute("joan", null))
                .isInstanceOf(NullPointerException.class).hasMessage("duration");
    }

    /** Fails without the cap: {@code Duration.toNanos()} throws past about 292 years. */
    @Test
    void aRoomBuiltWithTheLongestDurationsEverywhereRunsAndItsHostCommandsTakeThemToo() throws Exception {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        try (ChatServer server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password("secret")
                .idleTimeout(huge).resumeWindow(huge).build()) {
            server.start();
            RecordingClientListener joanEvents = new RecordingClientListener();
            try (ChatClient joan = ChatClient.builder().server(server.localAddress()).username("joan")
                    .password("secret").connectTimeout(huge).idleTimeout(huge).reconnect(huge)
                    .listener(joanEvents).build()) {
                joan.connect();
                assertThat(joan.send("halo").get(10, TimeUnit.SECONDS).text()).isEqualTo("halo");
                joanEvents.assertMessage("joan", "halo");

                assertThat(server.mute("joan", huge)).isTrue();
                ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> joan.send("still here?").get(10, TimeUnit.SECONDS));
                assertThat(refused.getCause()).isInstanceOf(MessageRefusedException.class);
                assertThat(((MessageRefusedException) refused.getCause()).detail())
                        .as("the longest mute, said as people read it").containsPattern("(10000 d|9999 d 23 h)$");

                server.ban("ega", huge); // not in the room: the name only
                ChatClient ega = ChatClient.builder().server(server.localAddress()).username("ega")
                        .password("secret").connectTimeout(Duration.ofSeconds(10)).build();
                assertThatThrownBy(ega::connect).isInstanceOf(BannedException.class);
                assertThat(server.unmute("joan")).isTrue();
                assertThat(joan.send("back").get(10, TimeUnit.SECONDS).text()).isEqualTo("back");
            }
            joanEvents.assertMessage("joan", "back");
            joanEvents.assertDisconnected(LeaveReason.LEFT);
        }
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatThrownBy(() -> ChatClient.builder().connectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connectTimeout");
        assertThatThrownBy(() -> ChatClient.builder().idleTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("idleTimeout");
        assertThatThrownBy(() -> ChatServer.builder().idleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("idleTimeout");
    }

    @Test
    void reconnectAndResumeWindowMayBeZeroButNotNegative() {
        assertThatThrownBy(() -> ChatClient.builder().reconnect(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("reconnect");
        assertThatThrownBy(() -> ChatServer.builder().resumeWindow(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("resumeWindow");
        assertThatThrownBy(() -> ChatClient.builder().reconnect(null))
                .isInstanceOf(NullPointerException.class).hasMessage("reconnect");
        assertThatThrownBy(() -> ChatServer.builder().resumeWindow(null))
                .isInstanceOf(NullPointerException.class).hasMessage("resumeWindow");
        assertThat(ChatClient.builder().reconnect(Duration.ZERO)).isNotNull();
        assertThat(ChatServer.builder().resumeWindow(Duration.ZERO)).isNotNull();
        assertThat(ChatClient.DEFAULT_RECONNECT).isEqualTo(Duration.ofSeconds(30));
        assertThat(ChatServer.DEFAULT_RESUME_WINDOW).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void serverWithoutBindAddressNamesTheField() {
        assertThatThrownBy(() -> ChatServer.builder().password("secret").build())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("bind");
    }

    @Test
    void messageSizeAndMembersMustBeInRange() {
        assertThatThrownBy(() -> ChatServer.builder().maxMessageBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxMessageBytes");
        assertThatThrownBy(() -> ChatServer.builder().maxMessageBytes(2 * 1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2097152")
                .hasMessageContaining(String.valueOf(ChatServer.LARGEST_MAX_MESSAGE_BYTES));
        assertThatThrownBy(() -> ChatServer.builder().maxMembers(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxMembers");
    }

    @Test
    void rateLimitMustBePositive() {
        assertThatThrownBy(() -> ChatServer.builder().rateLimit(0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rateLimit");
        assertThatThrownBy(() -> ChatServer.builder().rateLimit(Double.NaN, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rateLimit");
        assertThatThrownBy(() -> ChatServer.builder().rateLimit(5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burst");
    }

    @Test
    void roomNameIsChecked() {
        assertThatThrownBy(() -> ChatServer.builder().roomName(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("roomName");
        assertThatThrownBy(() -> ChatServer.builder().roomName("a\nb"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control");
        assertThatThrownBy(() -> ChatServer.builder().roomName("x".repeat(65)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65");
    }

    @Test
    void theUsernameIsNormalised() {
        ChatClient client = ChatClient.builder().server(SERVER).username("Zoe\u0308").build();
        assertThat(client.username()).isEqualTo("Zoë");
    }

    @Test
    void lifecycleMisuseIsAnIllegalState() throws Exception {
        ChatServer server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).build();
        assertThatThrownBy(server::localAddress).isInstanceOf(IllegalStateException.class);
        server.start();
        try {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("started");
        } finally {
            server.close();
        }
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");

        ChatClient client = ChatClient.builder().server(SERVER).username("joan").build();
        client.close();
        assertThatThrownBy(client::connect).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
