package io.roomcast.examples;

import io.roomcast.Member;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The address each member of the server's room joined from, kept from the server listener's
 * joins and leaves ({@link io.roomcast.ChatServer#members()} gives names only), which come in
 * room order, so a leave always precedes the same name's next join. Written on the
 * server's dispatcher thread, read on the console's: thread-safe.
 */
final class MemberAddresses {
    private final Map<String, InetSocketAddress> byName = new ConcurrentHashMap<>();

    void joined(Member member) {
        byName.put(member.username(), member.address());
    }

    void left(Member member) {
        byName.remove(member.username()); // by name: its address may have changed since it joined
    }

    /** The address {@code username} (as the room spells it) joined from, or {@code null} if it is not known. */
    InetSocketAddress of(String username) {
        return byName.get(username);
    }

    /** A copy of every known member's address. */
    Map<String, InetSocketAddress> snapshot() {
        return Map.copyOf(byName);
    }
}
