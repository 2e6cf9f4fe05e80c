package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.AckFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The receiving side of packet numbers: which arrived (as ranges, for ACK frames and to drop
 * duplicates) and when an acknowledgement is owed. Ack-eliciting packets are acknowledged
 * within {@link #MAX_ACK_DELAY_NANOS}, or at once when two are waiting or one arrived out of
 * order. Not thread-safe.
 */
final class ReceivedPackets {
    /** The longest an acknowledgement is held back, hoping to ride on data. */
    static final long MAX_ACK_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Ranges of received packet numbers: start → end, inclusive; at most {@link AckFrame#MAX_RANGES}. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    /** Packet numbers up to this one are treated as seen: their ranges were forgotten. */
    private long forgottenUpTo = -1;
    /** The largest packet number processed; 0 before any (packet numbers start at 1). */
    private long largest;
    private long largestReceivedAtNanos;
    private int unacknowledgedElicitingPackets;
    private long ackDueAtNanos = Long.MAX_VALUE;

    /** {@code true} if {@code packetNumber} arrived before or is too old to tell. */
    boolean isDuplicate(long packetNumber) {
        if (packetNumber <= forgottenUpTo) {
            return true; // older than anything remembered: treat as seen, so nothing is processed twice
        }
        Map.Entry<Long, Long> range = ranges.floorEntry(packetNumber);
        return range != null && packetNumber <= range.getValue();
    }

    /** Records a packet that was processed. */
    void record(long packetNumber, boolean ackEliciting, long nowNanos) {
        boolean outOfOrder = packetNumber != largest + 1; // numbering starts at 1: a first packet 2 means 1 is missing
        add(packetNumber);
        if (packetNumber > largest) {
            largest = packetNumber;
            largestReceivedAtNanos = nowNanos;
        }
        if (!ackEliciting) {
            return;
        }
        unacknowledgedElicitingPackets++;
        if (outOfOrder || unacknowledgedElicitingPackets >= 2) {
            ackDueAtNanos = nowNanos;
        } else {
            ackDueAtNanos = Math.min(ackDueAtNanos, nowNanos + MAX_ACK_DELAY_NANOS);
        }
    }

    /** A duplicate arrived: the peer may have missed our acknowledgement, so send one soon. */
    void duplicateReceived(long nowNanos) {
        if (!ranges.isEmpty()) {
            ackDueAtNanos = Math.min(ackDueAtNanos, nowNanos);
        }
    }

    /** When an ACK must go out, or {@link Long#MAX_VALUE}. */
    long ackDueAtNanos() {
        return ackDueAtNanos;
    }

    /** {@code true} if an ACK is owed now or soon: worth adding to any packet being sent. */
    boolean ackPending() {
        return ackDueAtNanos != Long.MAX_VALUE;
    }

    /** An ACK frame for everything remembered; afterwards no acknowledgement is owed. */
    AckFrame buildAck(long nowNanos) {
        List<AckFrame.Range> list = new ArrayList<>(ranges.size());
        for (Map.Entry<Long, Long> range : ranges.descendingMap().entrySet()) {
            list.add(new AckFrame.Range(range.getKey(), range.getValue()));
        }
        long delayMicros = Math.min(TimeUnit.NANOSECONDS.toMicros(Math.max(0, nowNanos - largestReceivedAtNanos)),
                0xFFFF_FFFFL);
        unacknowledgedElicitingPackets = 0;
        ackDueAtNanos = Long.MAX_VALUE;
        return new AckFrame(list, delayMicros);
    }

    private void add(long pn) {
        Map.Entry<Long, Long> below = ranges.floorEntry(pn);
        if (below != null && pn <= below.getValue()) {
            return;
        }
        long start = pn;
        long end = pn;
        if (below != null && below.getValue() == pn - 1) {
            start = below.getKey();
        }
        Long aboveEnd = ranges.get(pn + 1);
        if (aboveEnd != null) {
            ranges.remove(pn + 1);
            end = aboveEnd;
        }
        ranges.put(start, end);
        while (ranges.size() > AckFrame.MAX_RANGES) {
            // forget the oldest: isDuplicate() then treats it and anything older as seen
            forgottenUpTo = Math.max(forgottenUpTo, ranges.pollFirstEntry().getValue());
        }
    }
}
