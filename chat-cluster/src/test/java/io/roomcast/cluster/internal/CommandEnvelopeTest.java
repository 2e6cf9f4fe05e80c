package io.roomcast.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CommandEnvelopeTest {
    @Test
    void roundTripsAtAnOffset() {
        byte[] entry = CommandEnvelope.encode(CommandEnvelope.Kind.COMMAND, "nöde-1", 42, "hello".getBytes(StandardCharsets.UTF_8));
        byte[] framed = new byte[entry.length + 7];
        System.arraycopy(entry, 0, framed, 3, entry.length);
        CommandEnvelope e = CommandEnvelope.decode(framed, 3, entry.length);
        assertThat(e.kind()).isEqualTo(CommandEnvelope.Kind.COMMAND);
        assertThat(e.origin()).isEqualTo("nöde-1");
        assertThat(e.seq()).isEqualTo(42);
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void aFenceHasNoPayload() {
        byte[] entry = CommandEnvelope.encode(CommandEnvelope.Kind.FENCE, "a", -1, new byte[0]);
        CommandEnvelope e = CommandEnvelope.decode(entry, 0, entry.length);
        assertThat(e.kind()).isEqualTo(CommandEnvelope.Kind.FENCE);
        assertThat(e.payload()).isEmpty();
    }

    @Test
    void refusesMalformedEntries() {
        byte[] entry = CommandEnvelope.encode(CommandEnvelope.Kind.COMMAND, "abc", 1, new byte[] {1});
        for (int cut = 0; cut < 3 + 3 + Long.BYTES; cut++) {
            byte[] truncated = Arrays.copyOf(entry, cut);
            assertThatThrownBy(() -> CommandEnvelope.decode(truncated, 0, truncated.length))
                    .as("cut at " + cut).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] badKind = entry.clone();
        badKind[1] = 9;
        assertThatThrownBy(() -> CommandEnvelope.decode(badKind, 0, badKind.length)).isInstanceOf(IllegalArgumentException.class);
        byte[] badVersion = entry.clone();
        badVersion[0] = 2;
        assertThatThrownBy(() -> CommandEnvelope.decode(badVersion, 0, badVersion.length)).isInstanceOf(IllegalArgumentException.class);
    }
}
