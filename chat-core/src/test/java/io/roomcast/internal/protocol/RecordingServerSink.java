package io.roomcast.internal.protocol;

import io.roomcast.internal.wire.CloseReason;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what a server engine reports, with the virtual time of each report. Part of the shared
 * simulator fixture ({@link SimulatedRoom}); its records are for tests in this package.
 */
public final class RecordingServerSink implements ServerEventSink {
    record Left(String username, CloseReason reason, long atNanos, long sequence) {
    }

    record Message(long sequence, String sender, String text) {
    }

    private final SimulatedNetwork network;
    final List<String> joined = new ArrayList<>();
    final List<String> messages = new ArrayList<>();
    final List<Message> accepted = new ArrayList<>();
    final java.util.Map<String, Long> joinSequences = new java.util.HashMap<>();
    final List<Left> left = new ArrayList<>();
    /** Private messages, as "sender -> recipient: text". */
    final List<String> privates = new ArrayList<>();

    /** A sink that stamps each departure with the virtual time of {@code network}. */
    public RecordingServerSink(SimulatedNetwork network) {
        this.network = network;
    }

    @Override
    public void memberJoined(long sequence, String username, InetSocketAddress address) {
        joined.add(username);
        joinSequences.put(username, sequence);
    }

    @Override
    public void message(long sequence, String sender, String text, long timestampMillis) {
        messages.add(sender + ": " + text);
        accepted.add(new Message(sequence, sender, text));
    }

    @Override
    public void privateMessage(String sender, String recipient, String text, long timestampMillis) {
        privates.add(sender + " -> " + recipient + ": " + text);
    }

    @Override
    public void memberLeft(long sequence, String username, InetSocketAddress address, CloseReason reason) {
        left.add(new Left(username, reason, network.now(), sequence));
    }
}
