package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.internal.room.RoomLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SECURITY.md: "room log: 8,192 events or 32 MiB". A room log built with the server's defaults
 * ({@link ServerConfig#DEFAULT_LOG_CAPACITY}, {@link ServerConfig#DEFAULT_LOG_BYTES}) keeps that
 * many small events, and that many bytes of large ones, the oldest dropped first; the newest is
 * always kept. (That a member needing a dropped event leaves TOO_SLOW is SlowApplicationTest's.)
 */
@Timeout(10)
class RoomLogBoundsTest {
    private static final int MIB = 1024 * 1024;

    @Test
    void smallEventsAreKeptUpToTheEventBound() {
        RoomLog log = new RoomLog(ServerConfig.DEFAULT_LOG_CAPACITY, ServerConfig.DEFAULT_LOG_BYTES);
        byte[] event = new byte[100];
        for (int i = 0; i < ServerConfig.DEFAULT_LOG_CAPACITY; i++) {
            log.append(event);
        }
        assertThat(log.firstSequence()).as("all 8,192 kept").isEqualTo(1);
        assertThat(log.get(1)).isNotNull();
        log.append(event);
        assertThat(log.firstSequence()).as("the 8,193rd drops the oldest").isEqualTo(2);
        assertThat(log.get(1)).isNull();
        assertThat(log.lastSequence() - log.firstSequence() + 1).isEqualTo(ServerConfig.DEFAULT_LOG_CAPACITY);
        assertThat(log.bytes()).isEqualTo(100L * ServerConfig.DEFAULT_LOG_CAPACITY);
    }

    @Test
    void largeEventsAreKeptUpToTheByteBound() {
        RoomLog log = new RoomLog(ServerConfig.DEFAULT_LOG_CAPACITY, ServerConfig.DEFAULT_LOG_BYTES);
        byte[] mebibyte = new byte[MIB]; // one array, appended again and again: the log counts its length each time
        int fit = (int) (ServerConfig.DEFAULT_LOG_BYTES / MIB);
        for (int i = 0; i < fit; i++) {
            log.append(mebibyte);
        }
        assertThat(log.firstSequence()).as("32 events of 1 MiB fit").isEqualTo(1);
        assertThat(log.bytes()).isEqualTo(ServerConfig.DEFAULT_LOG_BYTES);
        log.append(new byte[1]);
        assertThat(log.firstSequence()).as("one byte more drops the oldest").isEqualTo(2);
        assertThat(log.bytes()).isLessThanOrEqualTo(ServerConfig.DEFAULT_LOG_BYTES);
        for (int i = 0; i < 3 * fit; i++) {
            log.append(mebibyte);
            assertThat(log.bytes()).isLessThanOrEqualTo(ServerConfig.DEFAULT_LOG_BYTES);
        }
        assertThat(log.lastSequence() - log.firstSequence() + 1).isEqualTo(fit);
    }

    @Test
    void theNewestEventIsKeptEvenIfItAloneIsLargerThanTheByteBound() {
        RoomLog log = new RoomLog(ServerConfig.DEFAULT_LOG_CAPACITY, 2 * MIB);
        log.append(new byte[MIB]);
        long newest = log.append(new byte[3 * MIB]);
        assertThat(log.firstSequence()).isEqualTo(newest);
        assertThat(log.get(newest)).hasSize(3 * MIB);
    }
}
