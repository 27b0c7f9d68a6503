package dev.faas.app;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the seed's durations: a whole number and a unit, {@code 500ms}, {@code 30s}, {@code 1m}, {@code 2h}, {@code 7d}. */
public final class DurationParser {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private DurationParser() {
    }

    public static Duration parse(String variable, String text) {
        Matcher matcher = DURATION.matcher(text.strip());
        if (!matcher.matches()) {
            throw new ConfigException(variable + "='" + text
                    + "' is not a duration: use a whole number and a unit, such as 500ms, 30s, 1m, 2h or 7d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofHours(amount);
        };
    }
}
