package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import java.util.List;

/** Where a {@link ClientEngine} reports what happens. Called on the engine's thread. */
public interface ClientEventSink {
    /** The client joined with room sequence {@code joinSequence}; {@code members} includes itself. */
    void joined(String roomName, List<String> members, int maxMessageBytes, long joinSequence);

    /** The client could not join. Terminal. */
    void connectFailed(ConnectFailure failure, String detail);

    /** A message reached the room (the client's own included). */
    void message(long sequence, String sender, String text, long timestampMillis);

    /**
     * The room's last messages before this client's join, oldest first (possibly none): once per
     * join, before any other event of that join.
     */
    void history(List<EventFrame> messages);

    /** Another member (or this client itself) sent this client a private message. */
    void privateMessage(String sender, String text, long timestampMillis);

    /** The server accepted this client's private message with {@code messageId} for {@code recipient}. */
    void privateSent(long messageId, String recipient, String text, long timestampMillis);

    /** The host's announcement, at room sequence {@code sequence}. */
    void announcement(long sequence, String text, long timestampMillis);

    /** Another member joined, at room sequence {@code sequence}. */
    void memberJoined(long sequence, String username);

    /** Another member left, at room sequence {@code sequence}. */
    void memberLeft(long sequence, String username, CloseReason reason);

    /** The client's message with {@code messageId} is in the room with {@code sequence}. */
    void sendAccepted(long messageId, long sequence, String text, long timestampMillis);

    /** The server refused the client's message with {@code messageId}. */
    void sendRefused(long messageId, ErrorCode code, String detail);

    /**
     * The client's message with {@code messageId} will never be confirmed nor refused: the server
     * that took the client back did not know its session ({@code detail} says so), so whether the
     * room had the message is unknown. Only for a client with several servers.
     */
    void sendLost(long messageId, String detail);

    /** The client left the room. Terminal. */
    void disconnected(CloseReason reason);

    /**
     * The client lost the server ({@code cause}) and is trying to resume its session; not terminal.
     * Sends are queued meanwhile.
     */
    default void reconnecting(CloseReason cause) {
    }

    /**
     * The client resumed its session. With {@code nothingMissed}, called once every room event it
     * missed has been given, in order (when the room stream reaches the client's own JOINED, which
     * is not reported), before any later one; otherwise the room's log no longer held them, and this
     * comes right after the room's history ({@link #history}) that came instead.
     */
    default void reconnected(boolean nothingMissed) {
    }

    /**
     * Whether the sink can take another room event ({@link #message}, {@link #memberJoined},
     * {@link #memberLeft}) now. While it cannot, the engine holds the room's events back and does
     * not report them delivered, as if the link were slow, until
     * {@link ClientEngine#resumeDelivery} is called. Default: always.
     */
    default boolean hasRoom() {
        return true;
    }

    /** Why a connect failed. */
    enum ConnectFailure {
        /** The server refused the password. */
        BAD_PASSWORD,
        /** The server could not prove it knows the password. */
        SERVER_NOT_AUTHENTIC,
        /** The username is taken. */
        USERNAME_TAKEN,
        /** The username breaks the rule. */
        INVALID_USERNAME,
        /** The host banned this username or this client's address. */
        BANNED,
        /** The room is unavailable on that server (a minority partition of its cluster). */
        ROOM_UNAVAILABLE,
        /** The server refused for another reason (full, busy, version). */
        REFUSED,
        /** No answer within the connect timeout. */
        TIMED_OUT,
        /** The network says nothing listens at the server's address. */
        UNREACHABLE,
        /** The client was closed before it joined. */
        CLOSED
    }
}
