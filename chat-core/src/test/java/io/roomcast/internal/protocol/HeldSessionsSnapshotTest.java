package io.roomcast.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The held sessions of a snapshot: read and checked whole before the store changes; names follow
 * the rule and come once, ids are not empty and come once, the time left is at most the window.
 */
@Timeout(10)
class HeldSessionsSnapshotTest {
    private static final long WINDOW = 30_000_000_000L;
    private final HeldSessions held = new HeldSessions(WINDOW, 2);

    /** One held session as {@link HeldSessions#writeTo} writes it. */
    private record Entry(byte[] id, String name, long left, byte[] otherId) {
        Entry(int id, String name, long left) {
            this(filled(id), name, left, new byte[0]);
        }
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[16];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static DataInputStream snapshot(int count, List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(count);
            for (Entry entry : entries) {
                out.writeByte(entry.id().length);
                out.write(entry.id());
                out.writeUTF(entry.name());
                out.writeByte(32);
                out.write(new byte[32]);
                out.writeLong(0);
                out.writeLong(1);
                out.writeLong(entry.left());
                out.writeByte(entry.otherId().length);
                out.write(entry.otherId());
                out.writeByte(entry.otherId().length == 0 ? 0 : 32);
                out.write(new byte[entry.otherId().length == 0 ? 0 : 32]);
            }
        }
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    @Test
    void goodSessionsAreTakenWithAtMostTheWindowLeft() throws IOException {
        held.at(1_000);
        held.readFrom(snapshot(2, List.of(new Entry(1, "joan", Long.MAX_VALUE), new Entry(2, "ravi", 5))));
        assertThat(held.size()).isEqualTo(2);
        assertThat(held.nextExpiryNanos()).isEqualTo(1_005);
        held.expire(1_006);
        assertThat(held.size()).isEqualTo(1);
        assertThat(held.nextExpiryNanos()).as("clamped to the window, not overflowed").isEqualTo(1_000 + WINDOW);
    }

    @Test
    void aBadSnapshotIsRefusedWholeAndTheStoreIsUnchanged() throws IOException {
        held.at(0);
        held.readFrom(snapshot(1, List.of(new Entry(9, "mei", 100))));
        List<DataInputStream> bad = List.of(
                snapshot(3, List.of()), // more than the store takes
                snapshot(2, List.of(new Entry(1, "joan", 5), new Entry(2, "", 5))),
                snapshot(2, List.of(new Entry(1, "joan", 5), new Entry(2, "bad\u0000name", 5))),
                snapshot(2, List.of(new Entry(1, "joan", 5), new Entry(2, "JOAN", 5))),
                snapshot(2, List.of(new Entry(1, "joan", 5), new Entry(1, "ravi", 5))),
                snapshot(2, List.of(new Entry(1, "joan", 5), new Entry(filled(2), "ravi", 5, filled(1)))),
                snapshot(1, List.of(new Entry(new byte[0], "joan", 5, new byte[0]))),
                snapshot(2, List.of(new Entry(1, "joan", 5)))); // cut short
        for (DataInputStream snapshot : bad) {
            assertThatThrownBy(() -> held.readFrom(snapshot)).isInstanceOf(IOException.class);
            assertThat(held.size()).isEqualTo(1);
            assertThat(held.nextExpiryNanos()).isEqualTo(100);
        }
    }
}
