package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Username;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.EventKind;
import io.roomcast.internal.wire.Frame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The client's two streams, once in order, to the application ({@link ClientEventSink}): the
 * room's events — the history first, then messages, joins and leaves (which keep the list of
 * members), announcements — and the private stream's messages to this client. Each delivery
 * makes a DELIVERED or PRIVATE_DELIVERED report due in the {@link ClientOutbox}. The client's own
 * messages are settled in the {@link SendWindow}, and the application told, when their event is
 * released in order (whether or not the application has had the events before it yet), or when
 * the server refuses them.
 *
 * <p>Not thread-safe: owned by the client engine's thread.
 */
final class EventDelivery {
    /** Made once: a receiver made per event frame would be an allocation per frame. */
    final EventReorderBuffer.Receiver roomOrder = new RoomStreamReceiver();
    final EventReorderBuffer.Receiver privateOrder = new PrivateOrder();

    private final ClientEventSink sink;
    private final String usernameKey;
    private final LongSupplier now;
    private final Runnable settled;
    /** The members' names by {@link Username#key}, in the order they joined. */
    private final Map<String, String> members = new LinkedHashMap<>();
    /** Set when the client joins; nothing is delivered before. */
    private SendWindow window;
    private ClientOutbox outbox;

    /** The client's private stream, whose held entries go out once the history has. */
    private EventReorderBuffer privateEvents;
    /** Whether the history (possibly empty) has been handed over for this join. */
    private boolean historyGiven;
    /**
     * The sequence of the own JOINED of the last resume with nothing missed, until the room stream
     * reaches it (0: none): the listener is told the client is back there, after every event it
     * missed (earlier own JOINEDs, of attempts whose WELCOME was lost, included).
     */
    private long backAt;
    /** A resume with a gap waits for its history: the listener is told right after it. */
    private boolean gapToReport;
    /** Between losing the server and resuming: nothing is reported back meanwhile. */
    private boolean reconnecting;

    /**
     * @param usernameKey {@link Username#key} of this client's name: the room's messages with it are its own
     * @param now         the time of the engine's call being handled
     * @param settled     told when one of the client's messages is settled (a close may be waiting for that)
     */
    EventDelivery(ClientEventSink sink, String usernameKey, LongSupplier now, Runnable settled) {
        this.sink = sink;
        this.usernameKey = usernameKey;
        this.now = now;
        this.settled = settled;
    }

    /**
     * The client joined the room: {@code names} are its members (this client included), the client's
     * messages wait in {@code sendWindow}, and deliveries are reported through {@code reports}.
     */
    void joined(List<String> names, SendWindow sendWindow, ClientOutbox reports, EventReorderBuffer privateStream) {
        for (String name : names) {
            members.put(Username.key(name), name);
        }
        this.window = sendWindow;
        this.outbox = reports;
        this.privateEvents = privateStream;
    }

    /**
     * The client resumed its session on a new connection: reports go through {@code reports}, and
     * a new private stream starts. With {@code names} (a gap: history comes instead of what was
     * missed) the member list is the room's now and the history is awaited again; without (null),
     * the replayed events bring the list up to date, and the listener hears the client is back at
     * the resume's own JOINED ({@code joinedAt}).
     */
    void resumed(List<String> names, long joinedAt, ClientOutbox reports, EventReorderBuffer privateStream) {
        reconnecting = false;
        if (names != null) {
            members.clear();
            historyGiven = false;
            backAt = 0;
            gapToReport = true;
            joined(names, window, reports, privateStream);
        } else {
            backAt = joinedAt;
            this.outbox = reports;
            this.privateEvents = privateStream;
        }
    }

    /**
     * The session resumed: every unconfirmed message goes again from its start with its id, except
     * those the room had processed ({@code id <= lastProcessedId}). Of those, one the room refused
     * ({@code refusedIds}, increasing) stays unconfirmed: its ERROR comes again right after the
     * WELCOME and settles it. Of the rest, with nothing missed a room message is confirmed by its
     * replayed event; otherwise, and for a private message (whose confirmation was in the old
     * private stream), it is confirmed now, with no sequence or time.
     */
    void resumedSends(long lastProcessedId, long[] refusedIds, boolean nothingMissed) {
        window.rewind(lastProcessedId, message -> {
            if (java.util.Arrays.binarySearch(refusedIds, message.id) >= 0) {
                return; // settled by its ERROR
            }
            if (message.recipient != null) {
                window.settle(message.id);
                sink.privateSent(message.id, message.recipient, message.text, 0);
            } else if (!nothingMissed) {
                window.settle(message.id);
                sink.sendAccepted(message.id, 0, message.text, 0);
            }
        });
    }

