package dev.faas.adapter.memory;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.Schedule;
import dev.faas.ports.model.ScheduleId;
import dev.faas.ports.out.ScheduleStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ScheduleStore} in memory, queuing its ticks' calls in an {@link InMemoryActivationStore}; the same
 * one-fire-per-tick semantics as the database store, on one node. Thread-safe.
 */
public final class InMemoryScheduleStore implements ScheduleStore {

    private final InMemoryActivationStore activations;
    private final Map<ScheduleId, Schedule> schedules = new LinkedHashMap<>();

    public InMemoryScheduleStore(InMemoryActivationStore activations) {
        this.activations = Objects.requireNonNull(activations, "activations");
    }

    @Override
    public synchronized void add(Schedule schedule) {
        if (schedules.putIfAbsent(schedule.id(), millis(schedule)) != null) {
            throw new IllegalArgumentException("schedule " + schedule.id() + " already exists");
        }
    }

    @Override
    public synchronized Optional<Schedule> find(ScheduleId id) {
        return Optional.ofNullable(schedules.get(id));
    }

    @Override
    public synchronized List<Schedule> list(FunctionName function) {
        return schedules.values().stream().filter(schedule -> schedule.function().equals(function))
                .sorted(Comparator.comparing(Schedule::createdAt)).toList();
    }

    @Override
    public synchronized boolean delete(FunctionName function, ScheduleId id) {
        Schedule schedule = schedules.get(id);
        if (schedule == null || !schedule.function().equals(function)) {
            return false;
        }
        schedules.remove(id);
        return true;
    }

    @Override
    public synchronized List<Schedule> due(Instant now, int max) {
        return schedules.values().stream()
                .filter(schedule -> schedule.nextFireAt() != null && !schedule.nextFireAt().isAfter(now))
                .sorted(Comparator.comparing(Schedule::nextFireAt)).limit(max).toList();
    }

    @Override
    public synchronized boolean fire(ScheduleId id, Instant expected, Instant next, long missedTicks,
                                     Activation call, Instant now) {
        Schedule current = schedules.get(id);
        if (current == null || !Objects.equals(current.nextFireAt(), expected)) {
            return false;
        }
        if (call != null) {
            activations.add(call);
        }
        schedules.put(id, millis(new Schedule(current.id(), current.function(), current.cron(), current.timezone(),
                current.paramsJson(), current.createdAt(), next, current.fired() + (call == null ? 0 : 1),
                current.missed() + missedTicks + (call == null ? 1 : 0),
                call == null ? current.lastFiredAt() : now)));
        return true;
    }

    private static Schedule millis(Schedule s) {
        return new Schedule(s.id(), s.function(), s.cron(), s.timezone(), s.paramsJson(), ms(s.createdAt()),
                ms(s.nextFireAt()), s.fired(), s.missed(), ms(s.lastFiredAt()));
    }

    private static Instant ms(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
