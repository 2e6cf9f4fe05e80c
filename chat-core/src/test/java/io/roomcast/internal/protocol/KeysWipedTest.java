package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.internal.crypto.PacketProtector;
import io.roomcast.internal.crypto.SessionKeys;
import io.roomcast.internal.wire.CloseReason;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connection's keys are wiped when it is over, at both ends, however it ends: the member leaves,
 * the server closes, the member falls silent, or the server refuses the proof. In the simulator;
 * the ends are looked at through their package-private accessors.
 */
@ExtendWith(SimulationSeeds.class)
@Timeout(60)
class KeysWipedTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** One member's keys as both ends hold them. */
    private record Ends(SessionKeys client, PacketProtector clientToServer, PacketProtector serverToClient,
                        RoomMember member) {
        static Ends of(SimulatedRoom room, String username) {
            SessionKeys keys = room.client(username).handshake().keys();
            RoomMember member = room.server().members().stream().filter(m -> m.username.equals(username))
                    .findFirst().orElseThrow();
            return new Ends(keys, keys.clientToServer(), keys.serverToClient(), member);
        }

        void assertLive(String seed) {
            assertThat(client.isDestroyed()).as("%s: the client's keys while joined", seed).isFalse();
            assertThat(member.connection.keysDiscarded()).as("%s: the server's keys while joined", seed).isFalse();
        }

        void assertWiped(String seed) {
            assertThat(client.isDestroyed()).as("%s: the client's keys", seed).isTrue();
            assertThat(List.of(clientToServer, serverToClient)).as(seed).allMatch(PacketProtector::isDestroyed);
            assertThatThrownBy(client::clientToServer).as(seed).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("destroyed");
            assertThat(member.connection.keysDiscarded()).as("%s: the server's keys for the member", seed).isTrue();
        }
    }

    /** joan joins the room: her keys are live at both ends. */
    private static Ends joanJoins(SimulatedRoom room, String seed) {
        assertThat(room.join("joan")).as(seed).isTrue();
        Ends joan = Ends.of(room, "joan");
        joan.assertLive(seed);
        return joan;
    }

    /** Runs until joan's client has finished and the server has no member, or {@code limitNanos} passed. */
    private static boolean joanIsGoneAtBothEnds(SimulatedRoom room, long limitNanos) {
        return room.runUntil(() -> room.client("joan").isFinished() && room.memberCount() == 0, limitNanos);
    }

    @Test
    void theWelcomeKeyIsWipedOnceTheWelcomeIsOpenAndAMemberThatLeavesHasItsKeysWipedAtBothEnds() {
        SimulatedRoom room = SimulatedRoom.builder(91).build();
        String seed = "seed " + room.network().seed();
        Ends joan = joanJoins(room, seed);
        assertThat(joan.client.welcome().isDestroyed()).as("%s: the welcome key once joined", seed).isTrue();

        room.act(() -> room.client("joan").close(room.now()));

        assertThat(joanIsGoneAtBothEnds(room, 10 * SECOND)).as(seed).isTrue();
        joan.assertWiped(seed);
    }

    @Test
    void aClosingServerWipesEveryMembersKeysAndTheClientsItClosesWipeTheirs() {
        SimulatedRoom room = SimulatedRoom.builder(92).build();
        String seed = "seed " + room.network().seed();
        assertThat(room.join("joan")).as(seed).isTrue();
        assertThat(room.join("ega")).as(seed).isTrue();
        List<Ends> members = List.of(Ends.of(room, "joan"), Ends.of(room, "ega"));

        room.act(() -> room.server().close(room.now()));

        assertThat(room.runUntil(() -> room.server().isFinished() && room.client("joan").isFinished()
                && room.client("ega").isFinished(), 10 * SECOND)).as(seed).isTrue();
        assertThat(room.sink("joan").disconnected).as(seed).isEqualTo(CloseReason.SERVER_CLOSED);
        members.forEach(ends -> ends.assertWiped(seed));
    }

    @Test
    void aMemberThatFallsSilentHasItsKeysWipedAtBothEnds() {
        SimulatedRoom room = SimulatedRoom.builder(93).build();
        String seed = "seed " + room.network().seed();
        Ends joan = joanJoins(room, seed);

        room.network().partition(room.address("joan"), SimulatedRoom.SERVER);
        room.network().partition(SimulatedRoom.SERVER, room.address("joan"));

        assertThat(joanIsGoneAtBothEnds(room, SimulatedRoom.DEFAULT_IDLE_TIMEOUT_NANOS + 5 * SECOND)).as(seed).isTrue();
        assertThat(room.sink("joan").disconnected).as(seed).isEqualTo(CloseReason.TIMED_OUT);
        joan.assertWiped(seed);
    }

    @Test
    void aClientWhoseProofIsRefusedWipesTheKeysItDerivedForTheConnection() {
        SimulatedRoom room = SimulatedRoom.builder(94).build();
        String seed = "seed " + room.network().seed();
        ClientEngine guesser = room.add("mallory", "not the password");

        assertThat(room.runUntil(guesser::isFinished, SimulatedRoom.JOIN_LIMIT_NANOS)).as(seed).isTrue();

        assertThat(room.sink("mallory").connectFailure).as(seed).isEqualTo(ClientEventSink.ConnectFailure.BAD_PASSWORD);
        assertThat(guesser.handshake().keys()).as("%s: keys were derived when the PROOF went out", seed).isNotNull();
        assertThat(guesser.handshake().keys().isDestroyed()).as(seed).isTrue();
    }
}
