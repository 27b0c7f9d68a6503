package dev.faas.ports.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A function called on a cron schedule: each tick queues an asynchronous call of the name's newest version with
 * {@code paramsJson}. {@code nextFireAt} is the next tick not yet fired; {@code fired} counts the ticks that queued a
 * call, {@code missed} those skipped (every node was down, or no version of the function was live).
 */
public record Schedule(
        ScheduleId id,
        FunctionName function,
        String cron,
        String timezone,
        String paramsJson,
        Instant createdAt,
        Instant nextFireAt,
        long fired,
        long missed,
        Instant lastFiredAt) {

    public Schedule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(timezone, "timezone");
        Objects.requireNonNull(paramsJson, "paramsJson");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
