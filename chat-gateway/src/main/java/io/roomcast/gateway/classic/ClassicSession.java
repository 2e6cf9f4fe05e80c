package io.roomcast.gateway.classic;

import io.roomcast.ChatClient;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One classic client, known by the UDP address its datagrams come from: waiting for its name
 * (holding the password it gave, if any), joining, joined (one {@link ChatClient}), or closed.
 *
 * <p>Threads: the state, the password and the command count are the receive thread's and the
 * join worker's, handed over through the state under this object's lock; {@link #lastHeardNanos}
 * is read by the idle sweep. Lines go out under the lock too, so {@code USERNAME OK} always comes
 * before the first line from the room: room lines that arrive while the join is being answered
 * wait (at most {@link #MAX_HELD_LINES}) and follow it.
 */
final class ClassicSession {
    /** Where the client is in the protocol. */
    enum State { AWAITING_NAME, JOINING, JOINED, CLOSED }

    /** Room lines held back until {@code USERNAME OK} has gone; past this they are dropped. */
    static final int MAX_HELD_LINES = 256;
    /** Datagrams a client may send per second, joined or not; past it (and {@link #DATAGRAM_BURST}) they are dropped unread. */
    static final double DATAGRAMS_PER_SECOND = 50;
    /** Datagrams a client may send at once. */
    static final int DATAGRAM_BURST = 100;
    /** {@code PASSWORD} and {@code USERNAME} lines a client may send before it has joined. */
    static final int MAX_COMMANDS_BEFORE_JOINING = 20;

    /** Sends a line to a classic client, split into datagrams of at most 1024 bytes. */
    interface Sender {
        void send(InetSocketAddress to, String line);
    }

    final InetSocketAddress address;
    private final Sender sender;
    private final ArrayDeque<String> held = new ArrayDeque<>();
    private State state = State.AWAITING_NAME;
    private boolean open;
    private String password;
    private boolean passwordRefused;
    private String typedName;
    private ChatClient client;
    private int commands;
    private volatile long lastHeardNanos;
    private double tokens = DATAGRAM_BURST;
    private long tokensAtNanos;

    ClassicSession(InetSocketAddress address, Sender sender, long nowNanos) {
        this.address = address;
        this.sender = sender;
        this.lastHeardNanos = nowNanos;
        this.tokensAtNanos = nowNanos;
    }

    /** A datagram came from the client: it is alive. Whether it may be handled, by the rate limit (receive thread only). */
    boolean heard(long nowNanos) {
        lastHeardNanos = nowNanos;
        double elapsed = (nowNanos - tokensAtNanos) / (double) TimeUnit.SECONDS.toNanos(1);
        tokensAtNanos = nowNanos;
        tokens = Math.min(DATAGRAM_BURST, tokens + elapsed * DATAGRAMS_PER_SECOND);
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    synchronized State state() {
        return state;
    }

    /** One more command before joining; false once the client has used them all. */
    synchronized boolean countCommand() {
        return ++commands <= MAX_COMMANDS_BEFORE_JOINING;
    }

    synchronized void password(String password) {
        this.password = password;
        this.passwordRefused = false;
    }

    /** Whether the room refused the last password and no new one came: a join would fail again. */
    synchronized boolean passwordRefused() {
        return passwordRefused;
    }

    /** Starts joining as {@code name} if the client is waiting for a name; the password given so far, or "" (an open room). */
    synchronized String startJoining(String name) {
        if (state != State.AWAITING_NAME || passwordRefused) {
            return null;
        }
        state = State.JOINING;
        typedName = name;
        return password == null ? "" : password;
    }

    /** The client that is joining for this session, so that closing the session can stop it. */
    synchronized boolean joiningWith(ChatClient joining) {
        if (state != State.JOINING) {
            return false;
        }
        client = joining;
        return true;
    }

    /**
     * The join failed: back to waiting for a name, the password kept unless it was wrong, and
     * {@code line} sent. Nothing happens if the session was closed meanwhile.
     */
    synchronized void joinFailed(boolean wrongPassword, String line) {
        if (state != State.JOINING) {
            return;
        }
        state = State.AWAITING_NAME;
        client = null;
        if (wrongPassword) {
            password = null;
            passwordRefused = true;
        }
        send(line);
    }

    /**
     * The join succeeded: the password is forgotten (the client holds it now), {@code USERNAME OK}
     * and the client's own join line go out, then the room lines held meanwhile. False if the
     * session was closed meanwhile; the caller then closes the client.
     */
    synchronized boolean joined(String ownJoinLine) {
        if (state != State.JOINING) {
            return false;
        }
        state = State.JOINED;
        password = null;
        send(ClassicLines.USERNAME_OK);
        send(ownJoinLine);
        open = true;
        while (!held.isEmpty()) {
            send(held.poll());
        }
        return true;
    }

    /** The name the client asked for, as it typed it; null before it asked. */
    synchronized String typedName() {
        return typedName;
    }

    /** The joined client; null unless {@link State#JOINED}. */
    synchronized ChatClient client() {
        return state == State.JOINED ? client : null;
    }

    /**
     * Closes the session: nothing more is sent, and a join in progress finds it closed.
     *
     * @param lastLine sent first if the client had joined (why the session ends), or null
     * @return the client to close (joined, or still joining), or null
     */
    synchronized ChatClient close(String lastLine) {
        if (lastLine != null && open && state == State.JOINED) {
            send(lastLine);
        }
        ChatClient toClose = state == State.JOINED || state == State.JOINING ? client : null;
        state = State.CLOSED;
        client = null;
        password = null;
        held.clear();
        return toClose;
    }

    /** A protocol answer or a line of the gateway's: sent at once unless the session is closed. */
    synchronized void reply(String line) {
        if (state != State.CLOSED) {
            send(line);
        }
    }

    /** A line from the room: held until {@code USERNAME OK} has gone, dropped once closed. */
    synchronized void fromRoom(String line) {
        if (state == State.CLOSED) {
            return;
        }
        if (open) {
            send(line);
        } else if (held.size() < MAX_HELD_LINES) {
            held.add(line);
        }
    }

    private void send(String line) {
        sender.send(address, line);
    }
}
