package io.roomcast.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class Srp6aTest {

    // RFC 5054 Appendix B: 1024-bit group, SHA-1
    private static final SrpGroup GROUP = SrpGroup.rfc5054Group1024("SHA-1");
    private static final String I = "alice";
    private static final String P = "password123";
    private static final byte[] SALT = bytes("BEB25379 D1A8581E B5A72767 3A2441EE");
    private static final BigInteger K = num("7556AA04 5AEF2CDD 07ABAF0F 665C3E81 8913186F");
    private static final BigInteger X = num("94B7555A ABE9127C C58CCF49 93DB6CF8 4D16C124");
    private static final BigInteger V = num("7E273DE8 696FFC4F 4E337D05 B4B375BE B0DDE156 9E8FA00A 9886D812"
            + "9BADA1F1 822223CA 1A605B53 0E379BA4 729FDC59 F105B478 7E5186F5"
            + "C671085A 1447B52A 48CF1970 B4FB6F84 00BBF4CE BFBB1681 52E08AB5"
            + "EA53D15C 1AFF87B2 B9DA6E04 E058AD51 CC72BFC9 033B564E 26480D78"
            + "E955A5E2 9E7AB245 DB2BE315 E2099AFB");
    private static final BigInteger A_PRIVATE = num("60975527 035CF2AD 1989806F 0407210B C81EDC04 E2762A56 AFD529DD"
            + "DA2D4393");
    private static final BigInteger B_PRIVATE = num("E487CB59 D31AC550 471E81F0 0F6928E0 1DDA08E9 74A004F4 9E61F5D1"
            + "05284D20");
    private static final BigInteger A_PUBLIC = num("61D5E490 F6F1B795 47B0704C 436F523D D0E560F0 C64115BB 72557EC4"
            + "4352E890 3211C046 92272D8B 2D1A5358 A2CF1B6E 0BFCF99F 921530EC"
            + "8E393561 79EAE45E 42BA92AE ACED8251 71E1E8B9 AF6D9C03 E1327F44"
            + "BE087EF0 6530E69F 66615261 EEF54073 CA11CF58 58F0EDFD FE15EFEA"
            + "B349EF5D 76988A36 72FAC47B 0769447B");
    private static final BigInteger B_PUBLIC = num("BD0C6151 2C692C0C B6D041FA 01BB152D 4916A1E7 7AF46AE1 05393011"
            + "BAF38964 DC46A067 0DD125B9 5A981652 236F99D9 B681CBF8 7837EC99"
            + "6C6DA044 53728610 D0C6DDB5 8B318885 D7D82C7F 8DEB75CE 7BD4FBAA"
            + "37089E6F 9C6059F3 88838E7A 00030B33 1EB76840 910440B1 B27AAEAE"
            + "EB4012B7 D7665238 A8E3FB00 4B117B58");
    private static final BigInteger U = num("CE38B959 3487DA98 554ED47D 70A7AE5F 462EF019");
    private static final BigInteger S = num("B0DC82BA BCF30674 AE450C02 87745E79 90A3381F 63B387AA F271A10D"
            + "233861E3 59B48220 F7C4693C 9AE12B0A 6F67809F 0876E2D0 13800D6C"
            + "41BB59B6 D5979B5C 00A172B4 A2A5903A 0BDCAF8A 709585EB 2AFAFA8F"
            + "3499B200 210DCC1F 10EB3394 3CD67FC8 8A2F39A4 BE5BEC4E C0A3212D"
            + "C346D7E4 74B29EDE 8A469FFE CA686E5A");

    private static final byte[] CONTEXT = "joan|nonces".getBytes(StandardCharsets.UTF_8);

    @Test
    void rfc5054AppendixBVectors() {
        assertThat(GROUP.k()).isEqualTo(K);
        assertThat(Srp6a.x(GROUP, SALT, I, P)).isEqualTo(X);
        assertThat(Srp6a.verifier(GROUP, X)).isEqualTo(V);
        assertThat(Srp6a.clientPublic(GROUP, A_PRIVATE)).isEqualTo(A_PUBLIC);
        assertThat(Srp6a.serverPublic(GROUP, V, B_PRIVATE)).isEqualTo(B_PUBLIC);
        assertThat(Srp6a.u(GROUP, A_PUBLIC, B_PUBLIC)).isEqualTo(U);
        assertThat(Srp6a.clientSecret(GROUP, B_PUBLIC, X, A_PRIVATE, U)).isEqualTo(S);
        assertThat(Srp6a.serverSecret(GROUP, A_PUBLIC, V, U, B_PRIVATE)).isEqualTo(S);
    }

    @Test
    void sessionsWithTheVectorsAgreeOnTheKey() throws SrpException {
        SrpVerifier verifier = new SrpVerifier(I, SALT, V);
        SrpClientSession client = new SrpClientSession(GROUP, A_PRIVATE);
        SrpServerSession server = new SrpServerSession(GROUP, verifier, client.publicValue(), B_PRIVATE);
        assertThat(new BigInteger(1, server.publicValue())).isEqualTo(B_PUBLIC);

        byte[] m1 = client.respond(I, P, SALT, server.publicValue(), CONTEXT);
        byte[] m2 = server.verifyClient(m1, CONTEXT);
        client.verifyServer(m2);

        assertThat(client.key().live()).isEqualTo(server.key().live()).isEqualTo(Srp6a.sessionKey(GROUP, S));
    }

    @Test
    void theVectorsHoldWithTheTablesOfPowersBuiltFromTheFirstUse() throws SrpException {
        SrpGroup tabled = new SrpGroup(SrpGroup.RFC5054_1024_N, BigInteger.TWO, "SHA-1", 0);
        assertThat(Srp6a.verifier(tabled, X)).isEqualTo(V);
        assertThat(tabled.generator().table()).isNotNull();
        SrpVerifier verifier = new SrpVerifier(I, SALT, V);
        SrpClientSession client = new SrpClientSession(tabled, A_PRIVATE);
        SrpServerSession server = new SrpServerSession(tabled, verifier, client.publicValue(), B_PRIVATE);
        assertThat(new BigInteger(1, client.publicValue())).isEqualTo(A_PUBLIC);
        assertThat(new BigInteger(1, server.publicValue())).isEqualTo(B_PUBLIC);

        byte[] m1 = client.respond(I, P, SALT, server.publicValue(), CONTEXT);
        client.verifyServer(server.verifyClient(m1, CONTEXT));

        assertThat(verifier.powers().table()).isNotNull(); // v^u came from the table
        assertThat(server.key().live()).isEqualTo(client.key().live()).isEqualTo(Srp6a.sessionKey(GROUP, S));
    }

    @Test
    void sessionsAgreeBeforeAndAfterTheTablesAreBuilt() throws SrpException {
        Random random = new Random(54);
        SrpGroup group = new SrpGroup(SrpGroup.RFC5054_2048_SHA256.n(), BigInteger.TWO, "SHA-256", 3);
        SrpVerifier verifier = SrpVerifier.create(group, "lobby", "secret", random);
        for (int i = 0; i < 5; i++) {
            SrpClientSession client = new SrpClientSession(group, random);
            SrpServerSession server = new SrpServerSession(group, verifier, client.publicValue(), random);
            byte[] m1 = client.respond("lobby", "secret", verifier.salt(), server.publicValue(), CONTEXT);
            client.verifyServer(server.verifyClient(m1, CONTEXT));
            assertThat(client.key().live()).isEqualTo(server.key().live());
        }
        assertThat(group.generator().table()).isNotNull();
        assertThat(verifier.powers().table()).isNotNull();
    }

    @Test
    void theRoomcastGroupIsA2048BitSafePrime() {
        BigInteger n = SrpGroup.RFC5054_2048_SHA256.n();
        assertThat(n.bitLength()).isEqualTo(2048);
        assertThat(n.isProbablePrime(64)).isTrue();
        assertThat(n.subtract(BigInteger.ONE).shiftRight(1).isProbablePrime(64)).isTrue();
    }

    @Test
    void rightPasswordOn2048BitGroupDerivesOneSharedKey() throws SrpException {
        Random random = new SecureRandom();
        SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
        SrpVerifier verifier = SrpVerifier.create(group, "lobby", "secret", random);
        SrpClientSession client = new SrpClientSession(group, random);
        SrpServerSession server = new SrpServerSession(group, verifier, client.publicValue(), random);

        byte[] m1 = client.respond("lobby", "secret", verifier.salt(), server.publicValue(), CONTEXT);
        client.verifyServer(server.verifyClient(m1, CONTEXT));

        assertThat(client.key().live()).hasSize(32).isEqualTo(server.key().live());
    }

    @Test
    void wrongPasswordFailsTheClientProof() throws SrpException {
        Random random = new SecureRandom();
        SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
        SrpVerifier verifier = SrpVerifier.create(group, "lobby", "secret", random);
        SrpClientSession client = new SrpClientSession(group, random);
        SrpServerSession server = new SrpServerSession(group, verifier, client.publicValue(), random);

        byte[] m1 = client.respond("lobby", "Secret", verifier.salt(), server.publicValue(), CONTEXT);

        assertThatThrownBy(() -> server.verifyClient(m1, CONTEXT)).isInstanceOf(SrpException.class);
        assertThatThrownBy(server::key).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDifferentContextFailsTheProof() throws SrpException {
        Random random = new SecureRandom();
        SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
        SrpVerifier verifier = SrpVerifier.create(group, "lobby", "secret", random);
        SrpClientSession client = new SrpClientSession(group, random);
        SrpServerSession server = new SrpServerSession(group, verifier, client.publicValue(), random);

        byte[] m1 = client.respond("lobby", "secret", verifier.salt(), server.publicValue(), CONTEXT);

        byte[] otherContext = "mallory|nonces".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> server.verifyClient(m1, otherContext)).isInstanceOf(SrpException.class);
    }

    @Test
    void aWrongServerProofIsRejected() throws SrpException {
        Random random = new SecureRandom();
        SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
        SrpVerifier impostor = SrpVerifier.create(group, "lobby", "guess", random);
        SrpClientSession client = new SrpClientSession(group, random);
        SrpServerSession fakeServer = new SrpServerSession(group, impostor, client.publicValue(), random);

        client.respond("lobby", "secret", impostor.salt(), fakeServer.publicValue(), CONTEXT);

        assertThatThrownBy(() -> client.verifyServer(new byte[32])).isInstanceOf(SrpException.class);
    }

    @Test
    void twoHandshakesNeverDeriveTheSameKey() throws SrpException {
        Random random = new SecureRandom();
        SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
        SrpVerifier verifier = SrpVerifier.create(group, "lobby", "secret", random);
        byte[][] keys = new byte[2][];
        for (int i = 0; i < 2; i++) {
            SrpClientSession client = new SrpClientSession(group, random);
            SrpServerSession server = new SrpServerSession(group, verifier, client.publicValue(), random);
            byte[] m1 = client.respond("lobby", "secret", verifier.salt(), server.publicValue(), CONTEXT);
            client.verifyServer(server.verifyClient(m1, CONTEXT));
            keys[i] = client.key().live();
        }
        assertThat(keys[0]).isNotEqualTo(keys[1]);
    }

    @Test
    void serverRejectsAPublicValueThatIsZeroModN() {
        SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
        SrpVerifier verifier = SrpVerifier.create(group, "lobby", "secret");
        Random random = new SecureRandom();
        assertThatThrownBy(() -> new SrpServerSession(group, verifier, new byte[group.length()], random))
                .isInstanceOf(SrpException.class).hasMessageContaining("A");
        assertThatThrownBy(() -> new SrpServerSession(group, verifier, group.pad(group.n()), random))
                .isInstanceOf(SrpException.class);
    }

    @Test
    void clientRejectsAPublicValueThatIsZeroModN() {
        SrpGroup group = SrpGroup.RFC5054_2048_SHA256;
        SrpClientSession client = new SrpClientSession(group, new SecureRandom());
        assertThatThrownBy(() -> client.respond("lobby", "secret", new byte[16], new byte[group.length()], CONTEXT))
                .isInstanceOf(SrpException.class).hasMessageContaining("B");
        assertThatThrownBy(() -> client.respond("lobby", "secret", new byte[16], group.pad(group.n()), CONTEXT))
                .isInstanceOf(SrpException.class);
    }

    @Test
    void zeroScramblingParameterIsRefused() throws SrpException {
        // SHA-256 never yields u == 0 in practice; both sessions route u through this check
        assertThatThrownBy(() -> Srp6a.requireNonZeroScrambler(BigInteger.ZERO)).isInstanceOf(SrpException.class);
        assertThat(Srp6a.requireNonZeroScrambler(U)).isEqualTo(U);
    }

    private static BigInteger num(String hex) {
        return new BigInteger(hex.replace(" ", ""), 16);
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }
}
