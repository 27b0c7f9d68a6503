package dev.faas.ports.model;

import dev.faas.ports.error.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * The public handle of an API key, such as {@code key_3f9a0c1d2b4e5f60}: safe to log, list and put in a URL. It says
 * nothing about the key itself.
 */
public record ApiKeyId(String value) {

    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    public ApiKeyId {
        if (value == null || !PATTERN.matcher(value).matches()) {
            throw new InvalidRequestException("id",
                    "an API key id is 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
        }
    }

    public static ApiKeyId of(String value) {
        return new ApiKeyId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
