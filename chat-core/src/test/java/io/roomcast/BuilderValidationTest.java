package io.roomcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Builder misuse fails at once, naming the field. */
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
        assertThatThrownBy(() -> ChatClient.builder().listener(null))
                .isInstanceOf(NullPointerException.class).hasMessage("listener");
        assertThatThrownBy(() -> ChatServer.builder().listener(null))
                .isInstanceOf(NullPointerException.class).hasMessage("listener");
        assertThatThrownBy(() -> ChatClient.builder().password(null))
                .isInstanceOf(NullPointerException.class).hasMessage("password");
        assertThatThrownBy(() -> ChatServer.builder().callbackExecutor(null))
                .isInstanceOf(NullPointerException.class).hasMessage("callbackExecutor");
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
