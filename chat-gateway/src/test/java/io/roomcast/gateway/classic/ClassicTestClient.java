package io.roomcast.gateway.classic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A classic client as the classroom's Python one behaves: one UDP socket on 127.0.0.1, each line
 * one UTF-8 datagram without a line ending, {@code PASSWORD} and {@code USERNAME} sent from the
 * same socket, then {@code <name>: <text>}, then {@code exit}. It reads up to 64 KiB so the tests
 * see a datagram's true size (the original reads 1024).
 */
final class ClassicTestClient implements AutoCloseable {
    static final long WAIT_SECONDS = 30;

    private final InetSocketAddress gateway;
    private final DatagramChannel channel;
    private final Selector selector;

    ClassicTestClient(InetSocketAddress gateway) throws IOException {
        this.gateway = gateway;
        this.channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20); // a long line's parts, or a flood's answers, all fit
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    void send(String line) throws IOException {
        sendBytes(line.getBytes(StandardCharsets.UTF_8));
    }

    void sendBytes(byte[] datagram) throws IOException {
        channel.send(ByteBuffer.wrap(datagram), gateway);
    }

    /** The next datagram, waiting a bounded time for it. */
    byte[] receiveBytes() throws IOException {
        byte[] datagram = receiveWithin(TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
        if (datagram == null) {
            throw new AssertionError("no datagram from the gateway within " + WAIT_SECONDS + " s");
        }
        return datagram;
    }

    /** The next datagram within {@code nanos}, or null. */
    byte[] receiveWithin(long nanos) throws IOException {
        long deadline = System.nanoTime() + nanos;
        while (true) {
            byte[] datagram = poll();
            if (datagram != null) {
                return datagram;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            selector.select(left);
            selector.selectedKeys().clear();
        }
    }

    /**
     * Sends {@code line} until an answer comes (UDP: a datagram may be lost, as after a flood
     * that filled the gateway's buffer), at most 10 times 3 seconds, and returns the answer.
     */
    String sendUntilAnswered(String line) throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            send(line);
            byte[] answer = receiveWithin(TimeUnit.SECONDS.toNanos(3));
            if (answer != null) {
                return new String(answer, StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no answer to \"" + line + "\" in 10 tries");
    }

    /** The next datagram as text. */
    String receive() throws IOException {
        return new String(receiveBytes(), StandardCharsets.UTF_8);
    }

    /** Asserts that the next datagram is exactly {@code line}, byte for byte. */
    void expect(String line) throws IOException {
        byte[] datagram = receiveBytes();
        assertThat(new String(datagram, StandardCharsets.UTF_8)).isEqualTo(line);
        assertThat(datagram).isEqualTo(line.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A datagram already here, or null. On loopback a datagram is in the receiver's buffer once
     * its send returned, so after a later answer has arrived this tells whether an earlier one came.
     */
    byte[] poll() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        if (channel.receive(buffer) == null) {
            return null;
        }
        buffer.flip();
        return Arrays.copyOf(buffer.array(), buffer.limit());
    }

    /** Joins as the original client does and checks every answer, its own join line included. */
    void join(String password, String name) throws IOException {
        send("PASSWORD " + password);
        expect("PASSWORD OK");
        send("USERNAME " + name);
        expect("USERNAME OK");
        expect(name + " bergabung ke chatroom.");
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