    /**
     * Another server took the client in as a new member ({@link ClientSession#restart}): every
     * message not yet settled is lost ({@code detail} says why), and the new session's messages
     * wait in {@code sendWindow}; then as {@link #resumed} with a gap.
     */
    void restarted(String detail, List<String> names, SendWindow sendWindow, ClientOutbox reports,
                   EventReorderBuffer privateStream) {
        for (SendWindow.Outgoing lost : window.takeAll()) {
            sink.sendLost(lost.id, detail);
        }
        window = sendWindow;
        resumed(names, 0, reports, privateStream);
    }

    /** The client lost the server: it reports no return until it has resumed. */
    void reconnecting() {
        reconnecting = true;
    }

    /** The usernames in the room, this client's included, in the order they joined. */
    List<String> members() {
        return new ArrayList<>(members.values());
    }

    /** The whole history arrived: it goes first, then the events after the join that waited for it. */
    void history(List<EventFrame> messages) {
        outbox.eventDelivered(now.getAsLong()); // tells the server the history is complete
        historyGiven = true;
        sink.history(messages);
        if (gapToReport) {
            gapToReport = false;
            sink.reconnected(false);
        }
        privateEvents.deliverHeld(privateOrder); // private messages that came meanwhile waited for it
    }

    /** The server refused one of the client's messages. */
    void refused(Frame.Error error) {
        SendWindow.Outgoing refused = window.settle(error.messageId());
        if (refused != null) {
            sink.sendRefused(refused.id, error.code(), error.detail());
            settled.run();
        }
    }

    /** The room's events in order: to the sink while it has room; they confirm the client's own messages. */
    private final class RoomStreamReceiver implements EventReorderBuffer.Receiver {
        @Override
        public boolean hasRoom() {
            return sink.hasRoom();
        }

        @Override
        public void delivered(EventFrame event) {
            outbox.eventDelivered(now.getAsLong());
            String name = event.username();
            if ((event.kind() == EventKind.JOINED || event.kind() == EventKind.LEFT)
                    && Username.key(name).equals(usernameKey)) {
                // only a resumed session's stream holds its own leave and join (the outage as the
                // room logged it): the client is in the room, and its listener is not told about itself
                members.put(usernameKey, name);
                if (event.kind() == EventKind.JOINED && event.sequence() == backAt && !reconnecting) {
                    backAt = 0;
                    sink.reconnected(true); // every event missed has been given; live ones follow
                }
                return;
            }
            switch (event.kind()) {
                case MESSAGE -> sink.message(event.sequence(), name, event.text(), event.timestampMillis());
                case JOINED -> {
                    members.put(Username.key(name), name);
                    sink.memberJoined(event.sequence(), name);
                }
                case LEFT -> {
                    members.remove(Username.key(name));
                    sink.memberLeft(event.sequence(), name, event.reason());
                }
                case ANNOUNCEMENT -> sink.announcement(event.sequence(), event.text(), event.timestampMillis());
                case MUTED, UNMUTED, PRIVATE, PRIVATE_SENT -> {
                    // a mute shows in this client's refusals; the private kinds never come in the room stream
                }
            }
        }

        /** Confirmed once in the room's order, whether or not the sink has had the event yet. */
        @Override
        public void released(EventFrame event) {
            if (event.kind() == EventKind.MESSAGE && Username.key(event.username()).equals(usernameKey)) {
                SendWindow.Outgoing mine = window.settle(event.messageId());
                if (mine != null) {
                    sink.sendAccepted(mine.id, event.sequence(), mine.text, event.timestampMillis());
                    settled.run();
                }
            }
        }
    }

    /** The client's private stream, in its order: private messages to it, and confirmations of its own. */
    private final class PrivateOrder implements EventReorderBuffer.Receiver {
        /** Nothing private reaches the application before the join's history does. */
        @Override
        public boolean hasRoom() {
            return historyGiven && sink.hasRoom();
        }

        @Override
        public void delivered(EventFrame entry) {
            outbox.privateEventDelivered(now.getAsLong());
            if (entry.kind() == EventKind.PRIVATE) {
                sink.privateMessage(entry.username(), entry.text(), entry.timestampMillis());
            }
        }

        /** Confirmed once in the stream's order, whether or not the sink has had what came before yet. */
        @Override
        public void released(EventFrame entry) {
            if (entry.kind() == EventKind.PRIVATE_SENT) {
                SendWindow.Outgoing mine = window.settle(entry.messageId());
                if (mine != null) {
                    sink.privateSent(mine.id, entry.username(), mine.text, entry.timestampMillis());
                    settled.run();
                }
            }
        }
    }
}
