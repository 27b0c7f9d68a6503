package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.ActivationStatus;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.Schedule;
import dev.faas.ports.model.ScheduleId;
import dev.faas.ports.out.ActivationStore;
import dev.faas.ports.out.ScheduleStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ScheduleStore} must show, with the {@link ActivationStore} its ticks queue calls in;
 * subclass it once per implementation. Tests use function names and times of their own, so stores that keep one
 * database across tests pass too.
 */
public abstract class ScheduleStoreContract {

    /** A schedule store and the activation store of the same database. */
    public record Stores(ScheduleStore schedules, ActivationStore activations) {
    }

    protected abstract Stores createStores();

    private ScheduleStore schedules;
    private ActivationStore activations;
    private FunctionName function;
    private Instant base;

    @BeforeEach
    void openStores() {
        Stores stores = createStores();
        schedules = stores.schedules();
        activations = stores.activations();
        function = FunctionName.of("s" + UUID.randomUUID().toString().substring(0, 8));
        // A base time of this test's own, so other tests' schedules are never due at it.
        base = Instant.parse("1990-01-01T00:00:00Z").plusSeconds(Math.abs(UUID.randomUUID().getLeastSignificantBits()
                % 1_000_000_000L)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    }

    private Schedule schedule(Instant next) {
        Schedule schedule = new Schedule(ScheduleId.random(), function, "* * * * *", "UTC", "{\"x\":1}",
                base.minusSeconds(3600), next, 0, 0, null);
        schedules.add(schedule);
        return schedule;
    }

    private Activation call() {
        return Activation.queued(new FunctionId(function, 1), "{\"x\":1}", base, 2, null);
    }

    @Test
    void added_isFoundAndListed_andDeletedOnlyThroughItsFunction() {
        Schedule first = schedule(base);
        Schedule second = schedule(base.plusSeconds(60));

        assertThat(schedules.find(first.id())).contains(first);
        assertThat(schedules.list(function)).containsExactlyInAnyOrder(first, second);
        assertThat(schedules.delete(FunctionName.of("other"), first.id())).isFalse();
        assertThat(schedules.delete(function, first.id())).isTrue();
        assertThat(schedules.delete(function, first.id())).isFalse();
        assertThat(schedules.list(function)).containsExactly(second);
    }

    @Test
    void due_listsSchedulesWhoseNextTickHasCome_earliestFirst() {
        Schedule later = schedule(base.plusSeconds(30));
        Schedule earlier = schedule(base);
        schedule(base.plusSeconds(120));

        List<Schedule> due = schedules.due(base.plusSeconds(60), 10).stream()
                .filter(schedule -> schedule.function().equals(function)).toList();

        assertThat(due).extracting(Schedule::id).containsExactly(earlier.id(), later.id());
    }

    @Test
    void fire_movesTheTickOnAndQueuesTheCall_once() {
        Schedule schedule = schedule(base);
        Activation call = call();

        assertThat(schedules.fire(schedule.id(), base, base.plusSeconds(60), 3, call, base.plusSeconds(1)))
                .isTrue();
        assertThat(schedules.fire(schedule.id(), base, base.plusSeconds(60), 3, call(), base.plusSeconds(1)))
                .as("the tick is gone").isFalse();

        Schedule fired = schedules.find(schedule.id()).orElseThrow();
        assertThat(fired.nextFireAt()).isEqualTo(base.plusSeconds(60));
        assertThat(fired.fired()).isEqualTo(1);
        assertThat(fired.missed()).isEqualTo(3);
        assertThat(fired.lastFiredAt()).isEqualTo(base.plusSeconds(1));
        assertThat(activations.find(call.id()).orElseThrow().status()).isEqualTo(ActivationStatus.QUEUED);
    }

    @Test
    void fire_withoutACall_countsTheTickMissed() {
        Schedule schedule = schedule(base);

        assertThat(schedules.fire(schedule.id(), base, base.plusSeconds(60), 0, null, base)).isTrue();

        Schedule skipped = schedules.find(schedule.id()).orElseThrow();
        assertThat(skipped.fired()).isZero();
        assertThat(skipped.missed()).isEqualTo(1);
        assertThat(skipped.lastFiredAt()).isNull();
    }

    @Test
    void givenManyNodesFiringOneTick_exactlyOneFiresIt() throws Exception {
        Schedule schedule = schedule(base);

        List<Activation> calls = Concurrently.run(8, thread -> {
            Activation call = call();
            return schedules.fire(schedule.id(), base, base.plusSeconds(60), 0, call, base) ? call : null;
        });

        List<Activation> fired = calls.stream().filter(call -> call != null).toList();
        assertThat(fired).hasSize(1);
        calls.stream().filter(call -> call != null && call != fired.get(0))
                .forEach(call -> assertThat(activations.find(call.id())).isEmpty());
        assertThat(schedules.find(schedule.id()).orElseThrow().fired()).isEqualTo(1);
    }

    @Test
    void aScheduleWithNoMoreTicks_isNeverDueAgain() {
        Schedule schedule = schedule(base);

        schedules.fire(schedule.id(), base, null, 0, call(), base);

        assertThat(schedules.due(base.plus(Duration.ofDays(3650)), 1000)).extracting(Schedule::id)
                .doesNotContain(schedule.id());
    }
}
