package io.roomcast;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A member of a room, as the server sees it.
 *
 * @param username the member's username as it chose it (after NFC normalisation), never {@code null}
 * @param address  the address its packets come from, never {@code null}
 */
public record Member(String username, InetSocketAddress address) {
    /**
     * Creates a member.
     *
     * @param username the username
     * @param address  the member's address
     * @throws NullPointerException if either argument is null
     */
    public Member {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(address, "address");
    }
}
