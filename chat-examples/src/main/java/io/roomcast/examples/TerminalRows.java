package io.roomcast.examples;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.WCWidth;

/**
 * A console line cut into the rows a terminal of a given width shows it on: cut by us, so that no
 * row is left for the terminal to wrap. A terminal that wraps a long line itself starts the rest
 * at column 0 with whatever the line holds there, and a member who fills a row with filler chooses
 * what that is: {@code 12:01 <joan> fake} would look like a line of its own. Here every row after
 * a line's first starts with {@link #CONTINUATION}, which no line the console apps print starts
 * with (they start with a time, {@code !!}, {@code ──} or the apps' own words, never with text
 * from outside).
 *
 * <p>Widths are counted in columns: a wide (CJK, emoji) character is two, a combining mark none,
 * and the colours and intensity {@link EventFormat} adds (its own SGR sequences; text from the
 * room has been through {@link TerminalText#escape}, so there are no others) none. Where
 * terminals disagree on a character's width, it counts as the widest: a row that comes out a
 * little short is harmless, one that comes out too long is wrapped by the terminal after all
 * (unless {@link TerminalConsole} could switch that off). The exception is the East Asian
 * ambiguous-width characters (Greek, Cyrillic, many symbols): one column, as all but terminals set
 * up for CJK draw them, since counting them two would halve the rows of a Greek or Russian line. So the rows are cut here rather than by
 * JLine's {@code AttributedString.columnSplitLength}, which counts by JLine's table alone; JLine
 * still reads the colours ({@code fromAnsi}) and writes them again on each row ({@code toAnsi}).
 */
final class TerminalRows {
    /** What every row after a line's first starts with: a hanging indent and an arrow. */
    static final String CONTINUATION = "  \u21B3 ";
    /** The columns {@link #CONTINUATION} takes: one for each of its characters. */
    private static final int CONTINUATION_COLUMNS = CONTINUATION.length();
    /** The narrowest rows are cut to: the continuation mark and one wide character. */
    static final int MIN_WIDTH = CONTINUATION_COLUMNS + 2;

    private static final int VARIATION_SELECTOR_EMOJI = 0xFE0F;

    private TerminalRows() {
    }

    /**
     * {@code line} cut into rows of at most {@code width} columns (at least {@link #MIN_WIDTH}),
     * each keeping the colours of its part of the line. A line that fits is one row; a character
     * is never split from the combining marks after it, nor a wide character across two rows.
     *
     * @param line a line as the console prints it: text from the room escaped, SGR colours allowed
     */
    static List<AttributedString> of(String line, int width) {
        int columns = Math.max(width, MIN_WIDTH);
        AttributedString text = AttributedString.fromAnsi(line);
        List<AttributedString> rows = new ArrayList<>();
        int start = 0;
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int w = columns(c);
            if (used + w > columns) {
                rows.add(row(rows.isEmpty(), text.subSequence(start, i)));
                start = i;
                used = CONTINUATION_COLUMNS;
            }
            used += w;
            i += Character.charCount(c);
        }
        rows.add(row(rows.isEmpty(), text.subSequence(start, text.length())));
        return rows;
    }

    private static AttributedString row(boolean first, AttributedString part) {
        return first ? part : new AttributedStringBuilder().append(CONTINUATION).append(part).toAttributedString();
    }

    /**
     * The columns {@code c} may take on a terminal, at most. JLine's table (Markus Kuhn's
     * {@code wcwidth}, of Unicode 5) is the start; it counts as one column the emoji and scripts
     * that Unicode made wide later ({@code ⚡}, {@code ⌚}, Tangut, the Kana supplements), which
     * terminals of today draw in two, and the conjoining Hangul vowels and finals as none, which some
     * terminals draw in one when they stand alone. An emoji variation selector (U+FE0F) counts one:
     * it may widen the character before it to two ({@code ❤️}).
     */
    static int columns(int c) {
        if (c == VARIATION_SELECTOR_EMOJI) {
            return 1;
        }
        int jline = WCWidth.wcwidth(c);
        if (jline == 2 || wideSinceUnicode5(c)) {
            return 2;
        }
        int type = Character.getType(c);
        boolean joinsThePrevious = type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.FORMAT;
        return jline == 0 && joinsThePrevious ? 0 : 1;
    }

    /**
     * Blocks holding characters that are wide (East Asian Width W) since Unicode 9 but one column in
     * JLine's table: miscellaneous technical, geometric shapes, symbols and dingbats, symbols and
     * arrows (emoji presentation: {@code ⌚ ⏩ ⚡ ✅ ⭐}), the Hangul initials of Jamo Extended-A, and
     * the ideographs and kana of the supplementary plane. Whole blocks, so some one-column symbols
     * count two: harmless.
     */
    private static boolean wideSinceUnicode5(int c) {
        return (c >= 0x2300 && c <= 0x23FF) || (c >= 0x25A0 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF)
                || (c >= 0xA960 && c <= 0xA97F) || (c >= 0x16FE0 && c <= 0x1B2FF);
    }
}
