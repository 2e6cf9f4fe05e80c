package io.roomcast.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Secrets are zeroed as soon as nothing needs them: {@code K} once the connection's keys are
 * derived from it, the pseudorandom key once it is expanded, and every key and IV of a connection
 * once its {@link SessionKeys} (or one {@link PacketProtector}) is destroyed, which then refuses
 * to be used.
 */
@Timeout(20)
class SecretWipingTest {
    private static final SrpGroup GROUP = SrpGroup.RFC5054_2048_SHA256;
    private static final byte[] CONTEXT = "joan".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLIENT_NONCE = filled(16, 1);
    private static final byte[] SERVER_NONCE = filled(16, 2);

    @Test
    void theSrpSessionKeyIsZeroOnBothSidesOnceTheConnectionsKeysAreDerivedFromIt() throws SrpException {
        Random random = new Random(7);
        SrpVerifier verifier = SrpVerifier.create(GROUP, "lobby", "secret", random);
        SrpClientSession client = new SrpClientSession(GROUP, random);
        SrpServerSession server = new SrpServerSession(GROUP, verifier, client.publicValue(), random);
        byte[] m1 = client.respond("lobby", "secret", verifier.salt(), server.publicValue(), CONTEXT);
        client.verifyServer(server.verifyClient(m1, CONTEXT));
        byte[] clientK = client.key().array();
        byte[] serverK = server.key().array();
        assertThat(clientK).isEqualTo(serverK).isNotEqualTo(new byte[clientK.length]);

        SessionKeys clientKeys = client.sessionKeys(CLIENT_NONCE, SERVER_NONCE);
        SessionKeys serverKeys = server.sessionKeys(CLIENT_NONCE, SERVER_NONCE);

        assertThat(clientK).as("the client's K after derivation").containsOnly(0);
        assertThat(serverK).as("the server's K after derivation").containsOnly(0);
        // the keys derived before the wipe are the right ones: what one side seals, the other opens
        byte[] sealed = clientKeys.welcome().seal(0, new byte[0], CONTEXT);
        assertThat(open(serverKeys.welcome(), sealed)).isEqualTo(CONTEXT);
        assertThatThrownBy(() -> client.sessionKeys(CLIENT_NONCE, SERVER_NONCE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("K was wiped");
    }

    @Test
    void thePseudorandomKeyIsZeroOnceItIsExpandedIntoTheConnectionsKeys() {
        byte[] salt = new byte[32];
        System.arraycopy(CLIENT_NONCE, 0, salt, 0, 16);
        System.arraycopy(SERVER_NONCE, 0, salt, 16, 16);
        byte[] k = filled(32, 9);
        byte[] prk = Hkdf.extract(salt, k);
        assertThat(prk).isNotEqualTo(new byte[prk.length]);

        SessionKeys expanded = SessionKeys.expand(prk);

        assertThat(prk).as("PRK after expansion").containsOnly(0);
        assertThat(k).as("the caller's K is the caller's to wipe").isEqualTo(filled(32, 9));
        byte[] sealed = SessionKeys.derive(k, CLIENT_NONCE, SERVER_NONCE).clientToServer().seal(3, new byte[0], CONTEXT);
        assertThat(open(expanded.clientToServer(), 3, sealed)).as("the same keys as derive()").isEqualTo(CONTEXT);
    }

    @Test
    void destroyedSessionKeysAreZeroAndRefuseEveryFurtherUse() {
        SessionKeys keys = SessionKeys.derive(filled(32, 5), CLIENT_NONCE, SERVER_NONCE);
        PacketProtector clientToServer = keys.clientToServer();
        PacketProtector serverToClient = keys.serverToClient();
        PacketProtector welcome = keys.welcome();
        byte[] sealed = clientToServer.seal(1, new byte[0], CONTEXT);
        List<byte[]> secrets = concat(clientToServer.secretArrays(), serverToClient.secretArrays(), welcome.secretArrays());
        assertThat(secrets).allSatisfy(array -> assertThat(array).isNotEqualTo(new byte[array.length]));

        keys.destroy();

        assertThat(keys.isDestroyed()).isTrue();
        assertThat(secrets).as("every key, IV and nonce array").allSatisfy(array -> assertThat(array).containsOnly(0));
        for (PacketProtector protector : new PacketProtector[] {clientToServer, serverToClient, welcome}) {
            assertThat(protector.isDestroyed()).isTrue();
            assertThatThrownBy(() -> protector.seal(2, new byte[0], CONTEXT))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");
            assertThatThrownBy(() -> open(protector, 1, sealed))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");
        }
        assertThatThrownBy(keys::clientToServer).isInstanceOf(IllegalStateException.class)
                .hasMessage("the session keys were destroyed: the connection is over");
        assertThatThrownBy(keys::serverToClient).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(keys::welcome).isInstanceOf(IllegalStateException.class);
        keys.destroy(); // twice is harmless: a connection and its handshake may both let go of the same keys
    }

    @Test
    void aProtectorWhoseKeyIsAllZeroCanStillBeDestroyedAfterSealing() {
        // the destroy re-initialises the cipher with a zero key and nonce: with a zero key that repeats the
        // last initialisation, which the JDK refuses for encryption; the protector is destroyed all the same
        PacketProtector protector = new PacketProtector(new byte[PacketProtector.KEY_BYTES],
                new byte[PacketProtector.IV_BYTES]);
        protector.seal(0, new byte[0], CONTEXT);

        protector.destroy();

        assertThat(protector.isDestroyed()).isTrue();
    }

    @Test
    void aWipeableKeyHandsOutCopiesZeroesItselfAndIsNeverSerialised() throws Exception {
        byte[] bytes = filled(32, 3);
        WipeableKey key = new WipeableKey(bytes, "AES");
        Arrays.fill(bytes, (byte) 0);
        byte[] copy = key.getEncoded();
        copy[0] = 42;
        assertThat(key.getEncoded()).as("its own copy, untouched by the caller's wipe or a copy's change")
                .isEqualTo(filled(32, 3));
        assertThatThrownBy(() -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(key))
                .isInstanceOf(NotSerializableException.class);

        key.destroy();

        assertThat(key.isDestroyed()).isTrue();
        assertThat(key.array()).containsOnly(0);
        assertThatThrownBy(key::getEncoded).isInstanceOf(IllegalStateException.class)
                .hasMessage("the AES key was destroyed");
    }

    private static byte[] open(PacketProtector protector, byte[] sealed) {
        return open(protector, 0, sealed);
    }

    private static byte[] open(PacketProtector protector, long number, byte[] sealed) {
        ByteBuffer opened = protector.open(number, ByteBuffer.allocate(0), ByteBuffer.wrap(sealed));
        assertThat(opened).as("opens").isNotNull();
        byte[] plain = new byte[opened.remaining()];
        opened.get(plain);
        return plain;
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static List<byte[]> concat(byte[][]... groups) {
        return Arrays.stream(groups).flatMap(Arrays::stream).toList();
    }
}
