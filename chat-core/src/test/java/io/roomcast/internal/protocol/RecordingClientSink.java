package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.ErrorCode;
import io.roomcast.internal.wire.EventFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what a client engine reports, for the simulator's assertions. Part of the shared
 * simulator fixture ({@link SimulatedRoom}); its records are for tests in this package.
 */
public final class RecordingClientSink implements ClientEventSink {
    record Delivered(long sequence, String sender, String text) {
    }

    final List<Delivered> messages = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final List<Long> accepted = new ArrayList<>();
    final List<Long> refused = new ArrayList<>();
    /** Why each message in {@link #refused} was refused, in the same order. */
    final List<ErrorCode> refusedWith = new ArrayList<>();
    /** The detail of each refusal in {@link #refused}, in the same order. */
    final List<String> refusedDetails = new ArrayList<>();
    /** Ids of messages lost with a session another server did not know. */
    final List<Long> lost = new ArrayList<>();
    /** The history the client was given on joining. */
    final List<Delivered> history = new ArrayList<>();
    /** How many times history was given: once per join. */
    int historyCalls;
    /** Private messages received, as (0, sender, text). */
    final List<Delivered> privates = new ArrayList<>();
    /** Ids of this client's private messages the server confirmed. */
    final List<Long> privateSent = new ArrayList<>();
    /** Announcements, as "sequence text". */
    final List<String> announcements = new ArrayList<>();
    List<String> joinedMembers;
    long joinSequence;
    /** Every room sequence number delivered, in delivery order: messages, joins and leaves. */
    final List<Long> sequences = new ArrayList<>();
    ConnectFailure connectFailure;
    CloseReason disconnected;
    /** While {@code false}, the sink says it has no room, as an application that cannot keep up. */
    boolean room = true;

    /** {@code true} once the client has joined (even if it has left since). */
    public boolean joined() {
        return joinedMembers != null;
    }

    @Override
    public void joined(String roomName, List<String> members, int maxMessageBytes, long joinSequence) {
        joinedMembers = members;
        this.joinSequence = joinSequence;
        log.add("joined " + members);
    }

    @Override
    public void connectFailed(ConnectFailure failure, String detail) {
        connectFailure = failure;
        log.add("connect failed " + failure + ": " + detail);
    }

    @Override
    public void message(long sequence, String sender, String text, long timestampMillis) {
        messages.add(new Delivered(sequence, sender, text));
        sequences.add(sequence);
        log.add("#" + sequence + " <" + sender + "> " + text);
    }

    @Override
    public void history(List<EventFrame> messages) {
        historyCalls++;
        for (EventFrame message : messages) {
            history.add(new Delivered(message.sequence(), message.username(), message.text()));
        }
        log.add("history " + messages.size());
    }

    @Override
    public void privateMessage(String sender, String text, long timestampMillis) {
        privates.add(new Delivered(0, sender, text));
        log.add("*" + sender + "* " + text);
    }

    @Override
    public void privateSent(long messageId, String recipient, String text, long timestampMillis) {
        privateSent.add(messageId);
        log.add("-> *" + recipient + "* " + text);
    }

    @Override
    public void announcement(long sequence, String text, long timestampMillis) {
        sequences.add(sequence);
        announcements.add(sequence + " " + text);
        log.add("!! " + text);
    }

    @Override
    public void memberJoined(long sequence, String username) {
        sequences.add(sequence);
        log.add("--> " + username);
    }

    @Override
    public void memberLeft(long sequence, String username, CloseReason reason) {
        sequences.add(sequence);
        log.add("<-- " + username + " " + reason);
    }

    @Override
    public void sendAccepted(long messageId, long sequence, String text, long timestampMillis) {
        accepted.add(messageId);
    }

    @Override
    public void sendRefused(long messageId, ErrorCode code, String detail) {
        refused.add(messageId);
        refusedWith.add(code);
        refusedDetails.add(detail);
        log.add("refused " + messageId + " " + code);
    }

    @Override
    public void sendLost(long messageId, String detail) {
        lost.add(messageId);
        log.add("lost " + messageId);
    }

    @Override
    public boolean hasRoom() {
        return room;
    }

    @Override
    public void reconnecting(CloseReason cause) {
        log.add("reconnecting " + cause);
    }

    @Override
    public void reconnected(boolean nothingMissed) {
        log.add("reconnected " + nothingMissed);
    }

    @Override
    public void disconnected(CloseReason reason) {
        disconnected = reason;
        log.add("disconnected " + reason);
    }
}
