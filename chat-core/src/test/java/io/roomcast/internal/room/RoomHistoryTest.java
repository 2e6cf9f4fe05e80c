package io.roomcast.internal.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RoomHistoryTest {

    @Test
    void keepsTheLastMessagesOldestFirstAndNothingElse() {
        Room room = new Room("lobby", 10, 16, 1 << 20, 3);
        room.join("joan", 1);
        EventFrame[] said = new EventFrame[5];
        for (int i = 0; i < 5; i++) {
            said[i] = room.message("joan", i + 1, "m" + i, 2);
            room.announce("not history", 3);
        }
        room.leave("joan", CloseReason.LEFT, 4);

        RoomHistory.Snapshot history = room.history().snapshot();

        assertThat(history.sequences()).containsExactly(said[2].sequence(), said[3].sequence(), said[4].sequence());
        assertThat(history.events()[0]).isEqualTo(said[2].toBytes());
        assertThat(room.members()).isEmpty(); // history survives an empty room
    }

    @Test
    void joinsAndLeavesDoNotPushMessagesOutOfHistory() {
        Room room = new Room("lobby", 10, 8, 1 << 20, 2);
        room.join("joan", 1);
        EventFrame kept = room.message("joan", 1, "still here", 2);
        for (int i = 0; i < 100; i++) {
            room.join("ega" + i, 3);
            room.leave("ega" + i, CloseReason.LEFT, 4);
        }

        assertThat(room.log().get(kept.sequence())).isNull(); // the log moved on
        assertThat(room.history().snapshot().sequences()).containsExactly(kept.sequence());
    }

    @Test
    void theByteBoundDropsTheOldestButKeepsTheNewest() {
        RoomHistory history = new RoomHistory(10, 100);
        history.add(1, new byte[60]);
        history.add(2, new byte[60]);
        assertThat(history.snapshot().sequences()).containsExactly(2);
        history.add(3, new byte[500]);
        assertThat(history.snapshot().sequences()).containsExactly(3);
        assertThat(history.bytes()).isEqualTo(500);
    }

    @Test
    void sizeZeroKeepsNothingAndTheSizeIsBounded() {
        RoomHistory none = new RoomHistory(0, 100);
        none.add(1, new byte[5]);
        assertThat(none.snapshot().count()).isZero();
        assertThatThrownBy(() -> new RoomHistory(RoomHistory.MAX_SIZE + 1, 100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RoomHistory(-1, 100)).isInstanceOf(IllegalArgumentException.class);
    }
}
