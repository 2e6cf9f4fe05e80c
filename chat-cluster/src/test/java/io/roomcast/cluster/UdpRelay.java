package io.roomcast.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;

/**
 * A UDP relay on 127.0.0.1 in front of one chat server: clients send to {@link #address()}; the
 * server sees one relay address per client. {@link #silence()} drops everything both ways, as a
 * machine that dies without a word would: its members' clients hear nothing more.
 */
final class UdpRelay implements AutoCloseable {
    private final InetSocketAddress server;
    private final Selector selector;
    private final DatagramChannel front;
    private final Map<SocketAddress, DatagramChannel> backs = new HashMap<>();
    private final Thread thread;
    private volatile boolean silent;
    private volatile boolean closed;

    UdpRelay(InetSocketAddress server) throws IOException {
        this.server = server;
        this.selector = Selector.open();
        this.front = DatagramChannel.open();
        front.bind(new InetSocketAddress("127.0.0.1", 0));
        front.configureBlocking(false);
        front.register(selector, SelectionKey.OP_READ, null);
        this.thread = new Thread(this::run, "udp-relay");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    /** From now on nothing goes through, either way. */
    void silence() {
        silent = true;
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        try {
            while (!closed) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    SocketAddress client = (SocketAddress) key.attachment();
                    SocketAddress from;
                    while ((from = receive(channel, buffer)) != null) {
                        buffer.flip();
                        if (!silent) {
                            if (client == null) {
                                back(from).send(buffer, server);
                            } else {
                                front.send(buffer, client);
                            }
                        }
                        buffer.clear();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (!closed) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static SocketAddress receive(DatagramChannel channel, ByteBuffer buffer) throws IOException {
        buffer.clear();
        return channel.receive(buffer);
    }

    private DatagramChannel back(SocketAddress client) throws IOException {
        DatagramChannel back = backs.get(client);
        if (back == null) {
            back = DatagramChannel.open();
            back.bind(new InetSocketAddress("127.0.0.1", 0));
            back.configureBlocking(false);
            back.register(selector, SelectionKey.OP_READ, client);
            backs.put(client, back);
        }
        return back;
    }

    @Override
    public void close() throws Exception {
        closed = true;
        selector.wakeup();
        thread.join(5_000);
        front.close();
        for (DatagramChannel back : backs.values()) {
            back.close();
        }
        selector.close();
    }
}
