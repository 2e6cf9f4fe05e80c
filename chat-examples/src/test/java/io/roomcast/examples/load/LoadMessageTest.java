package io.roomcast.examples.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load message's text: its size, and reading it back. */
@Timeout(10)
class LoadMessageTest {

    @Test
    void aMessageIsExactlyThePayloadInBytesAndReadsBack() {
        LoadMessage message = new LoadMessage(65_535, 0xFF_FFFF_FFFFL, 123_456_789L);
        String text = message.text(-2, 64);

        assertThat(text.getBytes(StandardCharsets.UTF_8)).hasSize(64);
        assertThat(text).startsWith("fffffffeffffffffffffff00075bcd15").endsWith("........");
        assertThat(LoadMessage.parse(text, -2)).isEqualTo(message);
        assertThat(new LoadMessage(3, 7, 9).text(42, LoadMessage.HEADER_BYTES)).hasSize(LoadMessage.HEADER_BYTES);
    }

    @Test
    void anotherRunsOrAnyoneElsesTextIsNotOurs() {
        String text = new LoadMessage(1, 2, 3).text(42, 40);

        assertThat(LoadMessage.parse(text, 43)).isNull();
        assertThat(LoadMessage.parse("hello everyone", 42)).isNull();
        assertThat(LoadMessage.parse(text.substring(0, 31), 42)).isNull();
        assertThat(LoadMessage.parse(text.replace("0001", "zz01"), 42)).isNull();
    }
}
