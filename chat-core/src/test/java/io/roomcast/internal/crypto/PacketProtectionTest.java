package io.roomcast.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PacketProtectionTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc5869TestCase1() {
        byte[] prk = Hkdf.extract(HEX.parseHex("000102030405060708090a0b0c"), HEX.parseHex("0b".repeat(22)));
        assertThat(HEX.formatHex(prk)).isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        assertThat(HEX.formatHex(Hkdf.expand(prk, HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42)))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    @Test
    void rfc5869TestCase2LongInputs() {
        byte[] ikm = new byte[80];
        byte[] salt = new byte[80];
        byte[] info = new byte[80];
        for (int i = 0; i < 80; i++) {
            ikm[i] = (byte) i;
            salt[i] = (byte) (0x60 + i);
            info[i] = (byte) (0xb0 + i);
        }
        byte[] prk = Hkdf.extract(salt, ikm);
        assertThat(HEX.formatHex(prk)).isEqualTo("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
        assertThat(HEX.formatHex(Hkdf.expand(prk, info, 82))).isEqualTo(
                "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
                        + "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
    }

    @Test
    void rfc5869TestCase3EmptySaltAndInfo() {
        byte[] prk = Hkdf.extract(new byte[0], HEX.parseHex("0b".repeat(22)));
        assertThat(HEX.formatHex(prk)).isEqualTo("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
        assertThat(HEX.formatHex(Hkdf.expand(prk, new byte[0], 42)))
                .isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void aSealedPacketOpensOnlyUnchangedUnderTheRightKeyAndNumber() {
        SessionKeys client = SessionKeys.derive(new byte[32], bytes(1), bytes(2));
        SessionKeys server = SessionKeys.derive(new byte[32], bytes(1), bytes(2));
        byte[] text = "halo, secret text".getBytes(StandardCharsets.UTF_8);
        ByteBuffer packet = ByteBuffer.allocate(100);
        packet.put(new byte[] {0x40, 1, 2, 3}).put(text);
        client.clientToServer().seal(7, packet, 0, 4);
        byte[] wire = java.util.Arrays.copyOf(packet.array(), packet.position());

        assertThat(new String(wire, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
        assertThat(open(server.clientToServer(), 7, wire)).isEqualTo(text);
        assertThat(open(server.clientToServer(), 8, wire)).as("another packet number").isNull();
        assertThat(open(server.serverToClient(), 7, wire)).as("the other direction's key").isNull();
        for (int i = 0; i < wire.length; i++) {
            byte[] flipped = wire.clone();
            flipped[i] ^= 0x10;
            assertThat(open(server.clientToServer(), 7, flipped)).as("bit flipped at %d", i).isNull();
        }
    }

    @Test
    void differentNoncesGiveDifferentKeys() {
        byte[] text = "same text".getBytes(StandardCharsets.UTF_8);
        byte[] a = SessionKeys.derive(new byte[32], bytes(1), bytes(2)).welcome().seal(0, new byte[0], text);
        byte[] b = SessionKeys.derive(new byte[32], bytes(1), bytes(3)).welcome().seal(0, new byte[0], text);
        assertThat(a).isNotEqualTo(b);
    }

    private static byte[] open(PacketProtector protector, long pn, byte[] wire) {
        ByteBuffer plain = protector.open(pn, ByteBuffer.wrap(wire, 0, 4).slice(), ByteBuffer.wrap(wire, 4, wire.length - 4).slice());
        if (plain == null) {
            return null;
        }
        byte[] out = new byte[plain.remaining()];
        plain.get(out);
        return out;
    }

    private static byte[] bytes(int value) {
        byte[] bytes = new byte[16];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
