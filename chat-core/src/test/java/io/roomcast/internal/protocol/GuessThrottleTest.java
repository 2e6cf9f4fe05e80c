package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Password guessing in parallel: as many handshakes as one address may have in progress
 * ({@link HandshakeResponder#MAX_PENDING_PER_ADDRESS}, 16) collect their CHALLENGEs, then all their
 * PROOFs arrive while the first are still being checked (SRP work takes virtual time). The
 * address has 5 guesses per 10 s, and guesses in flight count: 5 proofs are checked, the others
 * wait (a retransmitted PROOF may go once a check ends) and are then refused unchecked, since the
 * 5 were wrong — the last one, with the right password, too. Before, every proof was checked and
 * the right one admitted (with 30 handshakes: 29 × BAD_PASSWORD, ~200× the documented rate).
 */
@Timeout(30)
class GuessThrottleTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void parallelProofsFromOneAddressGetFiveGuessesAndNoMore() {
        SimulatedNetwork network = new SimulatedNetwork(71);
        SimulatedRoom room = SimulatedRoom.on(network)
                .offload(network.slowOffload(TimeUnit.MILLISECONDS.toNanos(20))).build();
        String seed = "seed " + network.seed();
        List<String> guessers = new ArrayList<>();
        int attempts = HandshakeResponder.MAX_PENDING_PER_ADDRESS;
        for (int i = 0; i < attempts; i++) {
            String name = "mallory" + i;
            String password = i == attempts - 1 ? SimulatedRoom.DEFAULT_PASSWORD : "guess " + i;
            room.add(room.clientConfig(name, password), new InetSocketAddress("127.0.0.9", 21_000 + i));
            guessers.add(name);
        }
        room.runUntil(() -> guessers.stream().allMatch(name -> room.sink(name).connectFailure != null
                || room.sink(name).joined()), 20 * SECOND);

        List<ClientEventSink.ConnectFailure> outcomes = guessers.stream().map(name -> room.sink(name).connectFailure)
                .toList();
        assertThat(outcomes).as("%s: every attempt ended", seed).doesNotContainNull();
        assertThat(outcomes).as(seed).filteredOn(f -> f == ClientEventSink.ConnectFailure.BAD_PASSWORD).hasSize(5);
        assertThat(outcomes).as(seed).filteredOn(f -> f == ClientEventSink.ConnectFailure.REFUSED)
                .hasSize(attempts - 5);
        assertThat(room.server().stats().badPasswords).as("%s: proofs checked", seed).isEqualTo(5);
        assertThat(room.sink("mallory" + (attempts - 1)).joined()).as("%s: the right password, after the budget", seed).isFalse();
        assertThat(room.sink("mallory" + (attempts - 1)).log).as(seed)
                .anySatisfy(line -> assertThat(line).contains("temporarily refused").containsPattern("try again in \\d+ s"));
        assertThat(room.server().memberNames()).as(seed).isEmpty();

        // another address is not affected
        assertThat(room.join("joan")).as("%s: another address joins meanwhile", seed).isTrue();
    }
}
