package dev.faas.adapter.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.out.CronSchedules;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CronUtilsSchedulesTest {

    private final CronUtilsSchedules schedules = new CronUtilsSchedules();

    @Test
    void fiveFields_stepAsCrontabDoes() {
        CronSchedules.CronSchedule everyFive = schedules.parse("*/5 * * * *", ZoneOffset.UTC);

        assertThat(everyFive.nextAfter(Instant.parse("2026-01-01T10:02:30Z")))
                .contains(Instant.parse("2026-01-01T10:05:00Z"));
        assertThat(everyFive.nextAfter(Instant.parse("2026-01-01T10:05:00Z")))
                .contains(Instant.parse("2026-01-01T10:10:00Z"));
    }

    @Test
    void sixFields_haveSecondsFirst() {
        assertThat(schedules.parse("*/2 * * * * *", ZoneOffset.UTC).nextAfter(Instant.parse("2026-01-01T10:00:01Z")))
                .contains(Instant.parse("2026-01-01T10:00:02Z"));
    }

    @Test
    void theTimezoneDecidesWhenADailyTickComes() {
        CronSchedules.CronSchedule nineInParis = schedules.parse("0 9 * * *", ZoneId.of("Europe/Paris"));

        assertThat(nineInParis.nextAfter(Instant.parse("2026-07-01T00:00:00Z")))
                .contains(Instant.parse("2026-07-01T07:00:00Z"));
        assertThat(nineInParis.nextAfter(Instant.parse("2026-01-01T00:00:00Z")))
                .contains(Instant.parse("2026-01-01T08:00:00Z"));
    }

    @Test
    void malformedExpressions_areInvalidRequestsNamingTheCronField() {
        for (String bad : new String[] {"", "* * *", "61 * * * *", "* * * * * * * *", "every minute please",
                "*/0 * * * *"}) {
            assertThatThrownBy(() -> schedules.parse(bad, ZoneOffset.UTC)).as(bad)
                    .isInstanceOfSatisfying(InvalidRequestException.class,
                            e -> assertThat(e.field()).isEqualTo("cron"));
        }
    }
}
