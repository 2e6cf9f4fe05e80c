package io.roomcast.internal.room;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A room's replicated state as bytes, for a backend's snapshot: the log's events (so that members
 * of a node that catches up can resume from it), the history, the members with the node serving
 * each, its address and its session (resume key included: a snapshot is as secret as the
 * cluster's traffic), the held names. The sessions held for members who left are not in it: a
 * node that caught up through a snapshot cannot resume them (their names stay reserved). Bans and mutes are not in it: they last on the node's own
 * clock. Bounded by what the room itself bounds (the log's and history's bytes, the member limit).
 */
public final class RoomSnapshot {
    /** The first int of every snapshot. */
    static final int VERSION = 1;
    /** The most entries of one kind a snapshot may claim: more is not a snapshot this version wrote. */
    private static final int MAX_ENTRIES = 1 << 20;

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
        for (String display : room.held().values()) {
            out.writeUTF(display);
        }
    }

    /**
     * Replaces {@code room}'s replicated state with what {@link #write} wrote.
     *
     * @throws IOException if {@code in} fails or holds no snapshot of this version; the room is then unchanged
     */
    public static void read(Room room, DataInput in) throws IOException {
        if (in.readInt() != VERSION) {
            throw new IOException("not a room snapshot of version " + VERSION);
        }
        long first = in.readLong();
        long next = in.readLong();
        if (first < 1 || next < first || next - first > MAX_ENTRIES) {
            throw new IOException("a room log from " + first + " to " + next);
        }
        List<byte[]> events = new ArrayList<>();
        for (long sequence = first; sequence < next; sequence++) {
            events.add(bytes(in));
        }
        int historyCount = count(in);
        long[] historySequences = new long[historyCount];
        byte[][] historyEvents = new byte[historyCount][];
        for (int i = 0; i < historyCount; i++) {
            historySequences[i] = in.readLong();
            historyEvents[i] = bytes(in);
        }
        int memberCount = count(in);
        List<String> names = new ArrayList<>();
        List<Room.Seat> seats = new ArrayList<>();
        List<MemberSession> sessions = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            names.add(in.readUTF());
            String node = in.readUTF();
            byte[] address = bytes(in);
            int port = in.readUnsignedShort();
            seats.add(new Room.Seat(node, address.length == 0 ? null
                    : new InetSocketAddress(InetAddress.getByAddress(address), port)));
            sessions.add(in.readBoolean() ? new MemberSession(bytes(in), bytes(in), in.readLong(), in.readLong()) : null);
        }
        int heldCount = count(in);
        List<String> held = new ArrayList<>();
        for (int i = 0; i < heldCount; i++) {
            held.add(in.readUTF());
        }
        // all read: now the room changes
        room.log().restartAt(first);
        events.forEach(room.log()::append);
        room.history().clear();
        for (int i = 0; i < historyCount; i++) {
            room.history().add(historySequences[i], historyEvents[i]);
        }
        room.clearMembers();
        for (int i = 0; i < memberCount; i++) {
            room.restore(names.get(i), seats.get(i));
            if (sessions.get(i) != null) {
                room.session(names.get(i), sessions.get(i));
            }
        }
        held.forEach(room::hold);
    }

    private static void bytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] bytes(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > (64 << 20)) {
            throw new IOException("an entry of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static int count(DataInput in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IOException("a count of " + count);
        }
        return count;
    }
}
