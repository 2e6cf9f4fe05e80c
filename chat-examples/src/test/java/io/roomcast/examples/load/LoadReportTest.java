package io.roomcast.examples.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the report writes that does not need a run. */
@Timeout(10)
class LoadReportTest {

    @Test
    void jsonStringsAreQuotedAndEscapedToPlainAscii() {
        assertThat(LoadReport.quoted("load-7: \"too slow\" \\ now")).isEqualTo("\"load-7: \\\"too slow\\\" \\\\ now\"");
        assertThat(LoadReport.quoted("a\nb\tc\u0001\u001b[31m")).isEqualTo("\"a\\nb\\tc\\u0001\\u001b[31m\"");
        assertThat(LoadReport.quoted("jo\u00e3o \u202e \ud83d\ude00 \u007f"))
                .isEqualTo("\"jo\\u00e3o \\u202e \\ud83d\\ude00 \\u007f\"");
    }
}
