package io.roomcast.internal.protocol;

import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;

/**
 * One member's messages on their way into the room: SEND slices (and PRIVATE_SEND slices, which
 * share the message ids) reassembled, accepted strictly in message-id order and each id once, within a window of ids and a budget of bytes held, checked
 * against the size limit, the rate limit and UTF-8. What is refused goes back to the member as
 * ERROR frames, in order with the rest; a lost ERROR is sent again.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class IncomingMessages {
    /** Where a complete message that passed every check goes. */
    interface Acceptor {
        /**
         * The message with {@code messageId} enters the room, or goes to {@code recipient} (unless
         * the room or the member is closing, when it is dropped unanswered). The acceptor may still
         * refuse it ({@link #refuse}).
         *
         * @param recipient the name a private message was sent to, or {@code null} for the room
         * @return {@code false} if the sender is no longer in the room: nothing more of its is taken
         */
        boolean accept(long messageId, String recipient, String text);
    }

    /** What {@link #take} made of a SEND slice. */
    enum Taken {
        /** Held, accepted or refused: the slice may be acknowledged. */
        TAKEN,
        /** Beyond the window or the memory budget: not acknowledged, so the member sends it again later. */
        NO_ROOM,
        /** It contradicts what arrived before (another total length): ignored. */
        INCONSISTENT
    }

    /** The most ERROR frames queued for one member; beyond it the member is removed. */
    static final int MAX_QUEUED_REFUSALS = 2 * ProtocolLimits.SEND_WINDOW;

    private final int maxMessageBytes;
    private final long bytesBudget;
    private final TokenBucket rateLimit;
    private final String rateLimitDetail;
    private final ServerStats stats;
    private long lastProcessedId;
    private final TreeMap<Long, Reassembly> reassemblies = new TreeMap<>();
    /** The recipients of private messages among {@link #reassemblies}, by id. */
    private final java.util.HashMap<Long, String> recipients = new java.util.HashMap<>(4);
    /** Ids of messages refused before they were complete (too large): processed in order as refusals. */
    private final TreeMap<Long, Frame.Error> refusedEarly = new TreeMap<>();
    /** ERROR frames to send, by message id: a refusal re-queued by a probe and a loss is held once. */
    private final LinkedHashMap<Long, Frame.Error> refusals = new LinkedHashMap<>();
    private long bytesHeld;

    /** @param stats where refusals by the rate limit are counted */
    IncomingMessages(int maxMessageBytes, TokenBucket rateLimit, String rateLimitDetail, ServerStats stats) {
        this.stats = stats;
        this.maxMessageBytes = maxMessageBytes;
        this.bytesBudget = ProtocolLimits.unconfirmedBudget(maxMessageBytes);
        this.rateLimit = rateLimit;
        this.rateLimitDetail = rateLimitDetail;
    }

    /** Bytes of incomplete or out-of-order messages held. */
    long bytesHeld() {
        return bytesHeld;
    }

    /** Messages held: incomplete, out of order, or refused early and waiting their turn. */
    int messagesHeld() {
        return reassemblies.size() + refusedEarly.size();
    }

    /**
     * Takes one SEND slice; every complete message that is next in order goes to {@code acceptor}
     * or is refused.
     */
    Taken take(Frame.Send send, long nowNanos, Acceptor acceptor) {
        return take(send.messageId(), null, send.totalLength(), send.offset(), send.data(), nowNanos, acceptor);
    }

    /** Takes one PRIVATE_SEND slice, as {@link #take(Frame.Send, long, Acceptor)}. */
    Taken take(Frame.PrivateSend send, long nowNanos, Acceptor acceptor) {
        return take(send.messageId(), send.recipient(), send.totalLength(), send.offset(), send.data(), nowNanos,
                acceptor);
    }

    private Taken take(long id, String recipient, int totalLength, int offset, byte[] data, long nowNanos,
                       Acceptor acceptor) {
        if (id <= lastProcessedId || refusedEarly.containsKey(id)) {
            return Taken.TAKEN; // a duplicate of something already taken
        }
        if (id > lastProcessedId + ProtocolLimits.SEND_WINDOW) {
            return Taken.NO_ROOM;
        }
        if (totalLength > maxMessageBytes) {
            Reassembly partial = reassemblies.remove(id);
            recipients.remove(id);
            if (partial != null) {
                bytesHeld -= partial.totalLength();
            }
            refusedEarly.put(id, new Frame.Error(id, ErrorCode.MESSAGE_TOO_LARGE, "message is "
                    + totalLength + " bytes of UTF-8; the room's limit is " + maxMessageBytes));
            processInOrder(nowNanos, acceptor);
            return Taken.TAKEN;
        }
        Reassembly reassembly = reassemblies.get(id);
        if (reassembly == null) {
            if (bytesHeld + totalLength > bytesBudget) {
                return Taken.NO_ROOM;
            }
            reassembly = new Reassembly(totalLength, nowNanos);
            reassemblies.put(id, reassembly);
            bytesHeld += totalLength;
            if (recipient != null) {
                recipients.put(id, recipient);
            }
        } else if (!java.util.Objects.equals(recipient, recipients.get(id))) {
            return Taken.INCONSISTENT; // a slice of a room message claims a recipient, or another one
        }
        if (!reassembly.add(totalLength, offset, data, nowNanos)) {
            return Taken.INCONSISTENT;
        }
        processInOrder(nowNanos, acceptor);
        return Taken.TAKEN;
    }

    private void processInOrder(long nowNanos, Acceptor acceptor) {
        while (true) {
            long next = lastProcessedId + 1;
            Frame.Error refusal = refusedEarly.remove(next);
            if (refusal != null) {
                lastProcessedId = next;
                refuse(refusal);
                continue;
            }
            Reassembly reassembly = reassemblies.get(next);
            if (reassembly == null || !reassembly.isComplete()) {
                return;
            }
            reassemblies.remove(next);
            String recipient = recipients.remove(next);
            bytesHeld -= reassembly.totalLength();
            lastProcessedId = next;
            if (!check(next, recipient, reassembly.bytes(), nowNanos, acceptor)) {
                return;
            }
        }
    }

    /** @return {@code false} if the sender left the room meanwhile */
    private boolean check(long id, String recipient, byte[] utf8, long nowNanos, Acceptor acceptor) {
        if (!rateLimit.tryTake(nowNanos)) {
            stats.rateLimited++;
            refuse(new Frame.Error(id, ErrorCode.RATE_LIMITED, rateLimitDetail));
            return true;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            refuse(new Frame.Error(id, ErrorCode.INVALID_MESSAGE, "the message is not valid UTF-8"));
            return true;
        }
        return acceptor.accept(id, recipient, text);
    }

    /**
     * {@code true} if more refusals wait than a member that acknowledges what it is sent can ever
     * cause (its send window allows {@link ProtocolLimits#SEND_WINDOW} unconfirmed messages; twice
     * that covers re-queued losses): the member ignores the protocol and is removed.
     */
    boolean tooManyRefusals() {
        return refusals.size() > MAX_QUEUED_REFUSALS;
    }

    /** Refuses the message with {@code messageId}: an ERROR frame goes back to the member. */
    void refuse(long messageId, ErrorCode code, String detail) {
        refuse(new Frame.Error(messageId, code, detail));
    }

    private void refuse(Frame.Error refusal) {
        if (refusals.putIfAbsent(refusal.messageId(), refusal) == null) {
            stats.refusals[refusal.code().ordinal()]++;
        }
    }

    /** {@code true} if ERROR frames wait to be sent. */
    boolean hasRefusals() {
        return !refusals.isEmpty();
    }

    /** Writes waiting ERROR frames as far as they fit, adding each to {@code written}. */
    void writeRefusals(ByteBuffer out, int limit, List<Frame.Error> written) {
        for (Iterator<Frame.Error> it = refusals.values().iterator(); it.hasNext(); ) {
            Frame.Error error = it.next();
            if (out.position() + error.encodedLength() > limit) {
                return;
            }
            it.remove();
            error.encode(out);
            written.add(error);
        }
    }

    /** The packet that carried {@code errors} was lost: they go again. */
    void lost(List<Frame.Error> errors) {
        for (Frame.Error error : errors) {
            refusals.putIfAbsent(error.messageId(), error);
        }
    }

    /** When the least recently progressing incomplete message counts as abandoned, given the idle timeout. */
    long staleAtNanos(long idleTimeoutNanos) {
        return Reassembly.abandonedAtNanos(reassemblies.values(), idleTimeoutNanos);
    }
}
