package io.roomcast.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.ChatClient;
import io.roomcast.ChatClientListener;
import io.roomcast.ChatMessage;
import io.roomcast.ChatServer;
import io.roomcast.LeaveReason;
import io.roomcast.gateway.classic.ClassicGateway;
import io.roomcast.gateway.irc.IrcGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One room, three kinds of client: a {@code ChatClient} member, an IRC user through the IRC
 * gateway and a classroom client through the classic gateway, speaking its protocol exactly as
 * written (PASSWORD and USERNAME from the same socket, {@code name: text}, {@code exit}). Each
 * hears the others.
 */
@Timeout(90)
class OneRoomThreeKindsOfClientTest {
    private static final int WAIT_SECONDS = 30;
    private static final String PASSWORD = "rahasia";

    @Test
    void aChatClientAnIrcUserAndAClassicClientTalkInOneRoom() throws Exception {
        BlockingQueue<String> ana = new LinkedBlockingQueue<>();
        try (ChatServer server = ChatServer.builder().bind(new InetSocketAddress("127.0.0.1", 0)).password(PASSWORD)
                .build()) {
            server.start();
            IrcGateway ircGateway = IrcGateway.builder().room(server.localAddress())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).build();
            ClassicGateway classicGateway = ClassicGateway.builder().room(server.localAddress())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).build();
            try (ircGateway; classicGateway;
                 ChatClient member = ChatClient.builder().server(server.localAddress()).username("ana")
                         .password(PASSWORD).listener(new ChatClientListener() {
                             @Override
                             public void onMessage(ChatMessage message) {
                                 ana.add(message.sender() + ": " + message.text());
                             }

                             @Override
                             public void onMemberLeft(String username, LeaveReason reason) {
                                 ana.add(username + " left " + reason);
                             }
                         }).build();
                 Socket irc = new Socket("127.0.0.1", startedPort(ircGateway));
                 DatagramSocket classic = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                classicGateway.start();
                member.connect();
                irc.setSoTimeout(WAIT_SECONDS * 1000);
                classic.setSoTimeout(WAIT_SECONDS * 1000);
                BufferedReader ircIn = new BufferedReader(new InputStreamReader(irc.getInputStream(),
                        StandardCharsets.UTF_8));
                OutputStream ircOut = irc.getOutputStream();
                ircSend(ircOut, "PASS " + PASSWORD, "NICK ircy", "USER ircy 0 * :Ircy");
                ircAwait(ircIn, " 001 ircy ");

                InetSocketAddress classicAddress = classicGateway.address();
                assertThat(exchange(classic, classicAddress, "PASSWORD " + PASSWORD)).isEqualTo("PASSWORD OK");
                assertThat(exchange(classic, classicAddress, "USERNAME budi")).isEqualTo("USERNAME OK");
                classicAwait(classic, "budi bergabung ke chatroom.");

                send(classic, classicAddress, "budi: halo semua");
                assertThat(ana.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("budi: halo semua");
                assertThat(ircAwait(ircIn, "PRIVMSG #lobby :halo semua")).startsWith(":budi!");

                ircSend(ircOut, "PRIVMSG #lobby :hi from irc");
                assertThat(ana.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("ircy: hi from irc");
                classicAwait(classic, "ircy: hi from irc");

                member.send("hai kalian").join();
                assertThat(ana.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("ana: hai kalian");
                classicAwait(classic, "ana: hai kalian");
                assertThat(ircAwait(ircIn, "PRIVMSG #lobby :hai kalian")).startsWith(":ana!");

                send(classic, classicAddress, "exit");
                assertThat(ana.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("budi left LEFT");
                assertThat(ircAwait(ircIn, "budi")).satisfiesAnyOf(
                        line -> assertThat(line).contains(" PART #lobby"), line -> assertThat(line).contains(" QUIT"));
            }
        }
    }

    private static int startedPort(IrcGateway gateway) throws Exception {
        gateway.start();
        return gateway.address().getPort();
    }

    private static void ircSend(OutputStream out, String... lines) throws Exception {
        for (String line : lines) {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }

    /** The next line containing {@code text}, skipping others (bounded by the socket's timeout). */
    private static String ircAwait(BufferedReader in, String text) throws Exception {
        for (int i = 0; i < 200; i++) {
            String line = in.readLine();
            assertThat(line).as("an IRC line containing '%s'", text).isNotNull();
            if (line.startsWith("PING ")) {
                continue;
            }
            if (line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("no IRC line containing '" + text + "' in 200 lines");
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, String line) throws Exception {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static String receive(DatagramSocket socket) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[1024], 1024);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    private static String exchange(DatagramSocket socket, InetSocketAddress to, String line) throws Exception {
        send(socket, to, line);
        return receive(socket);
    }

    /** Skips the classic lines before {@code expected} (other members' joins), bounded. */
    private static void classicAwait(DatagramSocket socket, String expected) throws Exception {
        for (int i = 0; i < 50; i++) {
            if (receive(socket).equals(expected)) {
                return;
            }
        }
        throw new AssertionError("no classic line '" + expected + "' in 50");
    }
}
