package io.roomcast.gateway.classic;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.LeaveReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ClassicLinesTest {
    @Test
    void aShortLineIsOneDatagramWithoutALineEnding() {
        assertThat(ClassicLines.datagrams("PASSWORD OK")).containsExactly("PASSWORD OK".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void exactly1024BytesIsOneDatagramAnd1025AreTwo() {
        assertThat(ClassicLines.datagrams("a".repeat(1024))).hasSize(1);
        List<byte[]> two = ClassicLines.datagrams("a".repeat(1025));
        assertThat(two).extracting(part -> part.length).containsExactly(1024, 1);
    }

    @Test
    void aSplitNeverCutsACharacterOrASurrogatePair() {
        String line = "a" + "😀".repeat(600); // 1 + 2400 bytes: four-byte characters straddle every boundary
        List<byte[]> parts = ClassicLines.datagrams(line);
        StringBuilder joined = new StringBuilder();
        for (byte[] part : parts) {
            assertThat(part.length).isLessThanOrEqualTo(1024);
            String text = new String(part, StandardCharsets.UTF_8);
            assertThat(text).doesNotContain("\uFFFD");
            joined.append(text);
        }
        assertThat(joined.toString()).isEqualTo(line);
        assertThat(parts.get(0).length).isEqualTo(1021);
    }

    @Test
    void theOriginalsWordsInIndonesianAndEnglishOnesWithEnglish() {
        ClassicLines id = new ClassicLines(ClassicGateway.Language.INDONESIAN);
        ClassicLines en = new ClassicLines(ClassicGateway.Language.ENGLISH);
        assertThat(id.joined("budi")).isEqualTo("budi bergabung ke chatroom.");
        assertThat(id.left("budi")).isEqualTo("budi telah keluar dari chatroom.");
        assertThat(en.joined("budi")).isEqualTo("budi joined the chatroom.");
        assertThat(en.left("budi")).isEqualTo("budi left the chatroom.");
        assertThat(id.message("ana", "halo")).isEqualTo("ana: halo");
        assertThat(en.removed(LeaveReason.BANNED)).isEqualTo("You were banned from the chatroom by the host.");
    }

    @Test
    void controlAndBidiCharactersBecomeReplacementCharacters() {
        assertThat(ClassicLines.printable("a\u0000b\u007f\u0085c\u202Ed\u2066e\r\n\t"))
                .isEqualTo("a\uFFFDb\uFFFD\uFFFDc\uFFFDd\uFFFDe\uFFFD\uFFFD\uFFFD");
        assertThat(ClassicLines.printable("plain é 漢字")).isEqualTo("plain é 漢字");
    }
}
