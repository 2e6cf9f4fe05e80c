package io.roomcast.internal.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class UsernameTest {

    @ParameterizedTest
    @ValueSource(strings = {"joan", "J", "ega_2", "a.b-c", "Zoë", "Ελένη", "李小龍", "x1234567890123456789012345678901"})
    void validNames(String name) {
        assertThat(Username.problem(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "tab\there", "semi;colon", "emoji😀", "x12345678901234567890123456789012"})
    void invalidNamesAreExplainedWithTheRule(String name) {
        assertThat(Username.problem(name)).hasValueSatisfying(problem -> assertThat(problem).contains(Username.RULE));
    }

    @Test
    void theOffendingCharacterIsNamed() {
        assertThat(Username.problem("a b")).hasValueSatisfying(p -> assertThat(p).contains("U+0020"));
        assertThat(Username.problem("a;b")).hasValueSatisfying(p -> assertThat(p).contains("';'"));
    }

    @Test
    void lengthCountsCharactersAfterNormalisation() {
        String decomposed = "e\u0301".repeat(32); // 64 chars, 32 after NFC
        assertThat(Username.problem(decomposed)).isEmpty();
        assertThat(Username.normalize(decomposed)).hasSize(32);
    }

    @Test
    void keysIgnoreCaseAndNormalisation() {
        assertThat(Username.key("Joan")).isEqualTo(Username.key("joan")).isEqualTo(Username.key("JOAN"));
        assertThat(Username.key("Zoe\u0308")).isEqualTo(Username.key("ZOË"));
        assertThat(Username.key("ΣΊΣΥΦΟΣ")).isEqualTo(Username.key("σίσυφος"));
        assertThat(Username.key("joan")).isNotEqualTo(Username.key("joan2"));
    }
}
