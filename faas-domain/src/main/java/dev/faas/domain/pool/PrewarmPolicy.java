package dev.faas.domain.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * How big the pre-warm stock should be. {@code floor} ({@code FAAS_PREWARM}) is always kept; each first call that
 * could have taken a pre-warmed instance but found the stock empty raises the target by one, up to {@code max}
 * ({@code FAAS_PREWARM_MAX}), so the next burst of as many first calls finds the stock ready; stock instances left
 * unused for a while ({@code DELETE_AFTER}) are stopped and the target falls back towards the floor. A floor
 * of 0 turns pre-warming off. Pure functions.
 */
public record PrewarmPolicy(int floor, int max, int parallelStarts) {

    /**
     * Stock starts under way at once. Measured on a 2-core Docker engine, 4 parallel starts cost 380 ms each against
     * 1000 ms alone, and 8 or 16 no less than 4: more only queue in the engine, where they slow the cold starts of
     * waiting calls.
     */
    public static final int DEFAULT_PARALLEL_STARTS = 4;

    public PrewarmPolicy {
        if (floor < 0 || max < floor) {
            throw new IllegalArgumentException("need 0 <= floor <= max, got floor " + floor + ", max " + max);
        }
        if (parallelStarts < 1) {
            throw new IllegalArgumentException("parallelStarts must be at least 1, got " + parallelStarts);
        }
    }

    public PrewarmPolicy(int floor, int max) {
        this(floor, max, DEFAULT_PARALLEL_STARTS);
    }

    /** The target after a first call found the stock empty. */
    public int afterMiss(int target) {
        return floor == 0 ? 0 : Math.min(max, target + 1);
    }

    /**
     * How many stock instances of {@code memoryMb} to start now, all at once: what the target lacks, at most
     * {@code parallelStarts} under way in all, within the free slots and memory; none while calls wait for room.
     */
    public int toStart(int target, int ready, int starting, int freeSlots, long freeMemoryMb, int memoryMb,
                       boolean callsWaiting) {
        if (callsWaiting || floor == 0) {
            return 0;
        }
        long byMemory = memoryMb <= 0 ? Long.MAX_VALUE : freeMemoryMb / memoryMb;
        long lacking = Math.min(target - ready - starting, parallelStarts - starting);
        return (int) Math.max(0, Math.min(lacking, Math.min(freeSlots, byMemory)));
    }

    /**
     * Which stock instances to stop now: those ready for at least {@code unusedFor}, oldest first, as long as the stock
     * stays at or above the floor; and the target that follows (lowered by as many, never below the floor).
     */
    public Shrink shrink(int target, Collection<InstanceSnapshot> stock, Instant now, Duration unusedFor) {
        int removable = Math.max(0, stock.size() - floor);
        List<InstanceSnapshot> victims = stock.stream()
                .filter(instance -> instance.idleSince() != null && !instance.idleSince().plus(unusedFor).isAfter(now))
                .sorted(Comparator.comparing(InstanceSnapshot::idleSince))
                .limit(removable)
                .toList();
        return new Shrink(Math.max(floor, target - victims.size()), victims);
    }

    /** The stock instances to stop and the new target. */
    public record Shrink(int target, List<InstanceSnapshot> victims) {
    }
}
