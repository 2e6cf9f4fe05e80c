package io.roomcast.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TerminalTextTest {

    /** Whether {@code shown} could act on a terminal: any C0, DEL, C1 or format character in it. */
    private static boolean active(String shown) {
        return shown.codePoints().anyMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F)
                || Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029
                || Character.getType(c) == Character.SURROGATE);
    }

    @Test
    void everyCodePointUpTo0x9FIsShownAsItselfOnlyIfPrintable() {
        for (int c = 0; c <= 0x9F; c++) {
            String one = new String(Character.toChars(c));
            String shown = TerminalText.escape("a" + one + "b");
            assertThat(active(shown)).as("U+%04X shown as %s", c, shown).isFalse();
            if (c == '\n') {
                assertThat(shown).isEqualTo("a⏎b");
            } else if (c == '\t') {
                assertThat(shown).isEqualTo("a⇥b");
            } else if (c < 0x20) {
                assertThat(shown).isEqualTo("a^" + (char) (c + 0x40) + "b");
            } else if (c == 0x7F) {
                assertThat(shown).isEqualTo("a^?b");
            } else if (c >= 0x80) {
                assertThat(shown).isEqualTo(String.format("a<U+%04X>b", c));
            } else {
                assertThat(shown).isEqualTo("a" + one + "b"); // printable ASCII
            }
        }
    }

    @Test
    void escapeAndTheControlsThatMatterHaveTheirUsualNames() {
        assertThat(TerminalText.escape("\u001b[2J\u001b]0;pwned\u0007")).isEqualTo("^[[2J^[]0;pwned^G");
        assertThat(TerminalText.escape("\u001b]52;c;ZXZpbA==\u0007")).isEqualTo("^[]52;c;ZXZpbA==^G");
        assertThat(TerminalText.escape("\u0000\r\u007f\u009b\u0085")).isEqualTo("^@^M^?<U+009B><U+0085>");
    }

    @Test
    void aNewlineStaysOnTheLineAsAVisibleMark() {
        assertThat(TerminalText.escape("hi\n12:01 <joan> fake")).isEqualTo("hi⏎12:01 <joan> fake");
        assertThat(TerminalText.escape("hi\r\n12:01 <joan> fake")).isEqualTo("hi⏎12:01 <joan> fake");
        assertThat(TerminalText.escape("hi\r12:01 <joan> fake")).isEqualTo("hi^M12:01 <joan> fake");
        assertThat(TerminalText.escape("\n\n")).isEqualTo("⏎⏎");
        assertThat(TerminalText.escape("a\tb")).isEqualTo("a⇥b");
    }

    @Test
    void bidiAndOtherFormatCharactersAreNamed() {
        int[] bidi = {0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF, 0x00AD, 0xE0041};
        for (int c : bidi) {
            String shown = TerminalText.escape("abc" + new String(Character.toChars(c)) + "evil");
            assertThat(shown).isEqualTo(String.format("abc<U+%04X>evil", c));
        }
        assertThat(TerminalText.escape("x\u2028y\u2029z")).isEqualTo("x<U+2028>y<U+2029>z");
    }

    @Test
    void lettersThatTakeAColumnButShowNothingAreNamed() {
        for (int c : new int[] {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800}) {
            String blank = new String(Character.toChars(c));
            assertThat(TerminalText.escape("hi" + blank.repeat(3) + "12:01 <joan> fake"))
                    .isEqualTo(String.format("hi<U+%04X><U+%04X><U+%04X>12:01 <joan> fake", c, c, c));
        }
        assertThat(TerminalText.escape("한국어 ㄱㅏ ⠓⠊")).as("other Hangul and Braille").isEqualTo("한국어 ㄱㅏ ⠓⠊");
    }

    @Test
    void everyFormatCharacterInTheBmpIsNamed() {
        for (int c = 0xA0; c <= 0xFFFF; c++) {
            if (Character.getType(c) == Character.FORMAT) {
                assertThat(TerminalText.escape(new String(Character.toChars(c))))
                        .isEqualTo(String.format("<U+%04X>", c));
            }
        }
    }

    @Test
    void ordinaryTextPassesThroughUnchanged() {
        for (String text : new String[] {"", "halo", "日本語", "Ünïcödé", "😀", "🎉 party 🎉", "emoji 👍🏽 with a modifier",
                "Ελληνικά", "עברית", "العربية", "math 𝔸𝔹ℂ", "quotes “ ” ‘ ’ — …", "⏎ typed by hand", "x ~ y"}) {
            assertThat(TerminalText.escape(text)).as(text).isSameAs(text);
        }
    }

    @Test
    void anUnpairedSurrogateIsNamedAndAPairIsKept() {
        assertThat(TerminalText.escape("a\uD83Db")).isEqualTo("a<U+D83D>b");
        assertThat(TerminalText.escape("a\uDE00b")).isEqualTo("a<U+DE00>b");
        assertThat(TerminalText.escape("a\uD83D\uDE00b")).isEqualTo("a😀b");
        assertThat(TerminalText.escape("😀\u001b")).isEqualTo("😀^[");
    }

    @Test
    void nullStaysNull() {
        assertThat(TerminalText.escape(null)).isNull();
    }
}
