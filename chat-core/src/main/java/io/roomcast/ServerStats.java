package io.roomcast;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ChatServer} has done since it started: an immutable snapshot
 * ({@link ChatServer#stats()}). The server counts on its I/O thread without locks; a snapshot is
 * copied there, so its numbers are consistent with each other.
 *
 * @param members            members in the room now
 * @param messagesAccepted   room messages accepted (announcements and private messages not included)
 * @param deliveries         room events after their joins (messages, joins, leaves, announcements;
 *                           not history) members reported delivered to their applications, summed
 *                           over members
 * @param privateMessages    private messages accepted and delivered to their recipient's stream
 * @param refusals           messages (room and private) refused, by reason; every reason present
 * @param datagramsIn        datagrams received
 * @param bytesIn            bytes of datagrams received
 * @param datagramsOut       datagrams sent
 * @param bytesOut           bytes of datagrams sent
 * @param droppedMalformed   datagrams dropped because they were not valid packets
 * @param droppedUnauthenticated packets for a known connection dropped because they did not open
 *                           (forged or damaged), or for no known connection
 * @param droppedReplayed    packets dropped because they had arrived before
 * @param throttledHandshakes handshakes refused because their address guessed too many passwords
 * @param departures         members that left or were removed, by reason; every reason present
 */
public record ServerStats(int members, long messagesAccepted, long deliveries, long privateMessages,
                          Map<RefusalReason, Long> refusals, long datagramsIn, long bytesIn, long datagramsOut,
                          long bytesOut, long droppedMalformed, long droppedUnauthenticated, long droppedReplayed,
                          long throttledHandshakes, Map<LeaveReason, Long> departures) {
    /**
     * A snapshot.
     *
     * @param members                members in the room now
     * @param messagesAccepted       room messages accepted
     * @param deliveries             room events members reported delivered
     * @param privateMessages        private messages accepted
     * @param refusals               refused messages by reason (copied; missing reasons count 0)
     * @param datagramsIn            datagrams received
     * @param bytesIn                bytes received
     * @param datagramsOut           datagrams sent
     * @param bytesOut               bytes sent
     * @param droppedMalformed       malformed datagrams dropped
     * @param droppedUnauthenticated packets that did not open, or for no connection, dropped
     * @param droppedReplayed        packets that arrived twice, dropped
     * @param throttledHandshakes    handshakes refused by the guess throttle
     * @param departures             departures by reason (copied; missing reasons count 0)
     * @throws NullPointerException if a map is null
     */
    public ServerStats {
        refusals = complete(RefusalReason.class, Objects.requireNonNull(refusals, "refusals"));
        departures = complete(LeaveReason.class, Objects.requireNonNull(departures, "departures"));
    }

    /** The public snapshot of the engine's counters; all zeros for {@code null} (a server not started). */
    static ServerStats of(io.roomcast.internal.protocol.ServerStats counts) {
        if (counts == null) {
            return new ServerStats(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
        }
        Map<RefusalReason, Long> refusals = new EnumMap<>(RefusalReason.class);
        for (ErrorCode code : ErrorCode.values()) {
            RefusalReason reason = RefusalReasons.of(code);
            if (reason != null) {
                refusals.merge(reason, counts.refusals[code.ordinal()], Long::sum);
            }
        }
        Map<LeaveReason, Long> departures = new EnumMap<>(LeaveReason.class);
        for (CloseReason reason : CloseReason.values()) {
            departures.merge(LeaveReasons.of(reason), counts.departures[reason.ordinal()], Long::sum);
        }
        return new ServerStats(counts.members, counts.messagesAccepted, counts.deliveries, counts.privateMessages,
                refusals, counts.datagramsIn, counts.bytesIn, counts.datagramsOut, counts.bytesOut, counts.malformed,
                counts.unauthenticated + counts.unknownConnection, counts.duplicatePackets, counts.throttled,
                departures);
    }

    private static <E extends Enum<E>> Map<E, Long> complete(Class<E> type, Map<E, Long> counts) {
        EnumMap<E, Long> all = new EnumMap<>(type);
        for (E key : type.getEnumConstants()) {
            all.put(key, counts.getOrDefault(key, 0L));
        }
        return Collections.unmodifiableMap(all);
    }
}
