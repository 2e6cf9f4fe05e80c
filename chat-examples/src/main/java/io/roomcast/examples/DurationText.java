package io.roomcast.examples;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as a host types them at the server console: a number and a unit, {@code 30s},
 * {@code 10m}, {@code 2h}, {@code 1d}, or several of them, {@code 1h30m}. Units are seconds,
 * minutes, hours and days, in either case. At most {@link #LONGEST}, so that a slip of the
 * finger cannot ban someone for a thousand years.
 */
public final class DurationText {
    /** The longest duration accepted: 365 days. */
    static final Duration LONGEST = Duration.ofDays(365);

    private static final String EXAMPLES = "such as 30s, 10m, 2h, 1d or 1h30m";
    private static final Pattern WHOLE = Pattern.compile("(\\d{1,9}[smhd])+");
    private static final Pattern PART = Pattern.compile("(\\d{1,9})([smhd])");

    private DurationText() {
    }

    /**
     * The duration {@code text} says.
     *
     * @throws IllegalArgumentException saying what is wrong, with examples, if {@code text} is not a
     *                                  duration, is zero, or is longer than {@link #LONGEST}
     */
    public static Duration parse(String text) {
        String lower = text.strip().toLowerCase(Locale.ROOT);
        if (!WHOLE.matcher(lower).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: give a number and a unit (s, m, h, d), "
                    + EXAMPLES);
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(lower);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1)); // at most 9 digits: no overflow below
            total = total.plus(switch (part.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        }
        if (total.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is no time at all: give a positive duration, " + EXAMPLES);
        }
        if (total.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long: at most " + format(LONGEST));
        }
        return total;
    }

    /** {@code duration} as {@link #parse} reads it, to the second: {@code 1h30m}, {@code 45s}, {@code 2d}. */
    public static String format(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds == 0) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long[] sizes = {86_400, 3_600, 60, 1};
        char[] units = {'d', 'h', 'm', 's'};
        for (int i = 0; i < sizes.length; i++) {
            if (seconds >= sizes[i]) {
                text.append(seconds / sizes[i]).append(units[i]);
                seconds %= sizes[i];
            }
        }
        return text.toString();
    }
}
