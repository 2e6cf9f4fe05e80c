package io.roomcast.cluster;

import io.roomcast.spi.RoomCommand;
import java.nio.charset.StandardCharsets;

/** A tiny room command: {@code S|origin|text} (someone on node origin says text) or {@code L|node} (node lost). */
record TestCommand(String encoded) implements RoomCommand {
    static TestCommand say(String origin, String text) {
        return new TestCommand("S|" + origin + "|" + text);
    }

    static TestCommand lost(String node) {
        return new TestCommand("L|" + node);
    }

    static TestCommand decode(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        if (!s.startsWith("S|") && !s.startsWith("L|")) {
            throw new IllegalArgumentException("not a test command: " + s);
        }
        return new TestCommand(s);
    }

    boolean isLost() {
        return encoded.startsWith("L|");
    }

    /** The node a say came from, or the node a lost names. */
    String node() {
        String[] parts = encoded.split("\\|", 3);
        return parts[1];
    }

    @Override
    public byte[] toBytes() {
        return encoded.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return encoded;
    }
}
