package io.roomcast.examples;

import java.util.Locale;

/**
 * Text from the room made safe to print on a terminal: nothing another member chose (message
 * text, a username, a room name, the detail of a refusal) can move the cursor, start an escape
 * sequence, reorder what is shown, or begin a line that looks like another message.
 *
 * <ul>
 *   <li>A newline ({@code \n}, {@code \r\n}) becomes {@code ⏎} and a tab {@code ⇥}: the text stays
 *       on its one line, and a line break inside it shows.</li>
 *   <li>Every other C0 control and DEL becomes caret notation: ESC is {@code ^[}, BEL {@code ^G},
 *       a lone CR {@code ^M}, NUL {@code ^@}, DEL {@code ^?}.</li>
 *   <li>C1 controls (U+0080–U+009F), format characters ({@link Character#FORMAT}: the bidi
 *       marks, embeddings, overrides and isolates, zero-width characters, U+FEFF, tag
 *       characters), the line and paragraph separators U+2028/U+2029 and unpaired surrogates
 *       become {@code <U+202E>} and the like.</li>
 *   <li>So do the letters and the symbol that take a column but show nothing (U+115F, U+1160,
 *       U+3164 and U+FFA0, the Hangul fillers, and U+2800, the blank Braille pattern): filler that
 *       looks like spaces, yet is not, and passes for a blank name or line.</li>
 *   <li>Everything else, ordinary non-ASCII and emoji included, passes through unchanged.</li>
 * </ul>
 *
 * <p>Only text from outside is escaped; the apps' own prompts, fixed text and colours are not.
 * Escaping keeps a message on its line; at a terminal, {@link TerminalRows} keeps the terminal
 * from wrapping that line into a row that starts with the sender's text.
 */
public final class TerminalText {
    /** What a newline in the text is shown as. */
    static final String NEWLINE = "\u23CE";
    /** What a tab in the text is shown as. */
    static final String TAB = "\u21E5";

    private TerminalText() {
    }

    /** {@code untrusted} with every character that could act on a terminal made visible; {@code null} stays {@code null}. */
    public static String escape(String untrusted) {
        if (untrusted == null) {
            return null;
        }
        if (untrusted.codePoints().allMatch(TerminalText::harmless)) {
            return untrusted; // the common case: nothing to copy
        }
        StringBuilder shown = new StringBuilder(untrusted.length() + 16);
        for (int i = 0; i < untrusted.length(); ) {
            int c = untrusted.codePointAt(i);
            i += Character.charCount(c);
            if (harmless(c)) {
                shown.appendCodePoint(c);
            } else if (c == '\n') {
                shown.append(NEWLINE);
            } else if (c == '\r' && i < untrusted.length() && untrusted.charAt(i) == '\n') {
                shown.append(NEWLINE); // CR LF is one line break
                i++;
            } else if (c == '\t') {
                shown.append(TAB);
            } else if (c < 0x20 || c == 0x7F) {
                shown.append('^').append((char) (c ^ 0x40)); // ESC ^[, BEL ^G, NUL ^@, DEL ^?
            } else {
                shown.append(String.format(Locale.ROOT, "<U+%04X>", c));
            }
        }
        return shown.toString();
    }

    /** Whether a code point is shown as itself. */
    private static boolean harmless(int c) {
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
            return false; // C0, DEL, C1
        }
        if (c < 0x7F) {
            return true;
        }
        if (c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || c == 0x2800) {
            return false; // blank-looking letters and the blank Braille pattern
        }
        return switch (Character.getType(c)) {
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE,
                    Character.CONTROL -> false;
            default -> true;
        };
    }
}
