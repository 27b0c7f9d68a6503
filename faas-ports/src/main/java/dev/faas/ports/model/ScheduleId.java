package dev.faas.ports.model;

import dev.faas.ports.error.InvalidRequestException;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** The id of a schedule: 32 lower-case hex digits, random. */
public record ScheduleId(String value) {

    private static final Pattern FORM = Pattern.compile("[0-9a-f]{32}");

    public ScheduleId {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new InvalidRequestException("scheduleId", "a schedule id is 32 lower-case hex digits");
        }
    }

    public static ScheduleId random() {
        return new ScheduleId(UUID.randomUUID().toString().replace("-", ""));
    }

    @Override
    public String toString() {
        return value;
    }
}
