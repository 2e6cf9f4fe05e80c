package io.roomcast.examples;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --server} option's value: one {@code HOST:PORT}, or several separated by commas
 * ({@code h1:9000,h2:9000,h3:9000}, the servers of one room's cluster, tried in that order; see
 * {@link io.roomcast.ChatClient.Builder#servers}). Spaces around each are ignored; an IPv6 literal is
 * written in brackets ({@code [::1]:9000}).
 */
public final class ServerAddresses {
    private ServerAddresses() {
    }

    /**
     * The addresses in {@code text}, resolved, in order.
     *
     * @throws IllegalArgumentException saying what is wrong and with which address: one without a
     *                                  port, a port that is not a number from 1 to 65535, an empty one
     *                                  (two commas), a host that does not resolve, one listed twice
     */
    public static List<InetSocketAddress> parse(String text) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        String[] parts = text.split(",", -1);
        for (String part : parts) {
            String address = part.strip();
            if (address.isEmpty()) {
                throw new IllegalArgumentException(parts.length == 1 ? "no address given"
                        : "an empty address in the list '" + text + "'");
            }
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || address.endsWith("]")) {
                throw new IllegalArgumentException("'" + address + "' is not HOST:PORT, such as 127.0.0.1:9000");
            }
            String host = address.substring(0, colon);
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 0xFFFF) {
                throw new IllegalArgumentException("'" + address + "': the port must be a number from 1 to 65535");
            }
            InetSocketAddress resolved = new InetSocketAddress(host, port);
            if (resolved.isUnresolved()) {
                throw new IllegalArgumentException("'" + address + "': the host " + host + " cannot be resolved");
            }
            if (addresses.contains(resolved)) {
                throw new IllegalArgumentException("'" + address + "' is listed twice");
            }
            addresses.add(resolved);
        }
        return addresses;
    }
}
