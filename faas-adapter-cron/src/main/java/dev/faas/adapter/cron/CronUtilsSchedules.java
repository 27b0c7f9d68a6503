package dev.faas.adapter.cron;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.out.CronSchedules;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * {@link CronSchedules} by cron-utils: five fields as in crontab (UNIX definition), or six with a seconds field
 * first (Spring's definition). Thread-safe: parsers and execution times are immutable.
 */
public final class CronUtilsSchedules implements CronSchedules {

    private static final CronParser FIVE_FIELDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(
            CronType.UNIX));
    private static final CronParser SIX_FIELDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(
            CronType.SPRING53));

    @Override
    public CronSchedule parse(String expression, ZoneId zone) {
        String trimmed = expression == null ? "" : expression.strip();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        CronParser parser = switch (fields) {
            case 5 -> FIVE_FIELDS;
            case 6 -> SIX_FIELDS;
            default -> throw new InvalidRequestException("cron", "a cron expression has 5 fields (minute hour"
                    + " day-of-month month day-of-week, such as \"*/5 * * * *\") or 6 (seconds first), not "
                    + fields);
        };
        Cron cron;
        try {
            cron = parser.parse(trimmed).validate();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("cron", "not a valid cron expression: " + e.getMessage());
        }
        ExecutionTime execution = ExecutionTime.forCron(cron);
        return after -> execution.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }
}
