package io.roomcast.internal.protocol;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * What was in lost packets and must go out again, as pieces of items (room events on the
 * server, messages on the client), oldest first. Re-sent pieces go before anything new, and a
 * piece the packet cannot take whole is split, its rest staying at the front.
 *
 * <p>Not thread-safe: owned by the engine's thread.
 */
final class ResendQueue {
    /** Bytes {@code offset} to {@code offset + length} of the item numbered {@code item}. */
    record Piece(long item, int offset, int length) {
    }

    /** Writes a piece into the packet being filled. */
    interface Writer {
        /**
         * @return the bytes written from {@code offset}; {@link SliceRule#WAIT} if nothing fits now;
         *         or {@link #GONE} if the item no longer needs sending
         */
        int write(long item, int offset, int length);
    }

    /** What a {@link Writer} returns for an item that no longer needs sending. */
    static final int GONE = -2;

    private final ArrayDeque<Piece> pieces = new ArrayDeque<>();

    /** Queues the pieces of a lost packet whose items {@code stillWanted} accepts. */
    void lost(List<Piece> lost, LongPredicate stillWanted) {
        for (Piece piece : lost) {
            if (stillWanted.test(piece.item())) {
                pieces.add(piece);
            }
        }
    }

    /** Drops every piece of the items {@code settled} accepts. */
    void drop(LongPredicate settled) {
        pieces.removeIf(piece -> settled.test(piece.item()));
    }

    boolean isEmpty() {
        return pieces.isEmpty();
    }

    int size() {
        return pieces.size();
    }

    /**
     * Writes queued pieces while the packet takes them.
     *
     * @return {@code true} if the queue is now empty, so new data may follow in the same packet
     */
    boolean writeInto(Writer writer) {
        while (!pieces.isEmpty()) {
            Piece piece = pieces.peek();
            int written = writer.write(piece.item(), piece.offset(), piece.length());
            if (written == GONE) {
                pieces.poll();
                continue;
            }
            if (written == SliceRule.WAIT) {
                return false;
            }
            pieces.poll();
            if (written < piece.length()) {
                pieces.addFirst(new Piece(piece.item(), piece.offset() + written, piece.length() - written));
                return false;
            }
        }
        return true;
    }
}
