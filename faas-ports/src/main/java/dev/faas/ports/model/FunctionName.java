package dev.faas.ports.model;

import dev.faas.ports.error.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * The name a user registers a function under: a letter, then letters, digits, {@code _} or {@code -},
 * at most 64 characters.
 */
public record FunctionName(String value) implements Comparable<FunctionName> {

    public static final int MAX_LENGTH = 64;
    private static final Pattern PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    public FunctionName {
        if (value == null || value.isEmpty()) {
            throw new InvalidRequestException("name", "a function name is required");
        }
        if (!PATTERN.matcher(value).matches()) {
            throw new InvalidRequestException("name",
                    "a function name starts with a letter, continues with letters, digits, '_' or '-', and has at most "
                            + MAX_LENGTH + " characters");
        }
    }

    public static FunctionName of(String value) {
        return new FunctionName(value);
    }

    @Override
    public int compareTo(FunctionName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
