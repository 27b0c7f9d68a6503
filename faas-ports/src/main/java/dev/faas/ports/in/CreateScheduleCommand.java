package dev.faas.ports.in;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.model.FunctionName;
import java.util.Objects;

/** A schedule to create: a cron expression in a timezone ({@code UTC} unless given) and the calls' params. */
public record CreateScheduleCommand(FunctionName function, String cron, String timezone, String paramsJson) {

    public CreateScheduleCommand {
        Objects.requireNonNull(function, "function");
        if (cron == null || cron.isBlank()) {
            throw new InvalidRequestException("cron", "a cron expression is required, such as \"*/5 * * * *\"");
        }
        if (cron.length() > 200) {
            throw new InvalidRequestException("cron", "a cron expression is at most 200 characters");
        }
        timezone = timezone == null ? "UTC" : timezone;
        paramsJson = paramsJson == null ? "{}" : paramsJson;
    }
}
