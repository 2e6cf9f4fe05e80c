package io.roomcast.gateway.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ClassicGatewayBuilderTest {
    private static final InetSocketAddress ROOM = new InetSocketAddress("127.0.0.1", 9000);

    @Test
    void theDefaultsAreLoopbackPort9100IndonesianAndTenMinutes() {
        assertThat(ClassicGateway.DEFAULT_BIND.getAddress().isLoopbackAddress()).isTrue();
        assertThat(ClassicGateway.DEFAULT_BIND.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(ClassicGateway.DEFAULT_BIND.getPort()).isEqualTo(9100);
        assertThat(ClassicGateway.DEFAULT_IDLE_TIMEOUT).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theRoomIsRequiredAndBadValuesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> ClassicGateway.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("room:");
        assertThatThrownBy(() -> ClassicGateway.builder().room(new InetSocketAddress("127.0.0.1", 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("room:");
        assertThatThrownBy(() -> ClassicGateway.builder().room(InetSocketAddress.createUnresolved("nowhere.invalid", 9000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("room:");
        assertThatThrownBy(() -> ClassicGateway.builder().idleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("idleTimeout:");
        assertThatThrownBy(() -> ClassicGateway.builder().room(null))
                .isInstanceOf(NullPointerException.class).hasMessage("room");
        assertThatThrownBy(() -> ClassicGateway.builder().language(null))
                .isInstanceOf(NullPointerException.class).hasMessage("language");
    }

    @Test
    void aGatewayStartsOnceTellsItsAddressAndClosesIdempotently() throws Exception {
        ClassicGateway gateway = ClassicGateway.builder().room(ROOM).bind(new InetSocketAddress("127.0.0.1", 0)).build();
        assertThatThrownBy(gateway::address).isInstanceOf(IllegalStateException.class);
        gateway.start();
        try {
            assertThat(gateway.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(gateway.address().getPort()).isPositive();
            assertThatThrownBy(gateway::start).isInstanceOf(IllegalStateException.class);
        } finally {
            gateway.close();
        }
        gateway.close();
        assertThatThrownBy(gateway::address).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(gateway::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPortInUseFailsTheStartWithAnIOException() throws Exception {
        try (ClassicGateway first = ClassicGateway.builder().room(ROOM).bind(new InetSocketAddress("127.0.0.1", 0)).build()) {
            first.start();
            ClassicGateway second = ClassicGateway.builder().room(ROOM).bind(first.address()).build();
            assertThatThrownBy(second::start).isInstanceOf(java.io.IOException.class);
            second.close();
        }
    }
}
