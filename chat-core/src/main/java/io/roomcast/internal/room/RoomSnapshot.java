package io.roomcast.internal.room;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A room's replicated state as bytes, for a backend's snapshot: the log's events (so that members
 * of a node that catches up can resume from it), the history, the members with the node serving
 * each, its address and its session (resume key included: a snapshot is as secret as the
 * cluster's traffic), the held names. The sessions held for members who left are not in it: a
 * node that caught up through a snapshot cannot resume them (their names stay reserved). Bans and mutes are not in it: they last on the node's own
 * clock. Bounded by what the room itself bounds: at most the log's capacity of events and
 * {@link RoomHistory#MAX_SIZE} history entries, at most {@link #MAX_EVENT_BYTES} of events, at most
 * {@link #MAX_MEMBERS} members and held names, each name valid and none twice.
 *
 * <p>Restoring is in two steps, so that a node applies a snapshot whole or not at all:
 * {@link #parse} reads and checks everything, {@link Parsed#applyTo} then changes the room.
 */
public final class RoomSnapshot {
    /** The first int of every snapshot. */
    static final int VERSION = 1;
    /** The most members, and the most held names, a snapshot may hold: the largest member limit a room may have. */
    public static final int MAX_MEMBERS = 0xFFFF;
    /** The most bytes of events (the log's and the history's together) a snapshot may hold. */
    public static final long MAX_EVENT_BYTES = 256L << 20;
    /** The most bytes one event may have. */
    static final int MAX_EVENT_SIZE = 64 << 20;
    /** The most bytes a resume id or key may have. */
    static final int MAX_KEY_SIZE = 255;
    /** Events are read in chunks of this size, so that memory follows the bytes that arrive, not those claimed. */
    private static final int CHUNK = 64 << 10;

    private RoomSnapshot() {
    }

    /** Writes {@code room}'s replicated state to {@code out}. */
    public static void write(Room room, DataOutput out) throws IOException {
        out.writeInt(VERSION);
        RoomLog log = room.log();
        out.writeLong(log.firstSequence());
        out.writeLong(log.nextSequence());
        for (long sequence = log.firstSequence(); sequence < log.nextSequence(); sequence++) {
            bytes(out, log.get(sequence));
        }
        RoomHistory.Snapshot history = room.history().snapshot();
        out.writeInt(history.count());
        for (int i = 0; i < history.count(); i++) {
            out.writeLong(history.sequences()[i]);
            bytes(out, history.events()[i]);
        }
        Map<String, Room.Seat> seats = room.seats();
        out.writeInt(seats.size());
        for (Map.Entry<String, Room.Seat> entry : seats.entrySet()) {
            out.writeUTF(room.member(entry.getKey()).orElseThrow());
            out.writeUTF(entry.getValue().node());
            InetSocketAddress address = entry.getValue().address();
            bytes(out, address == null ? new byte[0] : address.getAddress().getAddress());
            out.writeShort(address == null ? 0 : address.getPort());
            MemberSession session = room.sessions().get(entry.getKey());
            out.writeBoolean(session != null);
            if (session != null) {
                bytes(out, session.resumeId());
                bytes(out, session.resumeKey());
                out.writeLong(session.floor());
                out.writeLong(session.lastProcessedId());
            }
        }
        out.writeInt(room.held().size());
        for (Map.Entry<String, String> held : room.held().entrySet()) {
            out.writeUTF(held.getValue());
            out.writeLong(room.heldUntil(held.getKey()));
        }
        room.sanctions().writeTo(out);
    }

    /**
     * Replaces {@code room}'s replicated state with what {@link #write} wrote: {@link #parse}, then
     * {@link Parsed#applyTo}.
     *
     * @throws IOException if {@code in} fails or holds no snapshot of this version this room can
     *                     take; the room is then unchanged
     */
    public static void read(Room room, DataInput in) throws IOException {
        parse(room, in).applyTo(room);
    }

    /**
     * Reads and checks a snapshot {@link #write} wrote, for {@code room} (whose limits bound it),
     * without changing the room.
     *
     * @throws IOException if {@code in} fails, holds no snapshot of this version, or one beyond
     *                     the room's limits or with a name that breaks the rule or comes twice
     */
    public static Parsed parse(Room room, DataInput in) throws IOException {
        if (in.readInt() != VERSION) {
            throw new IOException("not a room snapshot of version " + VERSION);
        }
        long first = in.readLong();
        long next = in.readLong();
        if (first < 1 || next < first || next - first > room.log().capacity()) {
            throw new IOException("a room log from " + first + " to " + next + ", for a log of "
                    + room.log().capacity() + " events");
        }
        long[] budget = {MAX_EVENT_BYTES};
        List<byte[]> events = new ArrayList<>();
        for (long sequence = first; sequence < next; sequence++) {
            events.add(event(in, budget));
        }
        int historyCount = count(in, RoomHistory.MAX_SIZE, "history entries");
        long[] historySequences = new long[historyCount];
        byte[][] historyEvents = new byte[historyCount][];
        for (int i = 0; i < historyCount; i++) {
            historySequences[i] = in.readLong();
            historyEvents[i] = event(in, budget);
        }
        int memberCount = count(in, MAX_MEMBERS, "members");
        Set<String> keys = new HashSet<>();
        List<String> names = new ArrayList<>();
        List<Room.Seat> seats = new ArrayList<>();
        List<MemberSession> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < memberCount; i++) {
                names.add(name(in, keys));
                String node = in.readUTF();
                if (node.isEmpty() || node.length() > Command.MAX_NODE_ID_LENGTH) {
                    throw new IOException("a node id of " + node.length() + " characters");
                }
                byte[] address = small(in, MAX_KEY_SIZE);
                int port = in.readUnsignedShort();
                if (address.length != 0 && address.length != 4 && address.length != 16) {
                    throw new IOException("an address of " + address.length + " bytes");
                }
                seats.add(new Room.Seat(node, address.length == 0 ? null
                        : new InetSocketAddress(InetAddress.getByAddress(address), port)));
                sessions.add(null); // a place for its session, so that a failure below wipes what was read
                if (in.readBoolean()) {
                    byte[] resumeId = small(in, MAX_KEY_SIZE);
                    byte[] resumeKey = new byte[0];
                    try {
                        resumeKey = small(in, MAX_KEY_SIZE);
                        sessions.set(i, new MemberSession(resumeId, resumeKey, in.readLong(), in.readLong()));
                    } finally {
                        Arrays.fill(resumeKey, (byte) 0); // the session holds its own copy
                    }
                }
            }
            int heldCount = count(in, MAX_MEMBERS, "held names");
            List<String> held = new ArrayList<>();
            long[] heldUntil = new long[heldCount];
            for (int i = 0; i < heldCount; i++) {
                held.add(name(in, keys));
                heldUntil[i] = in.readLong();
            }
            Sanctions.Parsed sanctions = Sanctions.parse(in);
            return new Parsed(first, events, historySequences, historyEvents, names, seats, sessions, held, heldUntil,
                    sanctions);
        } catch (IOException | RuntimeException e) {
            sessions.stream().filter(Objects::nonNull).forEach(MemberSession::wipe);
            throw e;
        }
    }

    /**
     * A snapshot read and checked, not yet applied: {@link #applyTo} it, or {@link #discard} it
     * (its resume keys are wiped).
     */
    public static final class Parsed {
        private final long first;
        private final List<byte[]> events;
        private final long[] historySequences;
        private final byte[][] historyEvents;
        private final List<String> names;
        private final List<Room.Seat> seats;
        private final List<MemberSession> sessions;
        private final List<String> held;
        private final long[] heldUntil;
        private final Sanctions.Parsed sanctions;

        private Parsed(long first, List<byte[]> events, long[] historySequences, byte[][] historyEvents,
                       List<String> names, List<Room.Seat> seats, List<MemberSession> sessions, List<String> held,
                       long[] heldUntil, Sanctions.Parsed sanctions) {
            this.heldUntil = heldUntil;
            this.sanctions = sanctions;
            this.first = first;
            this.events = events;
            this.historySequences = historySequences;
            this.historyEvents = historyEvents;
            this.names = names;
            this.seats = seats;
            this.sessions = sessions;
            this.held = held;
        }

        /** Replaces {@code room}'s replicated state with this one; the sessions are the room's from now on. Throws nothing. */
        public void applyTo(Room room) {
            room.log().restartAt(first);
            events.forEach(room.log()::append);
            room.history().clear();
            for (int i = 0; i < historySequences.length; i++) {
                room.history().add(historySequences[i], historyEvents[i]);
            }
            room.clearMembers();
            for (int i = 0; i < names.size(); i++) {
                room.restore(names.get(i), seats.get(i));
                if (sessions.get(i) != null) {
                    room.session(names.get(i), sessions.get(i));
                }
            }
            for (int i = 0; i < held.size(); i++) {
                room.hold(held.get(i), heldUntil[i], Long.MIN_VALUE);
            }
            sanctions.applyTo(room.sanctions());
        }

        /** Wipes the resume keys of a snapshot that will not be applied. */
        public void discard() {
            sessions.stream().filter(Objects::nonNull).forEach(MemberSession::wipe);
        }
    }

    private static void bytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** An event of at most {@link #MAX_EVENT_SIZE} bytes and what is left of {@code budget}, read in chunks. */
    private static byte[] event(DataInput in, long[] budget) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_EVENT_SIZE || length > budget[0]) {
            throw new IOException("an event of " + length + " bytes, with " + budget[0] + " left to the snapshot");
        }
        budget[0] -= length;
        if (length <= CHUNK) {
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            return bytes;
        }
        List<byte[]> chunks = new ArrayList<>();
        for (int left = length; left > 0; left -= CHUNK) {
            byte[] chunk = new byte[Math.min(left, CHUNK)];
            in.readFully(chunk);
            chunks.add(chunk);
        }
        byte[] bytes = new byte[length];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, bytes, at, chunk.length);
            at += chunk.length;
        }
        return bytes;
    }

    /** A short byte string (an address, a resume id or key) of at most {@code max} bytes. */
    private static byte[] small(DataInput in, int max) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > max) {
            throw new IOException("a field of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** A username that follows the rule and whose key is not in {@code keys} yet (it is added). */
    private static String name(DataInput in, Set<String> keys) throws IOException {
        String name = in.readUTF();
        Optional<String> problem = Username.problem(name);
        if (problem.isPresent()) {
            throw new IOException("a name in the snapshot breaks the rule: " + problem.get());
        }
        if (!keys.add(Username.key(name))) {
            throw new IOException("the name '" + name + "' is in the snapshot twice");
        }
        return name;
    }

    private static int count(DataInput in, int max, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > max) {
            throw new IOException(count + " " + what + " in a snapshot, at most " + max);
        }
        return count;
    }
}
