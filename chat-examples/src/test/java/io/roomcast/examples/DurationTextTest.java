package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class DurationTextTest {

    @Test
    void readsEachUnitAndSeveralTogether() {
        assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationText.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationText.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationText.parse(" 2H ")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationText.parse("365d")).isEqualTo(DurationText.LONGEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "m", "10x", "1.5h", "-5m", "10 m", "1h 30m", "ten minutes", "1h30", "9999999999s"})
    void refusesWhatIsNotADurationWithExamples(String text) {
        assertThatThrownBy(() -> DurationText.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration: give a number and a unit (s, m, h, d), "
                        + "such as 30s, 10m, 2h, 1d or 1h30m");
    }

    @Test
    void refusesNoTimeAtAllAndMoreThanAYear() {
        assertThatThrownBy(() -> DurationText.parse("0m")).hasMessageStartingWith("'0m' is no time at all");
        assertThatThrownBy(() -> DurationText.parse("366d")).hasMessage("'366d' is too long: at most 365d");
        assertThatThrownBy(() -> DurationText.parse("999999999d")).hasMessage("'999999999d' is too long: at most 365d");
    }

    @Test
    void formatsAsItReadsToTheSecond() {
        assertThat(DurationText.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(DurationText.format(Duration.ofSeconds(86_400 + 61))).isEqualTo("1d1m1s");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1s");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
        for (String text : new String[] {"30s", "10m", "2h", "1d", "1h30m", "2d3h4m5s"}) {
            assertThat(DurationText.format(DurationText.parse(text))).isEqualTo(text);
        }
    }
}
