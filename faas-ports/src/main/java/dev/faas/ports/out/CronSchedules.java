package dev.faas.ports.out;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/** Reads cron expressions. Thread-safe. */
public interface CronSchedules {

    /**
     * The schedule {@code expression} describes in {@code zone}: five fields (minute, hour, day of month, month, day
     * of week, as in crontab) or six (a seconds field first).
     *
     * @throws dev.faas.ports.error.InvalidRequestException (field {@code cron}) if it is not such an expression
     */
    CronSchedule parse(String expression, ZoneId zone);

    /** One parsed expression. Thread-safe. */
    interface CronSchedule {

        /** The first tick strictly after {@code after}; empty when there is none. */
        Optional<Instant> nextAfter(Instant after);
    }
}
