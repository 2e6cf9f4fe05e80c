package io.roomcast.internal.room;

import java.lang.Character.UnicodeScript;
import java.text.Normalizer;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The username rule: 1 to {@value #MAX_CODE_POINTS} characters after NFC normalisation, each a
 * letter, a digit, {@code _}, {@code -} or {@code .}; no invisible (default-ignorable or format)
 * characters; all letters in one script, except that Latin may be mixed with Han, Hiragana and
 * Katakana (Japanese), with Han and Hangul (Korean), or with Han and Bopomofo (Chinese), as in the
 * "highly restrictive" level of UTS #39. Characters of the Common and Inherited scripts (digits,
 * {@code _}, {@code -}, {@code .}) go with any script.
 *
 * <p>A name is shown as typed, in NFC. It is compared by its {@link #key key}: NFKC and case
 * folded, so that compatibility forms collide with their plain forms ({@code joan１} with a
 * fullwidth digit is the same name as {@code JOAN1}). Each character's NFKC form must follow the
 * rule too, and scripts are judged on it, so a compatibility letter cannot smuggle in a space or
 * a second script. Clients check the rule before they connect; the server checks it again.
 */
public final class Username {
    private Username() {
    }

    /** The most characters (Unicode code points) in a username. */
    public static final int MAX_CODE_POINTS = 32;

    /** The rule, in words, for error messages. */
    public static final String RULE = "a username is 1 to " + MAX_CODE_POINTS
            + " characters, each a letter, a digit, '_', '-' or '.', none of them invisible; its letters are all"
            + " in one script or drawn from only one of Latin+Han+Hiragana+Katakana, Latin+Han+Hangul or"
            + " Latin+Han+Bopomofo; names are compared ignoring case and compatibility forms (NFKC), so a"
            + " fullwidth 'joan1' is the name 'joan1'";

    /** The script sets a name's letters may be drawn from when they are not all in one script (UTS #39, highly restrictive). */
    private static final List<Set<UnicodeScript>> ALLOWED_MIXES = List.of(
            EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA),
            EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HANGUL),
            EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.BOPOMOFO));

    /** The NFC normal form of {@code raw}: the form in which usernames are stored and shown. */
    public static String normalize(String raw) {
        return Normalizer.normalize(raw, Normalizer.Form.NFC);
    }

    /**
     * What is wrong with {@code raw} under the rule, or empty if it is a valid username.
     * The message names the offending character, with its code point, when there is one.
     */
    public static Optional<String> problem(String raw) {
        String name = normalize(raw);
        int count = name.codePointCount(0, name.length());
        if (count == 0) {
            return Optional.of("the username is empty; " + RULE);
        }
        if (count > MAX_CODE_POINTS) {
            return Optional.of("the username has " + count + " characters; " + RULE);
        }
        Set<UnicodeScript> scripts = EnumSet.noneOf(UnicodeScript.class);
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            Optional<String> charProblem = characterProblem(cp);
            if (charProblem.isPresent()) {
                return Optional.of("the username contains " + charProblem.get() + "; " + RULE);
            }
            String compatible = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC);
            for (int j = 0; j < compatible.length(); ) {
                int ccp = compatible.codePointAt(j);
                j += Character.charCount(ccp);
                // a combining mark may come out of a letter (halfwidth katakana voiced mark U+FF9E gives U+3099)
                Optional<String> compatibleProblem = isMark(ccp) && !isInvisible(ccp) ? Optional.empty()
                        : characterProblem(ccp);
                if (compatibleProblem.isPresent()) {
                    return Optional.of("the username contains " + describe(cp) + ", whose compatibility form (NFKC) has "
                            + compatibleProblem.get() + "; " + RULE);
                }
                UnicodeScript script = UnicodeScript.of(ccp);
                if (script != UnicodeScript.COMMON && script != UnicodeScript.INHERITED && scripts.add(script)
                        && !mixAllowed(scripts)) {
                    scripts.remove(script);
                    return Optional.of("the username mixes scripts: " + describe(cp) + " is " + scriptName(script)
                            + ", the letters before it " + scripts.stream().map(Username::scriptName)
                            .collect(Collectors.joining(" and ")) + "; " + RULE);
                }
            }
        }
        return Optional.empty();
    }

    /** {@code true} if {@code raw} follows the rule. */
    public static boolean isValid(String raw) {
        return problem(raw).isEmpty();
    }

    /**
     * The key under which usernames are compared: equal keys are the same username ignoring case
     * and compatibility forms (NFKC), so {@code joan１} (fullwidth one), {@code JOAN1} and
     * {@code joan1} share a key.
     */
    public static String key(String name) {
        // upper then lower folds the cases that lower alone misses (such as final sigma); NFKC again after folding
        String compatible = Normalizer.normalize(name, Normalizer.Form.NFKC);
        return Normalizer.normalize(compatible.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT), Normalizer.Form.NFKC);
    }

    /** {@code true} for the characters that show nothing: default-ignorable code points and format characters. */
    static boolean isInvisible(int cp) {
        return cp == 0x00AD                         // soft hyphen
                || cp == 0x034F                     // combining grapheme joiner
                || cp == 0x061C                     // Arabic letter mark
                || cp == 0x115F || cp == 0x1160     // Hangul choseong and jungseong fillers
                || cp == 0x17B4 || cp == 0x17B5     // Khmer inherent vowels
                || (cp >= 0x180B && cp <= 0x180F)   // Mongolian free variation selectors and vowel separator
                || (cp >= 0x200B && cp <= 0x200F)   // zero-width space, joiners, direction marks
                || (cp >= 0x202A && cp <= 0x202E)   // bidi embeddings and overrides
                || (cp >= 0x2060 && cp <= 0x206F)   // word joiner, invisible operators, bidi isolates
                || cp == 0x3164                     // Hangul filler
                || (cp >= 0xFE00 && cp <= 0xFE0F)   // variation selectors
                || cp == 0xFEFF                     // zero-width no-break space (BOM)
                || cp == 0xFFA0                     // halfwidth Hangul filler
                || (cp >= 0xFFF0 && cp <= 0xFFF8)   // reserved default-ignorable
                || (cp >= 0x1BCA0 && cp <= 0x1BCA3) // shorthand format controls
                || (cp >= 0x1D173 && cp <= 0x1D17A) // musical symbol format controls
                || (cp >= 0xE0000 && cp <= 0xE0FFF) // tags, variation selectors supplement, reserved
                || Character.getType(cp) == Character.FORMAT;
    }

    private static Optional<String> characterProblem(int cp) {
        if (isInvisible(cp)) {
            return Optional.of("the invisible character " + codePoint(cp));
        }
        if (!(Character.isLetterOrDigit(cp) || cp == '_' || cp == '-' || cp == '.')) {
            return Optional.of(describe(cp));
        }
        return Optional.empty();
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean mixAllowed(Set<UnicodeScript> scripts) {
        return scripts.size() <= 1 || ALLOWED_MIXES.stream().anyMatch(allowed -> allowed.containsAll(scripts));
    }

    private static String scriptName(UnicodeScript script) {
        String name = script.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static String describe(int cp) {
        if (Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || isInvisible(cp)
                || !Character.isDefined(cp)) {
            return codePoint(cp);
        }
        return "'" + new String(Character.toChars(cp)) + "' (" + codePoint(cp) + ")";
    }

    private static String codePoint(int cp) {
        return String.format("U+%04X", cp);
    }
}
