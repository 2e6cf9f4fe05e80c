package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import java.net.InetSocketAddress;

/** Where a {@link ServerEngine} reports what happens in the room. Called on the engine's thread. */
public interface ServerEventSink {
    /** A member joined; its join event has room sequence {@code sequence}. */
    void memberJoined(long sequence, String username, InetSocketAddress address);

    /** A message was accepted into the room. */
    void message(long sequence, String sender, String text, long timestampMillis);

    /** The server accepted a private message from {@code sender} to {@code recipient} (as the room knows the names). */
    void privateMessage(String sender, String recipient, String text, long timestampMillis);

    /**
     * A member left or was removed; its leave event has room sequence {@code sequence}, or 0 when
     * the server is closing and logs no more.
     */
    void memberLeft(long sequence, String username, InetSocketAddress address, CloseReason reason);
}
