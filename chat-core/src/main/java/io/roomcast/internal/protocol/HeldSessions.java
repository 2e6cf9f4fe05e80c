package io.roomcast.internal.protocol;

import io.roomcast.internal.crypto.ResumeProof;
import io.roomcast.internal.room.MemberSession;
import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Sessions of members that timed out, held for the server's resume window so that each may come
 * back as itself ({@link #claim}). The room keeps its name reserved meanwhile
 * ({@link io.roomcast.internal.room.Room#hold}, when its leave is applied, on every node); this
 * store keeps its resume key, the last message id the room processed from it and the
 * sequence of its original join. Bounded: at most {@code capacity} sessions (the room's member
 * limit; the oldest is dropped first), each for at most the window. A session is used once: a
 * claim that succeeds removes it, and the resumed member gets a new resume id and key (rotation).
 * A resumed member that was cut off before it confirmed its new connection is held under both the
 * id it resumed with and the rotated one (the client may or may not have had the WELCOME that
 * carried it): either claims it, once.
 *
 * <p>Not thread-safe: owned by the server engine's thread.
 */
final class HeldSessions {
    /**
     * A session held for its member.
     *
     * @param resumeId        its handle
     * @param displayName     the member's name, reserved while held
     * @param resumeKey       the key its resume proof is checked with; wiped when the session ends
     * @param lastProcessedId the last message id the room processed from it
     * @param joinSequence    the floor of its stream (the join history was last sent for, or the
     *                        delivered position a gapless resume continued from): a resume asking
     *                        for events before it gets history
     * @param untilNanos      when the session lapses
     * @param refusals        ERROR frames the member had not acknowledged (queued or in flight when it
     *                        was cut off), in id order, sent first on resume; at most
     *                        {@link IncomingMessages#MAX_QUEUED_REFUSALS} (128), so a held session
     *                        holds a bounded amount and the store at most {@code capacity} times it
     * @param otherId         the other id that resumes it, or {@code null}: the rotated one of a
     *                        member cut off before it confirmed its resumed connection
     * @param otherKey        that id's resume key, or {@code null}
     */
    record Held(BytesKey resumeId, String displayName, byte[] resumeKey, long lastProcessedId, long joinSequence,
                long untilNanos, List<Frame.Error> refusals, BytesKey otherId, byte[] otherKey) {
        void wipe() {
            Arrays.fill(resumeKey, (byte) 0);
            if (otherKey != null) {
                Arrays.fill(otherKey, (byte) 0);
            }
        }

        /** The key a client presenting {@code id} must prove, or {@code null} if {@code id} names neither. */
        private byte[] keyFor(BytesKey id) {
            return id.equals(resumeId) ? resumeKey : id.equals(otherId) ? otherKey : null;
        }

        /** The session as claimed with {@code id}: only that id and its key; the other key is wiped. */
        private Held claimedWith(BytesKey id) {
            byte[] key = keyFor(id);
            byte[] unused = key == resumeKey ? otherKey : resumeKey;
            if (unused != null) {
                Arrays.fill(unused, (byte) 0);
            }
            return new Held(id, displayName, key, lastProcessedId, joinSequence, untilNanos, refusals, null, null);
        }
    }

    private final Map<BytesKey, Held> byId = new LinkedHashMap<>();
    /** The {@link Held#otherId} of held sessions that have one, to the id they are held under. */
    private final Map<BytesKey, BytesKey> byOtherId = new java.util.HashMap<>();
    /** The engine's clock at its current call ({@link #at}): when a session is held from code without a clock. */
    private long nowNanos;
    private final long windowNanos;
    private final int capacity;

    /**
     * @param windowNanos how long a session is held; 0 holds none
     * @param capacity    the most sessions held at once
     */
    HeldSessions(long windowNanos, int capacity) {
        this.windowNanos = windowNanos;
        this.capacity = capacity;
    }

    /** The engine's clock for the call it is handling: every entry point sets it first. */
    void at(long now) {
        this.nowNanos = now;
    }

    /** The engine's clock at its current call ({@link #at}). */
    long now() {
        return nowNanos;
    }

    /** How long a session is held: the resume window, 0 for none. */
    long windowNanos() {
        return windowNanos;
    }

    /** {@code true} if sessions may be resumed at all. */
    boolean enabled() {
        return windowNanos > 0;
    }

    /** How many sessions are held, for tests of the bounds. */
    int size() {
        return byId.size();
    }

    /**
     * The member is leaving the room unreachable (it timed out, or fell behind the room log while
     * silent): its session is held from the engine's current time ({@link #at}), its name reserved.
     * Its resume key moves here (the member's copy is cleared, so forgetting the member does not
     * wipe it). Nothing for a member the host removed or one already gone.
     *
     * @return whether it was held
     */
    boolean hold(RoomMember member) {
        long now = nowNanos;
        if (!enabled() || member.resumeKey == null || member.resumeId == null) {
            return false;
        }
        while (byId.size() >= capacity) {
            Iterator<Held> oldest = byId.values().iterator();
            drop(oldest.next());
        }
        List<Frame.Error> inFlight = new ArrayList<>();
        member.connection.forEachInFlight(sent -> {
            if (sent != null) { // a packet with no content (an ACK, a PING)
                inFlight.addAll(sent.errors());
            }
        });
        byte[] id = member.resumeId;
        byte[] key = member.resumeKey;
        byte[] otherId = null;
        byte[] otherKey = null;
        if (member.unconfirmed() && member.previousResumeKey != null) {
            // resumed, but not confirmed: the client may never have had the WELCOME with the
            // rotated id (it knows the one it resumed with), or had it and lost the link before
            // any of its packets came through (it knows only the rotated one): either resumes it
            otherId = id;
            otherKey = key;
            id = member.previousResumeId;
            key = member.previousResumeKey;
            member.previousResumeKey = null;
        }
        member.dropPreviousResume();
        Held held = new Held(new BytesKey(id), member.username, key,
                member.incoming.lastProcessedId(), member.joinSequence, now + windowNanos,
                List.copyOf(member.incoming.unacknowledgedRefusals(inFlight)),
                otherId == null ? null : new BytesKey(otherId), otherKey);
        member.resumeKey = null;
        index(held);
        return true; // its name is held by the room, when its leave is applied
    }

    /**
     * A member of another node left unreachable (it timed out there, or its node was lost): its
     * session, as every node knows it, is held here too, so that it may resume on this node; its
     * name is reserved. Nothing if sessions are not held, or this one is held already.
     */
    void hold(String displayName, MemberSession session) {
        BytesKey id = new BytesKey(session.resumeId());
        if (!enabled() || find(id) != null) {
            return;
        }
        while (byId.size() >= capacity) {
            drop(byId.values().iterator().next());
        }
        index(new Held(id, displayName, session.resumeKey(), session.lastProcessedId(), session.floor(),
                nowNanos + windowNanos, List.of(), null, null));
    }

    /** The session {@code resumeId} was resumed on another node: this node's copy goes, and its name is free. */
    void discard(byte[] resumeId) {
        Held held = find(new BytesKey(resumeId));
        if (held != null) {
            drop(held);
        }
    }

    /**
     * The held session a resuming handshake proved it holds, taken out of the store (single use),
     * its name released for it to take; or {@code null} if there is none or the proof is not right,
     * in which case nothing changes. A member still in the room under that session (it resumed
     * before the server noticed it was gone) is first removed {@code TIMED_OUT} by
     * {@code timeOut} and held.
     *
     * @param clientProof the new handshake's {@code M1}, which the resume proof covers
     * @param lastDelivered the PROOF's delivered position, which the resume proof covers too
     * @param inRoom      the member still in the room with that resume id, or {@code null}
     * @param timeOut     removes such a member with {@code TIMED_OUT} (which holds its session)
     */
    Held claim(byte[] resumeId, String username, byte[] clientProof, long lastDelivered, byte[] resumeProof,
               RoomMember inRoom, BiConsumer<RoomMember, CloseReason> timeOut) {
        if (!enabled() || resumeId.length == 0 || resumeProof.length == 0) {
            return null;
        }
        BytesKey key = new BytesKey(resumeId);
        if (inRoom != null && find(key) == null) {
            byte[] inRoomKey = inRoom.resumeKeyFor(resumeId);
            if (inRoomKey == null || !sameName(inRoom.username, username)
                    || !ResumeProof.verify(inRoomKey, clientProof, resumeId, lastDelivered, resumeProof)) {
                return null;
            }
            timeOut.accept(inRoom, CloseReason.TIMED_OUT);
        }
        Held held = find(key);
        if (held == null || !sameName(held.displayName(), username)
                || !ResumeProof.verify(held.keyFor(key), clientProof, resumeId, lastDelivered, resumeProof)) {
            return null;
        }
        unindex(held); // single use: claimed with one id, the other resumes nothing either
        return held.claimedWith(key); // its name stays held until the room applies the resume
    }

    /** The held session {@code id} resumes (the id it is held under, or its other one), or {@code null}. */
    private Held find(BytesKey id) {
        Held held = byId.get(id);
        if (held == null) {
            BytesKey heldUnder = byOtherId.get(id);
            held = heldUnder == null ? null : byId.get(heldUnder);
        }
        return held;
    }

    private void index(Held held) {
        byId.put(held.resumeId(), held);
        if (held.otherId() != null) {
            byOtherId.put(held.otherId(), held.resumeId());
        }
    }

    private void unindex(Held held) {
        byId.remove(held.resumeId());
        if (held.otherId() != null) {
            byOtherId.remove(held.otherId());
        }
    }

    /**
     * A session {@link #claim}ed for a resume that was then refused for a reason that may pass
     * (the room was full): held again as it was, with its name and its original lapse time (gone at
     * once if that passed meanwhile). The store stays in lapse order and within its bound.
     */
    void putBack(Held held) {
        if (held.untilNanos() <= nowNanos) {
            held.wipe();
            return;
        }
        while (byId.size() >= capacity) {
            drop(byId.values().iterator().next());
        }
        List<Held> all = new ArrayList<>(byId.values());
        all.add(held);
        all.sort(java.util.Comparator.comparingLong(Held::untilNanos));
        byId.clear();
        all.forEach(each -> byId.put(each.resumeId(), each));
        if (held.otherId() != null) {
            byOtherId.put(held.otherId(), held.resumeId());
        }
    }

    private static boolean sameName(String a, String b) {
        return Username.key(a).equals(Username.key(b));
    }

    /** Drops every session whose window passed by {@code now}: their names are free again. */
    void expire(long now) {
        for (Iterator<Held> it = byId.values().iterator(); it.hasNext(); ) {
            Held held = it.next();
            if (held.untilNanos() > now) {
                return; // held in order, with the same window: the rest are later
            }
            it.remove();
            if (held.otherId() != null) {
                byOtherId.remove(held.otherId());
            }
            held.wipe(); // its name lapses in the room at the same time, by the room's clock
        }
    }

    /** When the first held session lapses, or {@link Long#MAX_VALUE}. */
    long nextExpiryNanos() {
        Iterator<Held> it = byId.values().iterator();
        return it.hasNext() ? it.next().untilNanos() : Long.MAX_VALUE;
    }

    /**
     * Writes every held session (for a snapshot): its ids, keys, positions and the time it has left;
     * not the refusals its old connection lost, which only its own node had.
     */
    void writeTo(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(byId.size());
        for (Held held : byId.values()) {
            bytes(out, held.resumeId().bytes());
            out.writeUTF(held.displayName());
            bytes(out, held.resumeKey());
            out.writeLong(held.lastProcessedId());
            out.writeLong(held.joinSequence());
            out.writeLong(Math.max(0, held.untilNanos() - nowNanos));
            bytes(out, held.otherId() == null ? new byte[0] : held.otherId().bytes());
            bytes(out, held.otherKey() == null ? new byte[0] : held.otherKey());
        }
    }

    /**
     * Replaces every held session with those {@link #writeTo} wrote (a node catching up): {@link #parse},
     * then {@link #replaceWith}.
     *
     * @throws java.io.IOException as {@link #parse}; the store is then unchanged
     */
    void readFrom(java.io.DataInput in) throws java.io.IOException {
        replaceWith(parse(in));
    }

    /**
     * Reads and checks the held sessions {@link #writeTo} wrote, each with the time it had left (at
     * most this store's window), without changing the store.
     *
     * @throws java.io.IOException if {@code in} fails or holds more sessions than this store takes,
     *                             a name that breaks the rule, a name or an id twice, or an empty id;
     *                             the keys read so far are then wiped
     */
    List<Held> parse(java.io.DataInput in) throws java.io.IOException {
        int count = in.readInt();
        if (count < 0 || count > capacity) {
            throw new java.io.IOException(count + " held sessions in a snapshot, for a store of " + capacity);
        }
        List<Held> read = new ArrayList<>();
        java.util.Set<BytesKey> ids = new java.util.HashSet<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        try {
            for (int i = 0; i < count; i++) {
                BytesKey id = new BytesKey(bytes(in));
                String display = in.readUTF();
                java.util.Optional<String> problem = Username.problem(display);
                if (problem.isPresent()) {
                    throw new java.io.IOException("a held name breaks the rule: " + problem.get());
                }
                byte[] key = bytes(in);
                byte[] otherKey = null;
                try {
                    long lastProcessedId = in.readLong();
                    long joinSequence = in.readLong();
                    long left = Math.min(Math.max(0, in.readLong()), windowNanos);
                    byte[] otherId = bytes(in);
                    otherKey = bytes(in);
                    if (id.bytes().length == 0 || !ids.add(id) || (otherId.length > 0 && !ids.add(new BytesKey(otherId)))
                            || !names.add(Username.key(display))) {
                        throw new java.io.IOException("a held session with an empty id, or an id or name twice");
                    }
                    read.add(new Held(id, display, key, lastProcessedId, joinSequence, nowNanos + left, List.of(),
                            otherId.length == 0 ? null : new BytesKey(otherId), otherKey.length == 0 ? null : otherKey));
                } catch (java.io.IOException | RuntimeException e) {
                    Arrays.fill(key, (byte) 0);
                    if (otherKey != null) {
                        Arrays.fill(otherKey, (byte) 0);
                    }
                    throw e;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            read.forEach(Held::wipe);
            throw e;
        }
        return read;
    }

    /**
     * Replaces every held session with {@code sessions} ({@link #parse}d), which the store owns
     * from now on; their names are the room's to reserve (the room's snapshot holds them).
     */
    void replaceWith(List<Held> sessions) {
        byId.values().forEach(Held::wipe);
        byId.clear();
        byOtherId.clear();
        List<Held> sorted = new ArrayList<>(sessions);
        sorted.sort(java.util.Comparator.comparingLong(Held::untilNanos));
        sorted.forEach(this::index);
    }

    private static void bytes(java.io.DataOutput out, byte[] bytes) throws java.io.IOException {
        out.writeByte(bytes.length);
        out.write(bytes);
    }

    private static byte[] bytes(java.io.DataInput in) throws java.io.IOException {
        byte[] bytes = new byte[in.readUnsignedByte()];
        in.readFully(bytes);
        return bytes;
    }

    /** Drops every held session (the server is closing). */
    void clear() {
        for (Held held : byId.values().toArray(Held[]::new)) {
            drop(held);
        }
    }

    private void drop(Held held) {
        unindex(held);
        held.wipe();
    }
}
