package io.roomcast.internal.protocol;

import io.roomcast.internal.room.TokenBucket;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;

/**
 * One member's messages on their way into the room: SEND slices (and PRIVATE_SEND slices, which
 * share the message ids) reassembled, accepted strictly in message-id order and each id once, within a window of ids and a budget of bytes held
 * ({@link #budgetBytes}; a slice beyond it is not taken, so the member sends it again later) and
 * the room's budget for every member's incomplete messages (a message that finds it spent is
 * refused, and what arrived of it freed), checked against the size limit, the rate limit and
 * UTF-8. What is refused goes back to the member as ERROR frames with fixed details, in order
 * with the rest; a lost ERROR is sent again.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class IncomingMessages {
    /** Where a complete message that passed every check goes. */
    interface Acceptor {
        /**
         * The message with {@code messageId} enters the room, or goes to {@code recipient} (unless
         * the room or the member is closing, when it is dropped unanswered). The acceptor may still
         * refuse it ({@link #refuse(long, ErrorCode, String)}).
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
    /** The detail of a refusal for invalid UTF-8. */
    static final String INVALID_UTF8_DETAIL = "the message is not valid UTF-8";
    /**
     * The detail of a refusal because every member's incomplete messages together hold the room's
     * budget ({@link ServerConfig#reassemblyBytes}): the member may send the message again.
     */
    static final String ROOM_BUDGET_DETAIL = "the room is holding too many incomplete messages; send it again later";

    /**
     * The details of the refusals whose text depends on the room's settings, made once per room:
     * a refusal never formats a string, least of all with what a member claimed.
     *
     * @param tooLarge    for a message over the room's size limit
     * @param rateLimited for a message over the member's rate limit
     */
    record Details(String tooLarge, String rateLimited) {
        static Details of(ServerConfig config) {
            return new Details("the message is larger than the room's limit of " + config.maxMessageBytes()
                    + " bytes of UTF-8", "sending faster than the room allows (" + config.messagesPerSecond()
                    + " messages/s, bursts of " + config.messageBurst() + ")");
        }
    }

    private final int maxMessageBytes;
    private final TokenBucket rateLimit;
    private final Details details;
    private final ServerStats stats;
    private long lastProcessedId;
    private final Reassemblies reassemblies;
    /** The recipients of private messages among {@link #reassemblies}, by id. */
    private final java.util.HashMap<Long, String> recipients = new java.util.HashMap<>(4);
    /** Ids of messages refused before they were complete: processed in order as refusals. */
    private final TreeMap<Long, Frame.Error> refusedEarly = new TreeMap<>();
    /** ERROR frames to send, by message id: a refusal re-queued by a probe and a loss is held once. */
    private final LinkedHashMap<Long, Frame.Error> refusals = new LinkedHashMap<>();

    /**
     * @param roomBudget the budget every member's incomplete messages share
     * @param stats      where refusals by the rate limit are counted
     */
    IncomingMessages(int maxMessageBytes, TokenBucket rateLimit, Details details, ByteBudget roomBudget,
                     ServerStats stats) {
        this.stats = stats;
        this.maxMessageBytes = maxMessageBytes;
        this.reassemblies = new Reassemblies(budgetBytes(maxMessageBytes), roomBudget);
        this.rateLimit = rateLimit;
        this.details = details;
    }

    /**
     * The most bytes one member's incomplete messages hold, every buffer counted: what a client
     * within its own budget ({@link ProtocolLimits#unconfirmedBudget}, at most
     * {@link ProtocolLimits#SEND_WINDOW} messages) can have started, with the bookkeeping of
     * that many reassemblies; so a client that keeps the protocol never finds it full.
     */
    static long budgetBytes(int maxMessageBytes) {
        return Reassembly.footprintOfMany(ProtocolLimits.unconfirmedBudget(maxMessageBytes), ProtocolLimits.SEND_WINDOW);
    }

    /** Bytes of incomplete or out-of-order messages held, every buffer counted. */
    long bytesHeld() {
        return reassemblies.bytesHeld();
    }

    /** Messages held: incomplete, out of order, or refused early and waiting their turn. */
    int messagesHeld() {
        return reassemblies.size() + refusedEarly.size();
    }

    /** ERROR frames waiting to be sent. */
    int refusalsQueued() {
        return refusals.size();
    }

    /** The id of the last message processed (accepted or refused), in order: ids up to it are duplicates. */
    long lastProcessedId() {
        return lastProcessedId;
    }

    /**
     * A resumed member's messages continue after {@code id}, the last its earlier session had
     * processed: ids up to it are duplicates, taken once.
     */
    void continueAfter(long id) {
        lastProcessedId = id;
    }

    /** Messages refused before they were complete, waiting their turn. */
    int refusedEarlyCount() {
        return refusedEarly.size();
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
            refuseEarly(id, ErrorCode.MESSAGE_TOO_LARGE, details.tooLarge(), nowNanos, acceptor);
            return Taken.TAKEN;
        }
        String known = recipients.get(id);
        if (known != null ? !known.equals(recipient) : recipient != null && reassemblies.contains(id)) {
            return Taken.INCONSISTENT; // a slice of a room message claims a recipient, or another one
        }
        Reassemblies.Added added = reassemblies.add(id, totalLength, offset, data, nowNanos, false);
        if (recipient != null && reassemblies.contains(id)) {
            recipients.putIfAbsent(id, recipient); // at most one per id in the window: bounded by it
        }
        switch (added) {
            case NO_ROOM -> {
                return Taken.NO_ROOM;
            }
            case INCONSISTENT -> {
                return Taken.INCONSISTENT;
            }
            case SHARED_BUDGET_SPENT -> {
                // the room holds all it may of incomplete messages: this one is refused, not left waiting
                refuseEarly(id, ErrorCode.RATE_LIMITED, ROOM_BUDGET_DETAIL, nowNanos, acceptor);
                return Taken.TAKEN;
            }
            default -> {
                processInOrder(nowNanos, acceptor);
                return Taken.TAKEN;
            }
        }
    }

    /** Refuses message {@code id} before it is complete, letting go of what arrived of it. */
    private void refuseEarly(long id, ErrorCode code, String detail, long nowNanos, Acceptor acceptor) {
        reassemblies.remove(id);
        recipients.remove(id);
        refusedEarly.put(id, new Frame.Error(id, code, detail));
        processInOrder(nowNanos, acceptor);
    }

    /** The member is gone: what its incomplete messages held goes back to the room's budget. */
    void release() {
        reassemblies.clear();
        recipients.clear();
        refusedEarly.clear();
        refusals.clear();
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
            byte[] whole = reassemblies.takeComplete(next);
            if (whole == null) {
                return;
            }
            lastProcessedId = next;
            if (!check(next, recipients.remove(next), whole, nowNanos, acceptor)) {
                return;
            }
        }
    }

    /** @return {@code false} if the sender left the room meanwhile */
    private boolean check(long id, String recipient, byte[] utf8, long nowNanos, Acceptor acceptor) {
        if (!rateLimit.tryTake(nowNanos)) {
            stats.rateLimited++;
            refuse(new Frame.Error(id, ErrorCode.RATE_LIMITED, details.rateLimited()));
            return true;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            refuse(new Frame.Error(id, ErrorCode.INVALID_MESSAGE, INVALID_UTF8_DETAIL));
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

    /** Refuses the message with {@code messageId}: an ERROR frame with this fixed detail goes back to the member. */
    void refuse(long messageId, ErrorCode code, String detail) {
        refuse(new Frame.Error(messageId, code, detail));
    }

    private void refuse(Frame.Error refusal) {
        if (queue(refusal)) {
            stats.refusals[refusal.code().ordinal()]++;
        }
    }

    /**
     * Queues an ERROR frame, unless the queue is already past its cap: a member there is removed at
     * the engine's next look, and one whose connection is closing is sent nothing more, so the queue
     * never holds more than one past {@link #MAX_QUEUED_REFUSALS}, whatever arrives meanwhile.
     *
     * @return {@code true} if it was queued anew
     */
    private boolean queue(Frame.Error refusal) {
        if (refusals.size() > MAX_QUEUED_REFUSALS) {
            return false;
        }
        return refusals.putIfAbsent(refusal.messageId(), refusal) == null;
    }

    /**
     * The refusals the member has not acknowledged: those queued and those in packets still in
     * flight ({@code inFlight}), in message-id order, at most {@link #MAX_QUEUED_REFUSALS} (the
     * lowest ids kept): what a held session keeps so that the refusals reach the client when it
     * resumes ({@link #requeue}).
     */
    List<Frame.Error> unacknowledgedRefusals(List<Frame.Error> inFlight) {
        TreeMap<Long, Frame.Error> byId = new TreeMap<>();
        for (Frame.Error error : refusals.values()) {
            byId.putIfAbsent(error.messageId(), error);
        }
        for (Frame.Error error : inFlight) {
            byId.putIfAbsent(error.messageId(), error);
        }
        List<Frame.Error> kept = new ArrayList<>(Math.min(byId.size(), MAX_QUEUED_REFUSALS));
        for (Frame.Error error : byId.values()) {
            if (kept.size() == MAX_QUEUED_REFUSALS) {
                break;
            }
            kept.add(error);
        }
        return kept;
    }

    /**
     * A resumed member's refusals its earlier session had not had acknowledged go out first
     * (counted already when they were made); at most {@link #MAX_QUEUED_REFUSALS} of them.
     */
    void requeue(List<Frame.Error> errors) {
        for (Frame.Error error : errors) {
            queue(error);
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
            queue(error);
        }
    }

    /** When the least recently progressing incomplete message counts as abandoned, given the idle timeout. */
    long staleAtNanos(long idleTimeoutNanos) {
        return reassemblies.staleAtNanos(idleTimeoutNanos);
    }
}
