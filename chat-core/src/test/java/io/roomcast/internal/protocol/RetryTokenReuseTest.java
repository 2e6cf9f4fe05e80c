package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.crypto.SrpGroup;
import io.roomcast.internal.wire.HandshakePacket;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A RETRY token opens one handshake: it is bound to the nonce of the HELLO it answered and spent
 * when it opens that handshake. Echoed with other nonces it opens nothing (the server asks for a
 * token of their own); replayed after its handshake ended it opens nothing either. A retransmitted
 * HELLO with the token's own nonce still gets the same CHALLENGE. Before, one token opened a
 * handshake per HELLO for 10 s, so one address with one token could hold every slot.
 */
@Timeout(30)
class RetryTokenReuseTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void oneAddressWithOneTokenHoldsAtMostOneHandshake() {
        SimulatedNetwork network = new SimulatedNetwork(83);
        // every HELLO must echo a token, as when the server is busy
        SimulatedRoom room = SimulatedRoom.on(network).configure(config -> config.withRetryThreshold(0)).build();
        String seed = "seed " + network.seed();
        Random random = network.newRandom();
        RawPeer mallory = new RawPeer();
        network.attach(new InetSocketAddress("127.0.0.9", 24_000), mallory);
        HandshakePacket.Hello first = RawPeer.hello(random, SrpGroup.RFC5054_2048_SHA256, "mallory", new byte[0]);
        room.act(() -> mallory.send(SimulatedRoom.SERVER, first));
        room.runFor(SECOND);
        byte[] token = mallory.received(HandshakePacket.Retry.class).get(0).token();

        HandshakePacket.Hello withToken = new HandshakePacket.Hello(first.clientNonce(), first.username(),
                first.idleTimeoutMillis(), first.clientPublic(), token);
        room.act(() -> {
            mallory.send(SimulatedRoom.SERVER, withToken);
            mallory.send(SimulatedRoom.SERVER, withToken); // a retransmission: the same handshake
            for (int i = 0; i < 20; i++) {
                mallory.send(SimulatedRoom.SERVER, RawPeer.hello(random, SrpGroup.RFC5054_2048_SHA256, "m" + i, token));
            }
        });
        room.runFor(SECOND);

        assertThat(mallory.received(HandshakePacket.Challenge.class)).as("%s: one handshake, challenged twice", seed)
                .hasSize(2).extracting(HandshakePacket.Challenge::connectionId).containsOnly(
                        mallory.received(HandshakePacket.Challenge.class).get(0).connectionId());
        assertThat(pendingHandshakes(room)).as(seed).isEqualTo(1);
        assertThat(mallory.received(HandshakePacket.Retry.class)).as("%s: other nonces need tokens of their own", seed)
                .hasSize(1 + 20);

        // the handshake ends (a wrong proof); the token's HELLO replayed within its lifetime opens nothing
        long connectionId = mallory.received(HandshakePacket.Challenge.class).get(0).connectionId();
        room.act(() -> mallory.send(SimulatedRoom.SERVER, new HandshakePacket.Proof(connectionId, new byte[32])));
        room.runFor(SECOND);
        assertThat(pendingHandshakes(room)).as(seed).isZero();
        room.act(() -> mallory.send(SimulatedRoom.SERVER, withToken));
        room.runFor(SECOND);

        assertThat(pendingHandshakes(room)).as("%s: a spent token opens no other handshake", seed).isZero();
        assertThat(mallory.received(HandshakePacket.Challenge.class)).as(seed).hasSize(2);
        assertThat(room.server().stats().spentRetryTokens).as(seed).isEqualTo(1);
        assertThat(room.server().handshakes().spentTokenCount()).as(seed).isEqualTo(1);

        room.runFor(RetryTokens.LIFETIME_NANOS);
        assertThat(room.server().handshakes().spentTokenCount()).as("%s: forgotten once it could not be valid", seed)
                .isZero();
        assertThat(room.join("joan")).as("%s: others still join through their own tokens", seed).isTrue();
    }

    /** Handshakes in progress ({@link HandshakeResponder#pendingCount} counts each in two indexes). */
    private static int pendingHandshakes(SimulatedRoom room) {
        return room.server().handshakes().pendingCount() / 2;
    }

    @Test
    void oneHostSpendingTokensOnUselessHellosCannotGetOthersRefusedAsBusy() {
        SimulatedNetwork network = new SimulatedNetwork(99);
        SimulatedRoom room = SimulatedRoom.on(network).build();
        Random random = network.newRandom();
        // 64 HELLOs from hosts that never answer keep the server asking for tokens
        for (int i = 0; i < 64; i++) {
            byte[] bytes = RawPeer.hello(random, SrpGroup.RFC5054_2048_SHA256, "s" + i, new byte[0]).toBytes();
            RawPeer silent = new RawPeer();
            network.attach(new InetSocketAddress("127.9.0." + (i + 1), 5000), silent);
            room.act(() -> silent.send(SimulatedRoom.SERVER, bytes));
        }
        room.runFor(10 * MS);
        // mallory, one host: token after token, each echoed on a HELLO whose A is useless
        RawPeer mallory = new RawPeer();
        network.attach(new InetSocketAddress("127.0.0.9", 24_000), mallory);
        java.util.Map<String, HandshakePacket.Hello> byNonce = new java.util.HashMap<>();
        for (int i = 0; i < 4_200; i++) {
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            HandshakePacket.Hello hello = new HandshakePacket.Hello(nonce, "m", 15_000, new byte[256], new byte[0]);
            byNonce.put(java.util.HexFormat.of().formatHex(nonce), hello);
            room.act(() -> mallory.send(SimulatedRoom.SERVER, hello));
        }
        room.runFor(100 * MS);
        for (HandshakePacket.Retry retry : mallory.received(HandshakePacket.Retry.class)) {
            HandshakePacket.Hello hello = byNonce.get(java.util.HexFormat.of().formatHex(retry.clientNonce()));
            room.act(() -> mallory.send(SimulatedRoom.SERVER, new HandshakePacket.Hello(hello.clientNonce(),
                    hello.username(), hello.idleTimeoutMillis(), hello.clientPublic(), retry.token())));
        }
        room.runFor(100 * MS);
        assertThat(room.server().handshakes().spentTokenCount()).as("a useless A spends no token").isZero();

        // joan, elsewhere, with her own token, is answered with a CHALLENGE
        RawPeer joan = new RawPeer();
        network.attach(new InetSocketAddress("127.0.0.20", 25_000), joan);
        HandshakePacket.Hello first = RawPeer.hello(random, SrpGroup.RFC5054_2048_SHA256, "joan", new byte[0]);
        room.act(() -> joan.send(SimulatedRoom.SERVER, first));
        room.runFor(10 * MS);
        byte[] token = joan.received(HandshakePacket.Retry.class).get(0).token();
        room.act(() -> joan.send(SimulatedRoom.SERVER, new HandshakePacket.Hello(first.clientNonce(), "joan",
                first.idleTimeoutMillis(), first.clientPublic(), token)));
        room.runFor(50 * MS);
        assertThat(joan.received(HandshakePacket.Reject.class)).isEmpty();
        assertThat(joan.received(HandshakePacket.Challenge.class)).hasSize(1);
    }
}
