package io.roomcast.examples;

import static io.roomcast.examples.TerminalRows.CONTINUATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TerminalRowsTest {
    private static final Instant AT = LocalDateTime.of(2024, 5, 1, 12, 1).atZone(ZoneId.systemDefault()).toInstant();

    /** The rows as plain text. */
    private static List<String> rows(String line, int width) {
        return TerminalRows.of(line, width).stream().map(AttributedString::toString).toList();
    }

    /** The columns {@code row} takes, counted as the rows are cut. */
    private static int columns(CharSequence row) {
        return row.codePoints().map(TerminalRows::columns).sum();
    }

    /** The line back from its rows: each row after the first without its continuation mark. */
    private static String joined(List<String> rows) {
        StringBuilder line = new StringBuilder(rows.get(0));
        rows.subList(1, rows.size()).forEach(row -> line.append(row.substring(CONTINUATION.length())));
        return line.toString();
    }

    @Test
    void aLineThatFitsIsOneRowUpToTheLastColumn() {
        assertThat(rows("", 20)).containsExactly("");
        assertThat(rows("halo", 20)).containsExactly("halo");
        assertThat(rows("x".repeat(20), 20)).containsExactly("x".repeat(20));
        assertThat(rows("x".repeat(21), 20)).containsExactly("x".repeat(20), CONTINUATION + "x");
    }

    @Test
    void everyRowAfterTheFirstStartsWithTheMarkAndNoRowIsWiderThanTheTerminal() {
        String line = "12:01 <joan> " + "the quick brown fox jumps over the lazy dog ".repeat(10);
        for (int width = TerminalRows.MIN_WIDTH; width <= 120; width++) {
            List<String> rows = rows(line, width);
            assertThat(joined(rows)).isEqualTo(line);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(columns(rows.get(i))).as("row %d at width %d", i, width).isLessThanOrEqualTo(width);
                assertThat(rows.get(i).startsWith(CONTINUATION)).as("row %d at width %d", i, width).isEqualTo(i > 0);
            }
            // full rows: a row ends early only where the next character would not fit
            for (String row : rows.subList(0, rows.size() - 1)) {
                assertThat(columns(row)).isEqualTo(width);
            }
        }
    }

    @Test
    void aWideCharacterIsNeverSplitAcrossRowsAndTakesTwoColumns() {
        assertThat(rows("日本語日本", 10)).containsExactly("日本語日本");
        assertThat(rows("a日本語日本", 10)).containsExactly("a日本語日", CONTINUATION + "本");
        assertThat(rows("😀".repeat(6), 10)).containsExactly("😀".repeat(5), CONTINUATION + "😀");
        // ⚡ is one column in JLine's table and two on terminals of today: counted two
        assertThat(rows("⚡".repeat(6), 10)).containsExactly("⚡".repeat(5), CONTINUATION + "⚡");
    }

    @Test
    void aCombiningMarkTakesNoColumnAndStaysWithItsLetter() {
        String accented = "e\u0301"; // é as e and a combining acute accent
        assertThat(rows(accented.repeat(10), 10)).containsExactly(accented.repeat(10));
        assertThat(rows(accented.repeat(11), 10)).containsExactly(accented.repeat(10), CONTINUATION + accented);
        assertThat(rows("a" + "\u0301".repeat(30), 10)).as("any number of marks").hasSize(1);
    }

    @Test
    void columnsAreTheMostATerminalMayDrawACharacterIn() {
        assertThat(TerminalRows.columns('a')).isEqualTo(1);
        assertThat(TerminalRows.columns('日')).isEqualTo(2);
        assertThat(TerminalRows.columns('한')).isEqualTo(2);
        assertThat(TerminalRows.columns("😀".codePointAt(0))).isEqualTo(2);
        assertThat(TerminalRows.columns(0x0301)).as("combining acute").isZero();
        assertThat(TerminalRows.columns(0x20DD)).as("enclosing circle").isZero();
        for (int wide : new int[] {0x231A, 0x23E9, 0x26A1, 0x2705, 0x2764, 0x2B50, 0xA960, 0x17000, 0x1B000}) {
            assertThat(TerminalRows.columns(wide)).as("U+%04X", wide).isEqualTo(2);
        }
        assertThat(TerminalRows.columns(0xFE0F)).as("may widen the character before it").isEqualTo(1);
        assertThat(TerminalRows.columns(0x1161)).as("a Hangul vowel standing alone").isEqualTo(1);
        assertThat(TerminalRows.columns(CONTINUATION.codePointAt(2))).isEqualTo(1);
    }

    @Test
    void colourTakesNoColumnAndEveryRowKeepsItsPartsColour() {
        EventFormat coloured = new EventFormat(true, "HH:mm");
        String line = coloured.message(AT, "joan", "x".repeat(30));
        assertThat(line).contains("\u001B[");
        List<AttributedString> rows = TerminalRows.of(line, 20);
        assertThat(rows.stream().map(AttributedString::toString).toList())
                .containsExactly("12:01 <joan> xxxxxxx", CONTINUATION + "x".repeat(16), CONTINUATION + "x".repeat(7));
        AttributedStyle name = rows.get(0).styleAt("12:01 <".length());
        assertThat(name).isNotEqualTo(AttributedStyle.DEFAULT);
        assertThat(rows.get(0).styleAt("12:01 <joan> ".length())).isEqualTo(AttributedStyle.DEFAULT);

        // history is dimmed: the rest of it too, but not the mark, which is the console's own
        String earlier = coloured.earlier(AT, "a-rather-long-name", "halo " + "y".repeat(20));
        List<AttributedString> dimmed = TerminalRows.of(earlier, 20);
        assertThat(dimmed).hasSize(3);
        AttributedStyle faint = AttributedStyle.DEFAULT.faint();
        assertThat(dimmed.get(0).styleAt(0)).isEqualTo(faint);
        for (AttributedString row : dimmed.subList(1, 3)) {
            assertThat(row.styleAt(0)).isEqualTo(AttributedStyle.DEFAULT);
            assertThat(row.styleAt(CONTINUATION.length()).getStyle() & faint.getStyle()).isEqualTo(faint.getStyle());
            assertThat(row.toAnsi()).contains("\u001B[").endsWith("\u001B[0m");
        }
        // the name is split between the first two rows and keeps its colour on the second
        AttributedStyle nameStyle = dimmed.get(0).styleAt("12:01 <".length());
        assertThat(dimmed.get(1).styleAt(CONTINUATION.length())).isEqualTo(nameStyle);
    }

    @Test
    void aTerminalNarrowerThanTheMarkAndAWideCharacterIsTreatedAsThatWide() {
        assertThat(rows("日日日", 1)).containsExactly("日日日");
        assertThat(rows("日日日日", 0)).containsExactly("日日日", CONTINUATION + "日");
    }

    /**
     * A member fills the rest of the row, so that what follows would start the next one, with
     * filler of every kind and at every length up to the row's end and past it: no row starts with
     * what the member chose, and no row looks like joan's line.
     */
    @Test
    void aHostileMessageCannotStartARowWithAnotherMembersLine() {
        EventFormat format = new EventFormat(false, "HH:mm");
        Pattern looksLikeALine = Pattern.compile("^\\s*\\d\\d:\\d\\d <joan>");
        for (String filler : List.of("a", " ", "日", "⚡", "\u3164", "\u2800", "e\u0301", "\u00A0", "\u3000")) {
            for (int width : new int[] {TerminalRows.MIN_WIDTH, 20, 40, 79, 80, 120}) {
                for (int count = 0; count <= width + 1; count++) {
                    String line = format.message(AT, "mallory", filler.repeat(count) + "12:01 <joan> fake");
                    List<String> rows = rows(line, width);
                    assertThat(joined(rows)).isEqualTo(line);
                    for (String row : rows.subList(1, rows.size())) {
                        assertThat(row).as("%d of %s at width %d", count, filler, width).startsWith(CONTINUATION);
                    }
                    assertThat(rows).as("%d of %s at width %d", count, filler, width)
                            .noneMatch(row -> looksLikeALine.matcher(row).find());
                    assertThat(rows).allMatch(row -> columns(row) <= Math.max(width, TerminalRows.MIN_WIDTH));
                }
            }
        }
    }
}
