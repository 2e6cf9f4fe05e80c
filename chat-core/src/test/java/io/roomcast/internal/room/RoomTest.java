package io.roomcast.internal.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.wire.CloseReason;
import io.roomcast.internal.wire.EventFrame;
import io.roomcast.internal.wire.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RoomTest {

    @Test
    void everyEventTakesTheNextSequenceAndIsLoggedEncoded() {
        Room room = new Room("lobby", 10, 16, 1 << 20);
        EventFrame joined = room.join("joan", 1);
        EventFrame message = room.message("joan", 1, "halo", 2);
        EventFrame left = room.leave("JOAN", CloseReason.LEFT, 3).orElseThrow();

        assertThat(joined.sequence()).isEqualTo(1);
        assertThat(message.sequence()).isEqualTo(2);
        assertThat(left.sequence()).isEqualTo(3);
        assertThat(left.username()).isEqualTo("joan");
        assertThat(room.log().get(2)).isEqualTo(message.toBytes());
        assertThat(room.members()).isEmpty();
    }

    @Test
    void usernamesAreUniqueIgnoringCase() {
        Room room = new Room("lobby", 10, 16, 1 << 20);
        room.join("Joan", 1);

        assertThat(room.checkAdmission("joan")).hasValueSatisfying(refusal -> {
            assertThat(refusal.reason()).isEqualTo(RejectReason.USERNAME_TAKEN);
            assertThat(refusal.detail()).contains("Joan");
        });
        assertThat(room.checkAdmission("ega")).isEmpty();
    }

    @Test
    void invalidAndFullAreRefused() {
        Room room = new Room("lobby", 1, 16, 1 << 20);
        assertThat(room.checkAdmission("no spaces")).hasValueSatisfying(
                refusal -> assertThat(refusal.reason()).isEqualTo(RejectReason.INVALID_USERNAME));
        room.join("joan", 1);
        assertThat(room.checkAdmission("ega")).hasValueSatisfying(
                refusal -> assertThat(refusal.reason()).isEqualTo(RejectReason.ROOM_FULL));
    }

    @Test
    void leavingTwiceLogsOnce() {
        Room room = new Room("lobby", 10, 16, 1 << 20);
        room.join("joan", 1);
        assertThat(room.leave("joan", CloseReason.LEFT, 2)).isPresent();
        assertThat(room.leave("joan", CloseReason.LEFT, 3)).isEmpty();
        assertThat(room.log().lastSequence()).isEqualTo(2);
    }

    @Test
    void theLogDropsTheOldestWhenFull() {
        RoomLog log = new RoomLog(4);
        for (int i = 1; i <= 6; i++) {
            assertThat(log.append(new byte[] {(byte) i})).isEqualTo(i);
        }
        assertThat(log.firstSequence()).isEqualTo(6 - log.capacity() + 1);
        assertThat(log.get(1)).isNull();
        assertThat(log.get(6)).containsExactly(6);
        assertThat(log.get(7)).isNull();
    }
}
