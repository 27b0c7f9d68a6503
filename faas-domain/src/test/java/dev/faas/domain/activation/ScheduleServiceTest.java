package dev.faas.domain.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.adapter.memory.InMemoryActivationStore;
import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.memory.InMemoryScheduleStore;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.ScheduleNotFoundException;
import dev.faas.ports.in.CreateScheduleCommand;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationQuery;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.model.Schedule;
import dev.faas.ports.out.CronSchedules;
import dev.faas.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Schedules on two nodes sharing one store, with a clock moved by hand and a cron of fixed periods. */
class ScheduleServiceTest {

    /** "every N": a tick at each whole multiple of N seconds since the epoch. */
    private static final CronSchedules EVERY = (expression, zone) -> {
        if (!expression.startsWith("every ")) {
            throw new InvalidRequestException("cron", "not a test cron");
        }
        long seconds = Long.parseLong(expression.substring("every ".length()));
        return after -> Optional.of(Instant.ofEpochSecond((after.getEpochSecond() / seconds + 1) * seconds));
    };

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:30Z"));
    private final InMemoryFunctionRepository functions = new InMemoryFunctionRepository();
    private final InMemoryActivationStore activations = new InMemoryActivationStore();
    private final InMemoryScheduleStore schedules = new InMemoryScheduleStore(activations);
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final ScheduleService nodeA = node();
    private final ScheduleService nodeB = node();
    private final FunctionName cleanup = FunctionName.of("cleanup");

    private ScheduleService node() {
        return new ScheduleService(schedules, functions, EVERY, clock, Duration.ofSeconds(1),
                wakeUps::incrementAndGet);
    }

    private void register(FunctionName name) {
        functions.add(new NewFunctionVersion(name, "code", "user_function",
                new FunctionLimits(Duration.ofSeconds(5), 128, 4), clock.instant(), "0".repeat(64)));
    }

    private List<Activation> calls() {
        return activations.list(new ActivationQuery(cleanup, null, null, 1000));
    }

    @Test
    void everyMinute_onTwoNodes_firesOncePerMinuteForThreeMinutes() {
        register(cleanup);
        Schedule schedule = nodeA.create(new CreateScheduleCommand(cleanup, "every 60", null, "{\"deep\":true}"));
        assertThat(schedule.nextFireAt()).isEqualTo(Instant.parse("2026-01-01T10:01:00Z"));

        for (int minute = 0; minute < 3; minute++) {
            clock.advance(Duration.ofSeconds(60));
            nodeB.tick();
            nodeA.tick();
            nodeB.tick();
        }

        assertThat(calls()).hasSize(3).allSatisfy(call -> {
            assertThat(call.functionId().toString()).isEqualTo("cleanup-1");
            assertThat(call.paramsJson()).isEqualTo("{\"deep\":true}");
        });
        Schedule after = schedules.find(schedule.id()).orElseThrow();
        assertThat(after.fired()).isEqualTo(3);
        assertThat(after.missed()).isZero();
        assertThat(after.nextFireAt()).isEqualTo(Instant.parse("2026-01-01T10:04:00Z"));
        assertThat(wakeUps.get()).as("the dispatcher woken once per fired tick").isEqualTo(3);
    }

    @Test
    void ticksWhileEveryNodeWasDown_areSkippedAndCounted_andTheLatestFiresOnce() {
        register(cleanup);
        Schedule schedule = nodeA.create(new CreateScheduleCommand(cleanup, "every 60", "UTC", null));

        clock.advance(Duration.ofMinutes(10));
        nodeA.tick();
        nodeB.tick();

        assertThat(calls()).hasSize(1);
        Schedule after = schedules.find(schedule.id()).orElseThrow();
        assertThat(after.fired()).isEqualTo(1);
        assertThat(after.missed()).isEqualTo(9);
        assertThat(after.nextFireAt()).isEqualTo(Instant.parse("2026-01-01T10:11:00Z"));
    }

    @Test
    void aTickOfAFunctionWithNoLiveVersion_isCountedMissed() {
        register(cleanup);
        Schedule schedule = nodeA.create(new CreateScheduleCommand(cleanup, "every 60", "UTC", null));
        functions.deleteAll(cleanup);

        clock.advance(Duration.ofSeconds(60));
        nodeA.tick();

        assertThat(calls()).isEmpty();
        assertThat(schedules.find(schedule.id()).orElseThrow().missed()).isEqualTo(1);
    }

    @Test
    void create_refusesBadInputAndUnknownFunctions() {
        register(cleanup);

        assertThatThrownBy(() -> nodeA.create(new CreateScheduleCommand(cleanup, "every 60", "Mars/Olympus", null)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("timezone"));
        assertThatThrownBy(() -> nodeA.create(new CreateScheduleCommand(cleanup, "sometimes", "UTC", null)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("cron"));
        assertThatThrownBy(() -> nodeA.create(new CreateScheduleCommand(FunctionName.of("ghost"), "every 60", "UTC",
                null))).isInstanceOf(FunctionNotFoundException.class);
        assertThatThrownBy(() -> new CreateScheduleCommand(cleanup, " ", "UTC", null))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void delete_removesOnlyTheFunctionsOwnSchedule() {
        register(cleanup);
        register(FunctionName.of("other"));
        Schedule schedule = nodeA.create(new CreateScheduleCommand(cleanup, "every 60", "UTC", null));

        assertThatThrownBy(() -> nodeA.delete(FunctionName.of("other"), schedule.id()))
                .isInstanceOf(ScheduleNotFoundException.class);
        nodeA.delete(cleanup, schedule.id());

        assertThat(nodeA.schedules(cleanup)).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(nodeA.tick()).isZero();
    }
}
