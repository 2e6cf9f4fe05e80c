package io.roomcast.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OriginTableTest {
    private final OriginTable table = new OriginTable();

    @Test
    void anEntryCountsOnlyAboveItsNodesHighest() {
        assertThat(table.admit("a", 100)).isTrue();
        assertThat(table.admit("a", 102)).isTrue();
        assertThat(table.admit("a", 101)).as("overtaken: never counts").isFalse();
        assertThat(table.admit("a", 102)).as("a duplicate").isFalse();
        assertThat(table.admit("b", 5)).as("nodes are independent").isTrue();
        assertThat(table.highest("a")).isEqualTo(102);
        assertThat(table.highest("c")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void theWindowTellsWhichRecentNumbersCounted() {
        table.admit("a", 10);
        table.admit("a", 12);
        table.admit("a", 13);
        assertThat(table.counted("a", 10)).isTrue();
        assertThat(table.counted("a", 11)).isFalse();
        assertThat(table.counted("a", 13)).isTrue();
        assertThat(table.counted("a", 14)).as("not yet").isFalse();
        table.admit("a", 13 + OriginTable.WINDOW);
        assertThat(table.counted("a", 13)).as("out of the window").isFalse();
        assertThat(table.counted("a", 14)).as("a reused slot is cleared").isFalse();
    }

    @Test
    void aSnapshotCarriesTheTable() throws IOException {
        table.admit("a", 1L << 40);
        table.admit("a", (1L << 40) + 3);
        table.admit("b", -7);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.writeTo(new DataOutputStream(bytes));
        OriginTable copy = new OriginTable();
        copy.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(copy.highest("a")).isEqualTo((1L << 40) + 3);
        assertThat(copy.counted("a", 1L << 40)).isTrue();
        assertThat(copy.counted("a", (1L << 40) + 1)).isFalse();
        assertThat(copy.highest("b")).isEqualTo(-7);
        assertThat(copy.admit("a", (1L << 40) + 2)).isFalse();
    }

    @Test
    void aHostileSnapshotCannotMakeTheTableHuge() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeInt(Integer.MAX_VALUE);
        assertThatThrownBy(() -> table.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
                .isInstanceOf(IOException.class);
    }
}
