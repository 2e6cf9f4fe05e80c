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
