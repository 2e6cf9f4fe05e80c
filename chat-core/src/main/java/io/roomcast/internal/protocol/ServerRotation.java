package io.roomcast.internal.protocol;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses a client may reach its room through ({@link ClientConfig#servers}), and the one it
 * uses now. Joining goes down the list once, in order: each address gets an equal share of what is
 * left of the connect timeout when its turn comes (the last one all of it), and the next is tried
 * when one does not answer in its share, is unreachable, stays busy or says the room is unavailable
 * there; any other refusal ends the join. Resume attempts go round the list, starting with the
 * address after the one the client lost.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class ServerRotation {
    private final List<InetSocketAddress> addresses;
    private int current;
    /** The index of the address the session's connection came from, or -1 before joining. */
    private int session = -1;
    /** Joining: when the connect timeout is over. */
    private long joinDeadlineNanos;
    /** Joining: what each address tried so far answered, for the message if none admits the client. */
    private final List<String> joinFailures = new ArrayList<>();
    /** Joining: whether an address said the room is unavailable there. */
    private boolean unavailableSomewhere;

    ServerRotation(List<InetSocketAddress> addresses) {
        this.addresses = List.copyOf(addresses);
    }

    /** The address in use: the one being joined or resumed through, or the one the client is on. */
    InetSocketAddress current() {
        return addresses.get(current);
    }

    /** The current address's WELCOME started or resumed the session. */
    void sessionHere() {
        session = current;
    }

    /** {@code true} if the current address is the one the session's connection came from. */
    boolean atSessionServer() {
        return session == current;
    }

    /** {@code true} if the client has more than one address. */
    boolean several() {
        return addresses.size() > 1;
    }

    /** Moves on to the next address, round robin, and returns it. */
    InetSocketAddress advance() {
        current = (current + 1) % addresses.size();
        return current();
    }

    /** Joining starts at {@code now}, at the first address, for {@code connectTimeoutNanos} in all. */
    void joinStarts(long now, long connectTimeoutNanos) {
        current = 0;
        joinDeadlineNanos = now + connectTimeoutNanos;
    }

    /** How long the current address may take to admit the client: its share of what is left. */
    long joinShareNanos(long now) {
        long left = Math.max(1, joinDeadlineNanos - now);
        return Math.max(1, left / (addresses.size() - current));
    }

    /**
     * The join through the current address failed: {@code true} if the next address is to be tried
     * (there is one, and the failure was one of that address alone: no answer, unreachable, busy,
     * the room unavailable there). The failure is remembered for {@link #joinFailure}.
     *
     * @param busy whether the server stayed busy (a {@code REFUSED} that another server may not repeat)
     */
    boolean joinFailed(ClientEventSink.ConnectFailure failure, String detail, boolean busy) {
        unavailableSomewhere |= failure == ClientEventSink.ConnectFailure.ROOM_UNAVAILABLE;
        if (!several()) {
            return false;
        }
        joinFailures.add(current() + ": " + detail);
        boolean thisServerOnly = switch (failure) {
            case TIMED_OUT, UNREACHABLE, ROOM_UNAVAILABLE -> true;
            case REFUSED -> busy;
            default -> false;
        };
        if (thisServerOnly && current + 1 < addresses.size()) {
            current++;
            return true;
        }
        return false;
    }

    /**
     * Why the join failed in the end, given the last address's failure: that one, or, when an
     * address said the room is unavailable and the last failure was one of that address alone,
     * {@code ROOM_UNAVAILABLE}.
     */
    ClientEventSink.ConnectFailure joinFailure(ClientEventSink.ConnectFailure last) {
        boolean passing = last == ClientEventSink.ConnectFailure.TIMED_OUT
                || last == ClientEventSink.ConnectFailure.UNREACHABLE || last == ClientEventSink.ConnectFailure.REFUSED;
        return unavailableSomewhere && passing ? ClientEventSink.ConnectFailure.ROOM_UNAVAILABLE : last;
    }

    /** The detail of the join's failure: the last address's, or, with several addresses, what each tried said. */
    String joinDetail(String last) {
        if (!several()) {
            return last;
        }
        return "no server admitted the client: " + String.join("; ", joinFailures);
    }
}
