package dev.faas.app;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the seed's durations: a whole number and a unit, {@code 500ms}, {@code 30s}, {@code 1m}, {@code 2h}. */
public final class DurationParser {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private DurationParser() {
    }

    public static Duration parse(String variable, String text) {
        Matcher matcher = DURATION.matcher(text.strip());
        if (!matcher.matches()) {
            throw new ConfigException(variable + "='" + text
                    + "' is not a duration: use a whole number and a unit, such as 500ms, 30s, 1m or 2h");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }
}
