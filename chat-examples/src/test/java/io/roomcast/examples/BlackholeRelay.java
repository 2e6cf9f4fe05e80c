package io.roomcast.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A UDP relay on loopback between clients and a server that can be cut: while {@link #silence
 * silenced} it drops every datagram both ways, a pulled cable, then lets them through again from
 * the same addresses. Clients connect to {@link #address()}; the server sees one relay address
 * per client. A trimmed copy of chat-core's test relay ({@code LossyRelay}), which this module's
 * tests cannot see.
 */
final class BlackholeRelay implements AutoCloseable {
    private final InetSocketAddress server;
    private final Selector selector;
    private final DatagramChannel front;
    private final Map<InetSocketAddress, DatagramChannel> backs = new HashMap<>(); // relay thread only
    private final Thread thread;
    private volatile boolean silent;
    private volatile boolean closed;

    BlackholeRelay(InetSocketAddress server) throws IOException {
        this.server = server;
        this.selector = Selector.open();
        this.front = DatagramChannel.open();
        front.bind(new InetSocketAddress("127.0.0.1", 0));
        front.configureBlocking(false);
        front.register(selector, SelectionKey.OP_READ, null);
        this.thread = new Thread(this::run, "blackhole-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where clients connect, as {@code 127.0.0.1:PORT}. */
    String address() throws IOException {
        return EventFormat.address((InetSocketAddress) front.getLocalAddress());
    }

    /** From now on everything is dropped, both ways. */
    void silence() {
        silent = true;
    }

    /** Ends a {@link #silence}: datagrams go through again. */
    void restore() {
        silent = false;
    }

    @Override
    public void close() throws Exception {
        closed = true;
        selector.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(5));
        for (DatagramChannel back : backs.values()) {
            back.close();
        }
        front.close();
        selector.close();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(65_535);
        try {
            while (!closed) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    SocketAddress source;
                    while ((source = channel.receive(buffer.clear())) != null) {
                        if (silent) {
                            continue;
                        }
                        buffer.flip();
                        if (key.attachment() == null) { // client → server, from the client's own back channel
                            backFor((InetSocketAddress) source).send(buffer, server);
                        } else { // server → client, from the front
                            front.send(buffer, (InetSocketAddress) key.attachment());
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (!closed) {
                throw new IllegalStateException(e);
            }
        }
    }

    private DatagramChannel backFor(InetSocketAddress client) throws IOException {
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
}
