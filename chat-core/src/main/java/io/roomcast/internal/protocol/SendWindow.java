package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client's messages until the room confirms or refuses them: each gets the next message id,
 * goes out as SEND slices (PRIVATE_SEND for a private message) in id order ({@link SliceRule}), and what was in a lost packet goes
 * again first. At most {@link ProtocolLimits#SEND_WINDOW} messages are unconfirmed at once, and
 * the bytes that have started to go out stay within what the server holds for one member
 * ({@link ProtocolLimits#unconfirmedBudget}).
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class SendWindow {
    /** A message not yet confirmed; {@code sentOffset} is how much of it has gone out once. */
    static final class Outgoing {
        final long id;
        /** The recipient of a private message, or {@code null} for the room. */
        final String recipient;
        final String text;
        final byte[] utf8;
        int sentOffset;
        boolean started;

        Outgoing(long id, String recipient, String text) {
            this.id = id;
            this.recipient = recipient;
            this.text = text;
            this.utf8 = text.getBytes(StandardCharsets.UTF_8);
        }

        /** Bytes of each slice's frame besides its data. */
        int overheadBytes() {
            return recipient == null ? Frame.Send.OVERHEAD_BYTES : Frame.PrivateSend.overheadBytes(recipient);
        }
    }

    private final int maxMessageBytes;
    private final long bytesBudget;
    private final TreeMap<Long, Outgoing> unconfirmed = new TreeMap<>();
    private final ResendQueue retransmit = new ResendQueue();
    private long nextMessageId = 1;
    /** Messages go out in id order: every one below this id has been sent in full. */
    private long firstUnsentId;
    /** Bytes of unconfirmed messages that have started to go out (what the server may be holding). */
    private long startedBytes;

    /** @param maxMessageBytes the room's limit, which sets the budget of bytes in flight */
    SendWindow(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.bytesBudget = ProtocolLimits.unconfirmedBudget(maxMessageBytes);
    }

    /** The room's limit on a message this window was made for. */
    int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Queues a message for the room; returns its id. */
    long add(String text) {
        return add(null, text);
    }

    /** Queues a message for {@code recipient} ({@code null}: the room); returns its id. */
    long add(String recipient, String text) {
        long id = nextMessageId++;
        unconfirmed.put(id, new Outgoing(id, recipient, text));
        return id;
    }

    /** Messages not yet confirmed or refused. */
    int size() {
        return unconfirmed.size();
    }

    boolean isEmpty() {
        return unconfirmed.isEmpty();
    }

    /**
     * Takes a confirmed or refused message out of the window.
     *
     * @return the message, or null if it was not (or no longer) waiting
     */
    Outgoing settle(long id) {
        Outgoing message = unconfirmed.remove(id);
        if (message != null) {
            if (message.started) {
                startedBytes -= message.utf8.length;
            }
            retransmit.drop(item -> item == id);
        }
        return message;
    }

    /** Takes every message out of the window, in id order: the session they were sent in is gone. */
    List<Outgoing> takeAll() {
        List<Outgoing> all = List.copyOf(unconfirmed.values());
        for (Outgoing message : all) {
            settle(message.id);
        }
        return all;
    }

    /** The packet that carried {@code pieces} was lost: those still unconfirmed go again. */
    void lost(List<ResendQueue.Piece> pieces) {
        retransmit.lost(pieces, unconfirmed::containsKey);
    }

    /** {@code true} if something may go out now with {@code packetsInFlight} in flight. */
    boolean hasSomethingToSend(int packetsInFlight) {
        return !retransmit.isEmpty() || canSendNew(packetsInFlight);
    }

    /** Writes lost slices, then new ones, as far as the packet and the windows allow, into {@code pieces}. */
    void write(ByteBuffer out, int limit, int packetsInFlight, List<ResendQueue.Piece> pieces) {
        boolean resent = retransmit.writeInto((id, offset, length) -> {
            Outgoing message = unconfirmed.get(id);
            return message == null ? ResendQueue.GONE : writeSlice(out, limit, message, offset, length, pieces);
        });
        if (!resent) {
            return;
        }
        while (canSendNew(packetsInFlight)) {
            Outgoing message = nextNew();
            int length = message.utf8.length - message.sentOffset;
            int written = writeSlice(out, limit, message, message.sentOffset, length, pieces);
            if (written == SliceRule.WAIT) {
                return;
            }
            if (!message.started) {
                message.started = true;
                startedBytes += message.utf8.length;
            }
            message.sentOffset += written;
            if (message.sentOffset == message.utf8.length) {
                firstUnsentId = message.id + 1;
            }
            if (written < length) {
                return;
            }
        }
    }

    private static int writeSlice(ByteBuffer out, int limit, Outgoing message, int offset, int length,
                                  List<ResendQueue.Piece> pieces) {
        int overhead = message.overheadBytes();
        int data = SliceRule.bytesToWrite(limit - out.position(), overhead, overhead, message.utf8.length, offset,
                length);
        if (data == SliceRule.WAIT) {
            return data;
        }
        byte[] slice = Arrays.copyOfRange(message.utf8, offset, offset + data);
        if (message.recipient == null) {
            new Frame.Send(message.id, message.utf8.length, offset, slice).encode(out);
        } else {
            new Frame.PrivateSend(message.id, message.recipient, message.utf8.length, offset, slice).encode(out);
        }
        pieces.add(new ResendQueue.Piece(message.id, offset, data));
        return data;
    }

    /**
     * The session resumed on a new connection: every message not confirmed goes again from its
     * start, with its id, except those the room had already processed ({@code id <= lastProcessedId}),
     * which are handed to {@code processed} (it settles them or leaves them to the replayed log).
     */
    void rewind(long lastProcessedId, java.util.function.Consumer<Outgoing> processed) {
        retransmit.drop(item -> true);
        startedBytes = 0;
        for (Outgoing message : unconfirmed.values().toArray(Outgoing[]::new)) {
            message.sentOffset = 0;
            message.started = false;
            if (message.id <= lastProcessedId) {
                processed.accept(message);
            }
        }
        firstUnsentId = Math.max(lastProcessedId + 1, unconfirmed.isEmpty() ? 0 : unconfirmed.firstKey());
    }

    private boolean canSendNew(int packetsInFlight) {
        if (packetsInFlight >= ProtocolLimits.CLIENT_PACKET_WINDOW || unconfirmed.isEmpty()) {
            return false;
        }
        Outgoing next = nextNew();
        if (next == null || next.id >= unconfirmed.firstKey() + ProtocolLimits.SEND_WINDOW) {
            return false;
        }
        if (next.started || next.id == unconfirmed.firstKey()) {
            return true;
        }
        // stay within what the server holds for one member while messages wait their turn
        return startedBytes + next.utf8.length <= bytesBudget;
    }

    /** The first message not yet sent in full, or null: found from a cursor, not by a scan of the window. */
    private Outgoing nextNew() {
        Map.Entry<Long, Outgoing> next = unconfirmed.ceilingEntry(firstUnsentId);
        return next == null ? null : next.getValue();
    }
}
