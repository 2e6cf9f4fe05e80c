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

    private final Map<String, NameBan> bansByName = new LinkedHashMap<>();
    private final Map<Object, AddressBan> bansByAddress = new LinkedHashMap<>();
    private final Map<String, Long> mutes = new LinkedHashMap<>();

    /**
     * Bans the name with comparison key {@code nameKey}, and the address group of {@code address}
     * when it is not null, until {@code untilNanos}. A second ban replaces the first.
     */
    public void ban(String nameKey, InetAddress address, long untilNanos) {
        Object group = address == null ? null : AttemptThrottle.groupOf(address);
        put(bansByName, nameKey, new NameBan(untilNanos, group));
        if (group != null) {
            put(bansByAddress, group, new AddressBan(untilNanos, nameKey));
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
            if (byAddress != null && byAddress.nameKey.equals(nameKey)) {
                bansByAddress.remove(ban.addressGroup);
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
        if (nowNanos >= ban.untilNanos) {
            bansByAddress.remove(group);
            return 0;
        }
        return ban.untilNanos - nowNanos;
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

    /** Forgets every ban and mute that has lapsed. */
    public void forgetLapsed(long nowNanos) {
        bansByName.values().removeIf(ban -> nowNanos >= ban.untilNanos);
        bansByAddress.values().removeIf(ban -> nowNanos >= ban.untilNanos);
        mutes.values().removeIf(until -> nowNanos >= until);
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

    private record AddressBan(long untilNanos, String nameKey) {
    }
}
