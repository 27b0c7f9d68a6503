package dev.faas.ports.out;

import dev.faas.ports.model.Activation;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.Schedule;
import dev.faas.ports.model.ScheduleId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where schedules live, shared by every node on one database. A tick fires on one node only: {@link #fire} moves a
 * schedule's {@code nextFireAt} on only if it is still the one the node read (the schedule's lease on that tick), and
 * queues the tick's call in the same transaction. Thread-safe.
 */
public interface ScheduleStore {

    void add(Schedule schedule);

    Optional<Schedule> find(ScheduleId id);

    /** The schedules of {@code function}, oldest first. */
    List<Schedule> list(FunctionName function);

    /** Deletes the schedule if it belongs to {@code function}; false when there was none. */
    boolean delete(FunctionName function, ScheduleId id);

    /** At most {@code max} schedules whose next tick is at or before {@code now}, earliest first. */
    List<Schedule> due(Instant now, int max);

    /**
     * Fires one tick, if no node fired it yet: when the schedule's {@code nextFireAt} is still {@code expected}, sets
     * it to {@code next} (null: the expression has no more ticks), adds {@code missedTicks} to its missed count, and
     * queues {@code call} (counted as fired) or, when {@code call} is null, counts the tick as missed too.
     *
     * @return whether this caller fired the tick (false: another node did, or the schedule was deleted)
     */
    boolean fire(ScheduleId id, Instant expected, Instant next, long missedTicks, Activation call, Instant now);
}
