package dev.faas.ports.model;

import dev.faas.ports.error.InvalidRequestException;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** The id of an activation: 32 lower-case hex digits, random, so ids cannot be guessed from one another. */
public record ActivationId(String value) {

    private static final Pattern FORM = Pattern.compile("[0-9a-f]{32}");

    public ActivationId {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new InvalidRequestException("activationId", "an activation id is 32 lower-case hex digits");
        }
    }

    public static ActivationId random() {
        return new ActivationId(UUID.randomUUID().toString().replace("-", ""));
    }

    @Override
    public String toString() {
        return value;
    }
}
