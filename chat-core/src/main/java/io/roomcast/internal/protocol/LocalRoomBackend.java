package io.roomcast.internal.protocol;

import io.roomcast.internal.room.Room;
import io.roomcast.spi.RoomBackend;
import io.roomcast.spi.RoomCommand;
import io.roomcast.spi.RoomStateMachine;
import java.util.Objects;

/**
 * The in-process backend: one server orders its room alone, applying each command as it is
 * submitted, on the engine's thread — the room changes within the call that changed it, as if
 * there were no backend. Always available; nothing is ever lost to a partition.
 */
final class LocalRoomBackend implements RoomBackend {
    private RoomStateMachine room;

    @Override
    public String nodeId() {
        return Room.LOCAL_NODE;
    }

    @Override
    public void start(RoomStateMachine room) {
        if (this.room != null) {
            throw new IllegalStateException("the backend was started before");
        }
        this.room = Objects.requireNonNull(room, "room");
    }

    @Override
    public boolean submit(RoomCommand command) {
        room.apply(command);
        return true;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public void close() {
        // nothing to stop: nothing runs outside the engine's calls
    }
}
