package dev.faas.domain.reaping;

import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.pool.InstanceSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Applies a {@link ReaperPolicy} to the pool every {@code cleanupInterval} on the injected scheduler, and lets the
 * pre-warm stock shrink back towards its floor.
 */
public final class Reaper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Reaper.class.getName());

    private final InstancePool pool;
    private final ReaperPolicy policy;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;

    /** @param scheduler runs the rounds; {@link #close} shuts it down, so give the reaper one of its own */
    public Reaper(InstancePool pool, ReaperPolicy policy, Clock clock, ScheduledExecutorService scheduler) {
        this.pool = pool;
        this.policy = policy;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    public Reaper start(Duration cleanupInterval) {
        long millis = Math.max(1, cleanupInterval.toMillis());
        scheduler.scheduleWithFixedDelay(this::reapSafely, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Stops the instances the policy selects now, and the pre-warmed instances above the stock's floor left unused as
     * long; returns how many were stopped.
     */
    public int reapOnce() {
        List<InstanceSnapshot> victims = policy.selectVictims(pool.snapshots(), clock.instant());
        int removed = victims.isEmpty() ? 0 : pool.removeIdle(victims);
        return removed + pool.shrinkStock(policy.deleteAfter());
    }

    private void reapSafely() {
        try {
            int removed = reapOnce();
            if (removed > 0) {
                LOG.log(System.Logger.Level.DEBUG, "reaped {0} idle instances", removed);
            }
        } catch (RuntimeException e) {
            // One bad round must not end the schedule.
            LOG.log(System.Logger.Level.WARNING, "reaping failed; will retry", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
