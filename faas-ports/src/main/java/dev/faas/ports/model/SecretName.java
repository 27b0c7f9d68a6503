package dev.faas.ports.model;

import dev.faas.ports.error.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * The name of a stored secret, which is also its file name under {@code /run/secrets} in an instance: a letter or
 * digit, then letters, digits, {@code _}, {@code .} or {@code -}, at most 64 characters (Docker's secret names).
 */
public record SecretName(String value) implements Comparable<SecretName> {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public SecretName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidRequestException("name", "a secret's name is a letter or digit, then letters, digits,"
                    + " '_', '.' or '-', at most 64 characters");
        }
    }

    public static SecretName of(String value) {
        return new SecretName(value);
    }

    /** Whether {@code value} is a valid name, without throwing. */
    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    @Override
    public int compareTo(SecretName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
