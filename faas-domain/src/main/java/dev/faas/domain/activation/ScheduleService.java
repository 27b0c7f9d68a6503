package dev.faas.domain.activation;

import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.ScheduleNotFoundException;
import dev.faas.ports.in.CreateScheduleCommand;
import dev.faas.ports.in.ManageSchedulesUseCase;
import dev.faas.ports.model.Activation;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.Schedule;
import dev.faas.ports.model.ScheduleId;
import dev.faas.ports.out.CronSchedules;
import dev.faas.ports.out.FunctionRepository;
import dev.faas.ports.out.ScheduleStore;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Schedules: each tick of a schedule's cron expression queues an asynchronous call of its function's newest version.
 * Every node looks for due ticks every poll interval and tries to fire them; the store lets one node fire each tick.
 * A node that comes back after every node was down fires the latest tick that has come and counts the earlier ones
 * as missed, so a long outage does not end in a burst of calls. Times come from the injected clock. Thread-safe.
 */
public final class ScheduleService implements ManageSchedulesUseCase, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ScheduleService.class.getName());
    private static final int DUE_BATCH = 100;
    /** More missed ticks than this (a per-second schedule after a long outage) are counted without stepping. */
    private static final int MAX_STEPS = 100_000;

    private final ScheduleStore store;
    private final FunctionRepository functions;
    private final CronSchedules cron;
    private final Clock clock;
    private final Duration pollInterval;
    private final Runnable callsQueued;
    private final CountDownLatch closing = new CountDownLatch(1);
    private Thread ticker;

    /**
     * @param callsQueued told when this node queued calls, so its dispatcher takes them at once
     */
    public ScheduleService(ScheduleStore store, FunctionRepository functions, CronSchedules cron, Clock clock,
                           Duration pollInterval, Runnable callsQueued) {
        this.store = store;
        this.functions = functions;
        this.cron = cron;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.callsQueued = callsQueued;
    }

    /** Starts looking for due ticks every poll interval. */
    public synchronized ScheduleService start() {
        if (ticker == null) {
            ticker = new Thread(this::tickLoop, "faas-schedules");
            ticker.setDaemon(true);
            ticker.start();
        }
        return this;
    }

    @Override
    public Schedule create(CreateScheduleCommand command) {
        ZoneId zone = zone(command.timezone());
        CronSchedules.CronSchedule schedule = cron.parse(command.cron(), zone);
        if (functions.findLatest(command.function()).isEmpty()) {
            throw new FunctionNotFoundException(command.function());
        }
        Instant now = clock.instant();
        Instant next = schedule.nextAfter(now).orElseThrow(() -> new InvalidRequestException("cron",
                "the cron expression has no tick after now"));
        Schedule created = new Schedule(ScheduleId.random(), command.function(), command.cron().strip(),
                zone.getId(), command.paramsJson(), now, next, 0, 0, null);
        store.add(created);
        return created;
    }

    @Override
    public List<Schedule> schedules(FunctionName function) {
        List<Schedule> schedules = store.list(function);
        if (schedules.isEmpty() && functions.findLatest(function).isEmpty()) {
            throw new FunctionNotFoundException(function);
        }
        return schedules;
    }

    @Override
    public void delete(FunctionName function, ScheduleId id) {
        if (!store.delete(function, id)) {
            throw new ScheduleNotFoundException(id);
        }
    }

    /** Fires the ticks that have come; returns how many calls this node queued. */
    public int tick() {
        Instant now = clock.instant();
        int queued = 0;
        for (Schedule schedule : store.due(now, DUE_BATCH)) {
            try {
                if (fire(schedule, now)) {
                    queued++;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "schedule " + schedule.id() + " of " + schedule.function()
                        + " could not fire; will retry: " + e.getMessage());
            }
        }
        if (queued > 0) {
            callsQueued.run();
        }
        return queued;
    }

    private boolean fire(Schedule schedule, Instant now) {
        CronSchedules.CronSchedule ticks = cron.parse(schedule.cron(), ZoneId.of(schedule.timezone()));
        Instant latestDue = schedule.nextFireAt();
        long missed = 0;
        Optional<Instant> next = ticks.nextAfter(latestDue);
        while (next.isPresent() && !next.get().isAfter(now) && missed < MAX_STEPS) {
            missed++;
            latestDue = next.get();
            next = ticks.nextAfter(latestDue);
        }
        if (missed >= MAX_STEPS) {
            next = ticks.nextAfter(now);
        }
        Optional<FunctionDefinition> latest = functions.findLatest(schedule.function());
        Activation call = latest.map(definition -> Activation.queued(definition.id(), schedule.paramsJson(), now,
                definition.options().attemptsAllowed(), null)).orElse(null);
        boolean fired = store.fire(schedule.id(), schedule.nextFireAt(), next.orElse(null), missed, call, now);
        if (fired && missed > 0) {
            LOG.log(System.Logger.Level.INFO, "schedule " + schedule.id() + " of " + schedule.function() + " skipped "
                    + missed + " ticks that came while no node fired them");
        }
        return fired && call != null;
    }

    private void tickLoop() {
        try {
            while (!closing.await(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    tick();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "looking for due schedules failed; will retry: "
                            + e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ZoneId zone(String timezone) {
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new InvalidRequestException("timezone", "'" + timezone + "' is not a timezone such as UTC or"
                    + " Europe/Paris");
        }
    }

    @Override
    public void close() {
        closing.countDown();
    }
}
