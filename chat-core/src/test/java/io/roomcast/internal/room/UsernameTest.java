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

    // --- names that look like someone else, or like nothing (hardening item 6) ---

    @ParameterizedTest
    @ValueSource(strings = {"Ega", "Дмитрий", "李雷", "さくら", "田中さくら", "김민수", "joan_99", "Ünïcödé",
            "Tanakaさくら", "ヤマダ太郎", "Kim김민수", "林ㄅㄆ", "joan\uFF11", "ｊｏａｎ", "ﾔﾏﾀﾞ", "123", "Ελένη-2"})
    void namesInOneScriptOrAnAllowedMixAreValid(String name) {
        assertThat(Username.problem(name)).isEmpty();
    }

    @Test
    void anInvisibleHangulFillerIsRejectedByCodePoint() {
        assertThat(Username.problem("joan\u3164")).hasValueSatisfying(p -> assertThat(p)
                .contains("U+3164").contains("invisible").contains(Username.RULE));
    }

    @Test
    void aNameOfNothingButFillersIsRejected() {
        assertThat(Username.problem("\u3164\u3164")).hasValueSatisfying(p -> assertThat(p).contains("U+3164"));
    }

    @Test
    void aCyrillicLetterInALatinNameIsRejected() {
        assertThat(Username.problem("j\u043Ean")).hasValueSatisfying(p -> assertThat(p)
                .contains("mixes scripts").contains("U+043E").contains("Cyrillic").contains("Latin")
                .contains(Username.RULE));
    }

    @Test
    void aFullwidthDigitIsValidButCollidesWithThePlainDigit() {
        // chosen: joan１ is allowed and shown as typed, but it is the same name as joan1 (NFKC key)
        assertThat(Username.problem("joan\uFF11")).isEmpty();
        assertThat(Username.normalize("joan\uFF11")).isEqualTo("joan\uFF11");
        assertThat(Username.key("joan\uFF11")).isEqualTo(Username.key("joan1")).isEqualTo(Username.key("JOAN1"));
        assertThat(Username.key("ｊｏａｎ")).isEqualTo(Username.key("joan"));
        assertThat(Username.key("ﾔﾏﾀﾞ")).isEqualTo(Username.key("ヤマダ"));
        assertThat(Username.key("ﬁona")).isEqualTo(Username.key("FIONA"));
        assertThat(Username.key("joan\uFF11")).isNotEqualTo(Username.key("joan"));
    }

    @Test
    void aRoomRefusesTheFullwidthTwinOfAMember() {
        Room room = newRoom();
        room.join("joan1", 0);
        assertThat(room.checkAdmission("JOAN\uFF11")).isPresent();
        assertThat(room.checkAdmission("joan2")).isEmpty();
    }

    @Test
    void everyInvisibleClassIsRejectedWithItsCodePoint() {
        int[][] ranges = {
                {0x115F, 0x1160}, {0x3164, 0x3164}, {0xFFA0, 0xFFA0},   // Hangul fillers
                {0x200B, 0x200F},                                      // zero-width characters and direction marks
                {0x202A, 0x202E}, {0x061C, 0x061C},                    // bidi controls
                {0x2060, 0x206F},                                      // word joiner, invisible operators, isolates
                {0xFE00, 0xFE0F}, {0xE0100, 0xE01EF},                  // variation selectors
                {0xE0000, 0xE007F},                                    // tags
                {0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x180B, 0x180F}, {0xFEFF, 0xFEFF},
                {0x0600, 0x0605}, {0x110BD, 0x110BD}, {0x1D173, 0x1D17A}, // more of type FORMAT
        };
        int checked = 0;
        for (int[] range : ranges) {
            for (int cp = range[0]; cp <= range[1]; cp++) {
                String hex = String.format("U+%04X", cp);
                String invisible = new String(Character.toChars(cp));
                for (String name : new String[] {"jo" + invisible + "an", "joan" + invisible, invisible}) {
                    assertThat(Username.problem(name)).as("%s in %s", hex, name)
                            .hasValueSatisfying(p -> assertThat(p).contains(hex).contains(Username.RULE));
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(400);
    }

    @Test
    void everyFormatCharacterIsRejected() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.getType(cp) == Character.FORMAT) {
                String hex = String.format("U+%04X", cp);
                assertThat(Username.problem("joan" + new String(Character.toChars(cp)))).as(hex)
                        .hasValueSatisfying(p -> assertThat(p).contains(hex));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"j\u043Ean", "\u0440aypal", "Ega\u03B1", "김민수さくら", "さくらㄅ", "李雷\u0416",
            "Дмитрий\u0061", "abc\u05D0", "\uD835\uDC23\u043E\uD835\uDC1A\uD835\uDC27"})
    void otherMixesOfScriptsAreRejected(String name) {
        assertThat(Username.problem(name)).hasValueSatisfying(p -> assertThat(p)
                .contains("mixes scripts").contains(Username.RULE));
    }

    @Test
    void aCompatibilityLetterThatHidesASpaceIsRejected() {
        // U+FDFA is one Arabic letter whose NFKC form is four words
        assertThat(Username.problem("\uFDFA")).hasValueSatisfying(p -> assertThat(p)
                .contains("U+FDFA").contains("U+0020").contains(Username.RULE));
    }

    @Test
    void theRuleStatesTheNewParts() {
        assertThat(Username.RULE).contains("invisible").contains("one script").contains("Latin+Han+Hangul").contains("NFKC");
    }

    private static Room newRoom() {
        return new Room("lobby", 10, 16, 1 << 20);
    }
}
