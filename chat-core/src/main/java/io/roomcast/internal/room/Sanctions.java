package io.roomcast.internal.room;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host's bans and mutes, each until a time on the engine's clock (nanoseconds). A ban refuses
 * a name (by its comparison key, {@link Username#key}) and, when the banned member was present,
 * the address group it joined from ({@link AttemptThrottle#groupOf}: an IPv4 address, an IPv6
 * /64), so neither a new connection nor a new name from that host gets in. A mute refuses a name's
 * messages. Both outlive the member's presence and lapse by themselves.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} of each kind; past it the oldest is forgotten (they are
 * made only by the host, so this bounds a runaway script, not an attacker).
 *
 * <p>Not thread-safe: owned by the I/O thread.
 */
public final class Sanctions {
    /** The most bans by name, bans by address, and mutes each kept. */
    public static final int MAX_ENTRIES = 65_536;
    /** The most names whose bans one address group remembers (the oldest forgotten first). */
    static final int MAX_NAMES_PER_ADDRESS = 64;

    private final Map<String, NameBan> bansByName = new LinkedHashMap<>();
    private final Map<Object, AddressBan> bansByAddress = new LinkedHashMap<>();
    private final Map<String, Long> mutes = new LinkedHashMap<>();

    /**
     * Bans the name with comparison key {@code nameKey}, and the address group of {@code address}
     * when it is not null, until {@code untilNanos}. A second ban replaces the first.
     */
    public void ban(String nameKey, InetAddress address, long untilNanos) {
        NameBan earlier = bansByName.get(nameKey);
        // banning an absent name again (to extend or shorten it) keeps the address its first ban covered
        Object group = address != null ? AttemptThrottle.groupOf(address) : earlier == null ? null : earlier.addressGroup;
        put(bansByName, nameKey, new NameBan(untilNanos, group));
        if (group != null) {
            AddressBan byAddress = bansByAddress.get(group);
            Map<String, Long> names = byAddress == null ? new LinkedHashMap<>() : byAddress.untilByName;
            names.remove(nameKey);
            names.put(nameKey, untilNanos);
            if (names.size() > MAX_NAMES_PER_ADDRESS) {
                names.remove(names.keySet().iterator().next()); // the oldest: bounded like everything here
            }
            put(bansByAddress, group, new AddressBan(names));
        }
    }

    /**
     * Lifts the ban on the name and on the address it banned.
     *
     * @return {@code false} if the name was not banned (or its ban had lapsed)
     */
    public boolean unban(String nameKey, long nowNanos) {
        NameBan ban = bansByName.remove(nameKey);
        if (ban == null) {
            return false;
        }
        if (ban.addressGroup != null) {
            AddressBan byAddress = bansByAddress.get(ban.addressGroup);
            if (byAddress != null) {
                byAddress.untilByName.remove(nameKey); // other names' bans of the same address stay
                if (byAddress.untilByName.isEmpty()) {
                    bansByAddress.remove(ban.addressGroup);
                }
            }
        }
        return nowNanos < ban.untilNanos;
    }

    /** How much longer the name is banned, in nanoseconds; 0 if it is not. */
    public long nameBannedFor(String nameKey, long nowNanos) {
        NameBan ban = bansByName.get(nameKey);
        if (ban == null) {
            return 0;
        }
        if (nowNanos >= ban.untilNanos) {
            bansByName.remove(nameKey);
            return 0;
        }
        return ban.untilNanos - nowNanos;
    }

    /** How much longer the address's group is banned, in nanoseconds; 0 if it is not. */
    public long addressBannedFor(InetAddress address, long nowNanos) {
        if (bansByAddress.isEmpty()) {
            return 0; // the common case: no lookup, no group object
        }
        Object group = AttemptThrottle.groupOf(address);
        AddressBan ban = bansByAddress.get(group);
        if (ban == null) {
            return 0;
        }
        long until = ban.untilNanos();
        if (nowNanos >= until) {
            bansByAddress.remove(group);
            return 0;
        }
        return until - nowNanos;
    }

    /** Mutes the name until {@code untilNanos}; a second mute replaces the first. */
    public void mute(String nameKey, long untilNanos) {
        put(mutes, nameKey, untilNanos);
    }

    /**
     * Lifts the name's mute.
     *
     * @return {@code false} if it was not muted (or the mute had lapsed)
     */
    public boolean unmute(String nameKey, long nowNanos) {
        Long until = mutes.remove(nameKey);
        return until != null && nowNanos < until;
    }

    /** How much longer the name is muted, in nanoseconds; 0 if it is not. */
    public long mutedFor(String nameKey, long nowNanos) {
        if (mutes.isEmpty()) {
            return 0;
        }
        Long until = mutes.get(nameKey);
        if (until == null) {
            return 0;
        }
        if (nowNanos >= until) {
            mutes.remove(nameKey);
            return 0;
        }
        return until - nowNanos;
    }

    /** Writes every ban and mute, with its time on the room's clock, for a snapshot. */
    void writeTo(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(bansByName.size());
        for (Map.Entry<String, NameBan> ban : bansByName.entrySet()) {
            out.writeUTF(ban.getKey());
            out.writeLong(ban.getValue().untilNanos);
            writeGroup(out, ban.getValue().addressGroup);
        }
        out.writeInt(bansByAddress.size());
        for (Map.Entry<Object, AddressBan> ban : bansByAddress.entrySet()) {
            writeGroup(out, ban.getKey());
            out.writeInt(ban.getValue().untilByName.size());
            for (Map.Entry<String, Long> name : ban.getValue().untilByName.entrySet()) {
                out.writeUTF(name.getKey());
                out.writeLong(name.getValue());
            }
        }
        out.writeInt(mutes.size());
        for (Map.Entry<String, Long> mute : mutes.entrySet()) {
            out.writeUTF(mute.getKey());
            out.writeLong(mute.getValue());
        }
    }

    /**
     * Reads what {@link #writeTo} wrote, without changing anything: {@link Parsed#applyTo} does.
     *
     * @throws java.io.IOException if {@code in} fails or holds more than these bounds take
     */
    static Parsed parse(java.io.DataInput in) throws java.io.IOException {
        Parsed parsed = new Parsed();
        int names = count(in, MAX_ENTRIES);
        for (int i = 0; i < names; i++) {
            parsed.bansByName.put(in.readUTF(), new NameBan(in.readLong(), readGroup(in)));
        }
        int addresses = count(in, MAX_ENTRIES);
        for (int i = 0; i < addresses; i++) {
            Object group = readGroup(in);
            if (group == null) {
                throw new java.io.IOException("an address ban without an address");
            }
            int count = count(in, MAX_NAMES_PER_ADDRESS);
            Map<String, Long> byName = new LinkedHashMap<>();
            for (int j = 0; j < count; j++) {
                byName.put(in.readUTF(), in.readLong());
            }
            parsed.bansByAddress.put(group, new AddressBan(byName));
        }
        int muted = count(in, MAX_ENTRIES);
        for (int i = 0; i < muted; i++) {
            parsed.mutes.put(in.readUTF(), in.readLong());
        }
        return parsed;
    }

    /** Bans and mutes read from a snapshot, not yet in force. */
    static final class Parsed {
        private final Map<String, NameBan> bansByName = new LinkedHashMap<>();
        private final Map<Object, AddressBan> bansByAddress = new LinkedHashMap<>();
        private final Map<String, Long> mutes = new LinkedHashMap<>();

        /** Replaces every ban and mute of {@code sanctions} with these. */
        void applyTo(Sanctions sanctions) {
            sanctions.bansByName.clear();
            sanctions.bansByName.putAll(bansByName);
            sanctions.bansByAddress.clear();
            sanctions.bansByAddress.putAll(bansByAddress);
            sanctions.mutes.clear();
            sanctions.mutes.putAll(mutes);
        }
    }

    private static int count(java.io.DataInput in, int max) throws java.io.IOException {
        int count = in.readInt();
        if (count < 0 || count > max) {
            throw new java.io.IOException("a count of " + count + " sanctions");
        }
        return count;
    }

    /** An address group: 0 none, 4 an IPv4 address, 8 an IPv6 /64 (see {@link AttemptThrottle#groupOf}). */
    private static void writeGroup(java.io.DataOutput out, Object group) throws java.io.IOException {
        if (group == null) {
            out.writeByte(0);
        } else if (group instanceof Long prefix) {
            out.writeByte(8);
            out.writeLong(prefix);
        } else {
            out.writeByte(4);
            out.write(((InetAddress) group).getAddress());
        }
    }

    private static Object readGroup(java.io.DataInput in) throws java.io.IOException {
        int kind = in.readUnsignedByte();
        if (kind == 0) {
            return null;
        }
        if (kind == 8) {
            return in.readLong();
        }
        if (kind != 4) {
            throw new java.io.IOException("an address group of kind " + kind);
        }
        byte[] address = new byte[4];
        in.readFully(address);
        return InetAddress.getByAddress(address);
    }

    /** Entries held, all kinds together, for tests of the bound. */
    int size() {
        return bansByName.size() + bansByAddress.size() + mutes.size();
    }

    private static <K, V> void put(Map<K, V> map, K key, V value) {
        map.remove(key); // re-inserted last, so the oldest stays first in line to be forgotten
        map.put(key, value);
        if (map.size() > MAX_ENTRIES) {
            Iterator<K> oldest = map.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private record NameBan(long untilNanos, Object addressGroup) {
    }

    /** The bans of one address group, by the name whose ban covered it: the group is refused until the last lapses. */
    private record AddressBan(Map<String, Long> untilByName) {
        long untilNanos() {
            long until = Long.MIN_VALUE;
            for (long name : untilByName.values()) {
                until = Math.max(until, name);
            }
            return until;
        }
    }
}
