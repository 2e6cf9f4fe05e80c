package io.roomcast.gateway.irc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class IrcTlsAndLoadTest {
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anIrcClientRegistersAndChatsOverTlsWithASelfSignedKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.p12");
        KeyStore keys = selfSigned(file);
        SSLContext serverContext = TlsKeyStore.serverContext(file, STORE_PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);

        try (RoomFixture room = new RoomFixture(s -> { }, g -> g.tls(new InetSocketAddress("127.0.0.1", 0), serverContext)
                .registrationTimeout(Duration.ofSeconds(5)))) {
            InetSocketAddress tlsAddress = room.gateway.tlsAddress().orElseThrow();
            assertThat(tlsAddress.getPort()).isNotEqualTo(room.gateway.address().getPort());
            RecordingListener ana = room.nativeUser("ana");
            SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket(tlsAddress.getAddress(), tlsAddress.getPort());
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).startsWith("TLSv1.");
            try (IrcTestClient joan = new IrcTestClient(socket)) {
                joan.register("joan", RoomFixture.PASSWORD);
                joan.send("PRIVMSG #lobby :over tls");
                assertThat(ana.await("message joan")).isEqualTo("message joan: over tls");
                ana.client.send("back over tls");
                joan.expect("PRIVMSG #lobby :back over tls$");
            }
            IrcTestClient plain = room.ircUser("maria");
            plain.send("PING :x");
            plain.expect("PONG");
            // a peer that opens the TLS port and never handshakes is dropped at the registration timeout
            try (java.net.Socket mute = new java.net.Socket()) {
                mute.connect(tlsAddress, 5000);
                mute.setSoTimeout((int) IrcTestClient.WAIT.toMillis());
                InputStream in = mute.getInputStream();
                while (in.read() >= 0) {
                    // whatever the server sends until it closes
                }
            }
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void fortyIrcConnectionsJoinAtOnceAndAllGetTheRoomsMessages() throws Exception {
        int count = 40;
        try (RoomFixture room = new RoomFixture()) {
            RecordingListener ana = room.nativeUser("ana");
            List<IrcTestClient> users = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                IrcTestClient irc = room.irc();
                irc.send("PASS " + RoomFixture.PASSWORD);
                irc.send("NICK user" + i);
                irc.send("USER u 0 * :load " + i);
                users.add(irc);
            }
            for (IrcTestClient irc : users) {
                irc.expectReply("001");
                irc.expectReply("366");
            }
            assertThat(room.server.members()).hasSize(count + 1);
            ana.client.send("to everyone").get(10, TimeUnit.SECONDS);
            users.get(7).send("PRIVMSG #lobby :from user7");
            for (IrcTestClient irc : users) {
                irc.expect(":ana!ana@roomcast PRIVMSG #lobby :to everyone$");
            }
            for (int i = 0; i < count; i++) {
                if (i != 7) {
                    users.get(i).expect(":user7!user7@roomcast PRIVMSG #lobby :from user7$");
                }
            }
            assertThat(room.gateway.connectionCount()).isEqualTo(count);
        }
    }

    private static KeyStore selfSigned(Path file) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, STORE_PASSWORD);
        }
        return store;
    }
}
