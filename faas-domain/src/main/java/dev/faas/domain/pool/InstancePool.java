package dev.faas.domain.pool;

import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.in.PoolStatusUseCase;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.PoolStatus;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The instances on this node, and the only owner of their starts and stops. One lock guards the whole node's state:
 * instances by version, the pre-warm stock, the reserved room (instance slots and memory, see {@link NodeCapacity})
 * and one first-come first-served queue of waiting calls. Every call is placed by the pure {@link Scheduler}; whenever
 * the state changes in a way that may serve a waiting call (an instance released, room freed by a stop, a pre-warmed
 * instance ready, a version retired, a waiting call gone) the queue is walked once and exactly the calls the
 * scheduler now places are signalled, each on its own condition: nothing polls.
 *
 * <p>Queue deadlines are read from the injected {@link Clock}; the wait itself is a timed await of the time left,
 * so a call still ends after the queue timeout of real time when a test freezes the clock. Starts of pre-warmed
 * instances and every stop run on the injected {@code background} executor; a call's own cold start runs on the
 * calling thread, which has nothing else to do meanwhile. Thread-safe.
 */
public final class InstancePool implements PoolStatusUseCase, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(InstancePool.class.getName());
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** How long a retired version stays refused by id (see {@code retiredIds}). */
    static final Duration RETIRED_MEMORY = Duration.ofMinutes(10);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final FunctionRuntime runtime;
    private final PoolSettings settings;
    private final Clock clock;
    private final Executor background;
    private final NodeCapacity capacity;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the last background start or stop has finished, for {@link #close}. */
    private final Condition backgroundIdle = lock.newCondition();
    // Everything below is guarded by lock.
    private final Map<FunctionId, Version> versions = new HashMap<>();
    /**
     * Versions retired (deleted), oldest first, with when: refused from then on. The invoker forgets a deleted
     * version before retiring it, so only a call that read its definition before the delete can still ask for it; a
     * retired id is forgotten after {@link #RETIRED_MEMORY}, far longer than such a call can take to get here, so
     * the set does not grow with every version ever deleted.
     */
    private final LinkedHashMap<FunctionId, Instant> retiredIds = new LinkedHashMap<>();
    /** Ready pre-warmed instances of every runtime, oldest first; a version takes only one of its runtime. */
    private final ArrayDeque<Stocked> stock = new ArrayDeque<>();
    /** The stock's policy, target and starts under way, per language runtime that has a stock. */
    private final Map<String, StockLine> stockLines = new LinkedHashMap<>();
    private final LinkedHashSet<Waiter> waiters = new LinkedHashSet<>();
    private int backgroundTasks;
    private boolean closed;

    /**
     * @param background runs pre-warm starts (several at once when the stock grows) and stops; the pool never shuts
     *                   it down, its owner does after {@link #close}
     */
    public InstancePool(FunctionRuntime runtime, PoolSettings settings, Clock clock, Executor background) {
        this.runtime = runtime;
        this.settings = settings;
        this.clock = clock;
        this.background = background;
        this.capacity = new NodeCapacity(settings.maxInstances(), settings.nodeMemoryMb());
        stockLines.put(VersionOptions.DEFAULT_RUNTIME,
                new StockLine(new PrewarmPolicy(settings.prewarmCount(), settings.prewarmMax())));
        settings.runtimePrewarm().forEach((stockRuntime, floor) -> stockLines.putIfAbsent(stockRuntime,
                new StockLine(new PrewarmPolicy(floor, Math.max(floor, settings.prewarmMax())))));
        lock.lock();
        try {
            refillStock();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes an instance for one call of {@code definition}'s version, waiting at most the queue timeout. The lease
     * always holds an instance: a warm one, a pre-warmed one that still needs the code, or one started cold.
     *
     * @throws CapacityExceededException when nothing became available in time or the queue is full
     * @throws UnableToStartInstanceException when the version's memory limit exceeds the node's whole budget, or the
     *     runtime could not start an instance
     * @throws FunctionNotFoundException when the version was retired (deleted)
     */
    public Lease acquire(FunctionDefinition definition) {
        return acquire(definition.id(), definition.limits().memoryMb(), definition.limits().maxInstances(),
                definition.options().runtime(), false, definition.options().network());
    }

    /**
     * Runs {@code work} on an instance with no code, taken from the pre-warm stock when it has one of
     * {@code memoryMb} (else started cold, room found the way a call finds it), then stops the instance: it is never
     * given back to the stock, since {@code work} may have loaded code into it.
     *
     * @throws CapacityExceededException when no room was found within the queue timeout
     * @throws UnableToStartInstanceException when {@code memoryMb} exceeds the node's whole memory budget
     */
    public void withThrowawayInstance(FunctionId label, int memoryMb, Consumer<Lease> work) {
        withThrowawayInstance(label, memoryMb, VersionOptions.DEFAULT_RUNTIME, work);
    }

    /** As {@link #withThrowawayInstance(FunctionId, int, Consumer)}, on an instance of the language {@code runtime}. */
    public void withThrowawayInstance(FunctionId label, int memoryMb, String runtime, Consumer<Lease> work) {
        Lease lease = acquire(label, memoryMb, Integer.MAX_VALUE, runtime, true, VersionOptions.NETWORK_NONE);
        try {
            work.accept(lease);
        } finally {
            lease.discard();
        }
    }

    private Lease acquire(FunctionId functionId, int memoryMb, int maxInstances, String runtime, boolean throwaway,
                          String network) {
        checkFitsTheBudget(throwaway ? "a code check" : "function " + functionId, memoryMb);
        boolean egress = VersionOptions.NETWORK_EGRESS.equals(network);
        Scheduler.Request request = new Scheduler.Request(functionId, memoryMb, maxInstances, runtime, egress);
        Grant grant;
        lock.lock();
        try {
            if (closed) {
                throw new CapacityExceededException("the platform is shutting down", RETRY_AFTER);
            }
            if (retiredIds.containsKey(functionId)) {
                throw new FunctionNotFoundException(functionId);
            }
            Version version = versions.computeIfAbsent(functionId,
                    id -> new Version(id, memoryMb, runtime, throwaway, network));
            Scheduler.Decision decision = Scheduler.decide(snapshot(), request, false);
            if (decision instanceof Scheduler.Reject reject) {
                forgetIfUnused(version);
                throw new CapacityExceededException(reject.reason(), RETRY_AFTER);
            }
            if (decision instanceof Scheduler.Wait wait) {
                grant = await(new Waiter(request, version, lock.newCondition(), wait.reason()));
            } else {
                grant = apply(decision, version);
            }
        } finally {
            lock.unlock();
        }
        return complete(grant);
    }

    /** Under the lock: queues the call and waits until {@link #dispatch} grants it something, or time runs out. */
    private Grant await(Waiter waiter) {
        Instant deadline = clock.instant().plus(settings.queueTimeout());
        waiter.version.waiting++;
        waiters.add(waiter);
        try {
            while (waiter.grant == null && waiter.failure == null) {
                long leftNanos = Duration.between(clock.instant(), deadline).toNanos();
                if (leftNanos <= 0 || !waiter.ready.await(leftNanos, TimeUnit.NANOSECONDS)) {
                    if (waiter.grant != null || waiter.failure != null) {
                        break;
                    }
                    throw new CapacityExceededException(waiter.reason, RETRY_AFTER);
                }
            }
            if (waiter.failure != null) {
                throw waiter.failure;
            }
            return waiter.grant;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (waiter.grant != null) {
                return waiter.grant;
            }
            throw new CapacityExceededException("interrupted while waiting for an instance", RETRY_AFTER);
        } finally {
            waiter.version.waiting--;
            if (waiters.remove(waiter)) {
                // It gave up: a call behind it may have been held back only by it.
                dispatch();
            }
            forgetIfUnused(waiter.version);
        }
    }

    /**
     * Under the lock: walks the queue in order and grants what the scheduler now places, signalling exactly those
     * calls; then refills the pre-warm stock if no call wants the room.
     */
    private void dispatch() {
        serveWaiters();
        refillStock();
    }

    /** Under the lock: the queue walk of {@link #dispatch}, without the refill. */
    private void serveWaiters() {
        if (waiters.isEmpty()) {
            return;
        }
        List<Waiter> queue = new ArrayList<>(waiters);
        // A Wait changes nothing, so the snapshot serves the next waiter too; a grant or a refusal changes the state.
        PoolSnapshot snapshot = snapshot();
        for (Waiter waiter : queue) {
            Scheduler.Decision decision = Scheduler.decide(snapshot, waiter.request, true);
            if (decision instanceof Scheduler.Wait wait) {
                waiter.reason = wait.reason();
                continue;
            }
            waiters.remove(waiter);
            if (decision instanceof Scheduler.Reject reject) {
                waiter.failure = new CapacityExceededException(reject.reason(), RETRY_AFTER);
            } else {
                waiter.grant = apply(decision, waiter.version);
            }
            waiter.ready.signal();
            snapshot = snapshot();
        }
    }

    /** Under the lock: carries out a placing decision in the state; the slow parts are left to {@link #complete}. */
    private Grant apply(Scheduler.Decision decision, Version version) {
        if (decision instanceof Scheduler.UseWarm useWarm) {
            PooledInstance warm = version.takeIdle(useWarm.instance().instanceId());
            warm.state = InstanceState.BUSY;
            return new Grant(version, StartKind.WARM, warm, List.of());
        }
        if (decision instanceof Scheduler.SpecialisePrewarmed specialise) {
            Stocked taken = takeStocked(specialise.instance().instanceId());
            // Its slot and memory pass to the call: the stock instance has the version's memory size.
            PooledInstance pooled = version.track(taken.instance);
            version.live++;
            refillStock();
            return new Grant(version, StartKind.PREWARMED, pooled, List.of());
        }
        List<Evicted> evicted = new ArrayList<>();
        if (decision instanceof Scheduler.EvictThenStart evict) {
            for (InstanceSnapshot victim : evict.victims()) {
                evicted.add(takeVictim(victim));
            }
        } else if (!(decision instanceof Scheduler.StartCold)) {
            throw new IllegalStateException("not a placing decision: " + decision);
        }
        // The victims keep their room until they have stopped; the call reserves now only what they do not free, and
        // takes theirs over once they are gone (see complete), so the reserved room never passes the node's limits.
        int victimSlots = evicted.size();
        long victimMemoryMb = evicted.stream().mapToLong(Evicted::memoryMb).sum();
        capacity.reserve(Math.max(0, 1 - victimSlots), Math.max(0, version.memoryMb - victimMemoryMb));
        version.live++;
        // An egress version never takes from the stock (its instances have no network), so it is no miss of it.
        StockLine line = stockLines.get(version.runtime);
        if (version.memoryMb == settings.prewarmMemoryMb() && line != null && !version.egress()) {
            line.target = line.policy.afterMiss(line.target);
        }
        return new Grant(version, StartKind.COLD, null, evicted);
    }

    /** Outside the lock: stops the victims, starts a cold instance if the grant needs one, and makes the lease. */
    private Lease complete(Grant grant) {
        Version version = grant.version;
        if (grant.pooled != null) {
            return new Lease(version, grant.kind, grant.pooled);
        }
        for (Evicted victim : grant.evicted) {
            stopNow(victim.instance);
        }
        if (!grant.evicted.isEmpty()) {
            int victimSlots = grant.evicted.size();
            long victimMemoryMb = grant.evicted.stream().mapToLong(Evicted::memoryMb).sum();
            lock.lock();
            try {
                // The victims' room passes to the call, as much as it needs; the rest is free for others.
                capacity.release(victimSlots, victimMemoryMb);
                capacity.reserve(Math.min(1, victimSlots), Math.min(version.memoryMb, victimMemoryMb));
                dispatch();
            } finally {
                lock.unlock();
            }
        }
        Instance started;
        try {
            started = runtime.start(version.throwaway ? InstanceSpec.prewarm(version.runtime, version.memoryMb)
                    : new InstanceSpec(version.functionId, version.memoryMb, version.runtime, version.network));
        } catch (RuntimeException e) {
            lock.lock();
            try {
                capacity.release(version.memoryMb);
                version.live--;
                forgetIfUnused(version);
                dispatch();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        lock.lock();
        try {
            return new Lease(version, StartKind.COLD, version.track(started));
        } finally {
            lock.unlock();
        }
    }

    /** Refuses at once what could never fit: waiting would only end in a misleading 429. */
    private void checkFitsTheBudget(String what, int memoryMb) {
        if (memoryMb > capacity.memoryBudgetMb()) {
            throw new UnableToStartInstanceException(what + " needs " + memoryMb + " MB of memory, more than this"
                    + " node's whole memory budget of " + capacity.memoryBudgetMb() + " MB (FAAS_NODE_MEMORY_MB)", "");
        }
    }

    /** Under the lock: the node as the scheduler sees it. */
    private PoolSnapshot snapshot() {
        List<InstanceSnapshot> instances = new ArrayList<>();
        Map<FunctionId, Integer> live = new HashMap<>();
        for (Version version : versions.values()) {
            version.addSnapshots(instances);
            if (version.live > 0) {
                live.put(version.functionId, version.live);
            }
        }
        stock.forEach(ready -> instances.add(ready.snapshot()));
        List<Scheduler.Request> waiting = new ArrayList<>(waiters.size());
        waiters.forEach(waiter -> waiting.add(waiter.request));
        return new PoolSnapshot(capacity.max(), capacity.memoryBudgetMb(), capacity.used(), capacity.usedMemoryMb(),
                settings.prewarmMemoryMb(), instances, live, waiting, settings.maxQueuedCalls());
    }

    /** Under the lock: starts, all at once, the stock instances the policy asks for. */
    private void refillStock() {
        if (closed) {
            return;
        }
        boolean callsWaitForRoom = !waiters.isEmpty() && Scheduler.anyWaitingForRoom(snapshot());
        for (Map.Entry<String, StockLine> entry : stockLines.entrySet()) {
            String stockRuntime = entry.getKey();
            StockLine line = entry.getValue();
            int count = line.policy.toStart(line.target, readyOf(stockRuntime), line.starting,
                    capacity.max() - capacity.used(), capacity.memoryBudgetMb() - capacity.usedMemoryMb(),
                    settings.prewarmMemoryMb(), callsWaitForRoom);
            for (int i = 0; i < count; i++) {
                capacity.reserve(1, settings.prewarmMemoryMb());
                line.starting++;
                runInBackground(() -> startStocked(stockRuntime, line));
            }
        }
    }

    /** Under the lock: ready stock instances of {@code stockRuntime}. */
    private int readyOf(String stockRuntime) {
        int ready = 0;
        for (Stocked stocked : stock) {
            if (stocked.runtime.equals(stockRuntime)) {
                ready++;
            }
        }
        return ready;
    }

    private void startStocked(String stockRuntime, StockLine line) {
        int memoryMb = settings.prewarmMemoryMb();
        Instance instance;
        try {
            instance = runtime.start(InstanceSpec.prewarm(stockRuntime, memoryMb));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not start a pre-warmed instance: " + e.getMessage());
            lock.lock();
            try {
                line.starting--;
                capacity.release(memoryMb);
                // No refill here: a runtime that fails every start must not be asked again in a loop.
                serveWaiters();
            } finally {
                lock.unlock();
            }
            return;
        }
        boolean stopIt;
        lock.lock();
        try {
            line.starting--;
            stopIt = closed;
            if (!stopIt) {
                stock.addLast(new Stocked(instance, clock.instant(), memoryMb, stockRuntime));
                dispatch();
            }
        } finally {
            lock.unlock();
        }
        if (stopIt) {
            stopThenFreeRoom(instance, memoryMb);
        }
    }

    private Stocked takeStocked(String instanceId) {
        for (Stocked ready : stock) {
            if (ready.instance.id().equals(instanceId)) {
                stock.remove(ready);
                return ready;
            }
        }
        throw new IllegalStateException("no pre-warmed instance " + instanceId);
    }

    /** Under the lock: takes an idle instance chosen for eviction out of the state; its room stays held. */
    private Evicted takeVictim(InstanceSnapshot victim) {
        if (victim.state() == InstanceState.PREWARM) {
            Stocked ready = takeStocked(victim.instanceId());
            return new Evicted(ready.instance, ready.memoryMb);
        }
        Version owner = versions.get(victim.functionId());
        PooledInstance pooled = owner.takeIdle(victim.instanceId());
        owner.untrack(pooled);
        return new Evicted(pooled.instance, pooled.memoryMb);
    }

    /** Snapshots of every instance, pre-warmed ones included, for reaping and metrics. */
    public List<InstanceSnapshot> snapshots() {
        lock.lock();
        try {
            List<InstanceSnapshot> snapshots = new ArrayList<>();
            versions.values().forEach(version -> version.addSnapshots(snapshots));
            stock.forEach(ready -> snapshots.add(ready.snapshot()));
            return snapshots;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and stops the given instances if they are still idle since the time their snapshot saw; an instance
     * that was used meanwhile is left alone. Returns how many were removed.
     */
    public int removeIdle(Collection<InstanceSnapshot> victims) {
        List<Evicted> toStop = new ArrayList<>();
        lock.lock();
        try {
            for (InstanceSnapshot victim : victims) {
                Version owner = victim.functionId() == null ? null : versions.get(victim.functionId());
                PooledInstance pooled = owner == null ? null : owner.idleAsSeen(victim);
                if (pooled != null) {
                    owner.takeIdle(pooled.instance.id());
                    owner.untrack(pooled);
                    forgetIfUnused(owner);
                    toStop.add(new Evicted(pooled.instance, pooled.memoryMb));
                }
            }
            if (!toStop.isEmpty()) {
                dispatch();
            }
        } finally {
            lock.unlock();
        }
        toStop.forEach(stopped -> stopThenFreeRoom(stopped.instance, stopped.memoryMb));
        return toStop.size();
    }

    /**
     * Stops the pre-warmed instances the stock no longer needs: those unused for {@code unusedFor}, down to the floor;
     * the stock's target falls back as many. Returns how many were stopped.
     */
    public int shrinkStock(Duration unusedFor) {
        List<Stocked> toStop = new ArrayList<>();
        lock.lock();
        try {
            for (Map.Entry<String, StockLine> entry : stockLines.entrySet()) {
                StockLine line = entry.getValue();
                List<InstanceSnapshot> ready = stock.stream().filter(stocked -> stocked.runtime.equals(entry.getKey()))
                        .map(Stocked::snapshot).toList();
                PrewarmPolicy.Shrink shrink = line.policy.shrink(line.target, ready, clock.instant(), unusedFor);
                line.target = shrink.target();
                for (InstanceSnapshot victim : shrink.victims()) {
                    toStop.add(takeStocked(victim.instanceId()));
                }
            }
        } finally {
            lock.unlock();
        }
        toStop.forEach(stopped -> stopThenFreeRoom(stopped.instance, stopped.memoryMb));
        return toStop.size();
    }

    /**
     * Stops every instance of {@code functionId} (idle ones now, busy ones when their call ends), fails its waiting
     * calls, and refuses the version from now on: versions are immutable and never reused, so a retired one never
     * comes back.
     */
    public void retire(FunctionId functionId) {
        List<PooledInstance> toStop;
        lock.lock();
        try {
            Instant now = clock.instant();
            Instant forgetBefore = now.minus(RETIRED_MEMORY);
            for (var oldest = retiredIds.values().iterator(); oldest.hasNext() && oldest.next().isBefore(forgetBefore); ) {
                oldest.remove();
            }
            retiredIds.put(functionId, now);
            Version version = versions.remove(functionId);
            if (version == null) {
                return;
            }
            toStop = version.retire();
            for (Waiter waiter : new ArrayList<>(waiters)) {
                if (waiter.version == version) {
                    waiters.remove(waiter);
                    waiter.failure = new CapacityExceededException("function " + functionId + " is being removed",
                            RETRY_AFTER);
                    waiter.ready.signal();
                }
            }
            dispatch();
        } finally {
            lock.unlock();
        }
        toStop.forEach(pooled -> stopThenFreeRoom(pooled.instance, pooled.memoryMb));
    }

    @Override
    public PoolStatus poolStatus() {
        lock.lock();
        try {
            int warm = 0;
            int busy = 0;
            int egress = 0;
            for (Version version : versions.values()) {
                warm += version.idle.size();
                busy += version.tracked.size() - version.idle.size();
                egress += version.egress() ? version.tracked.size() : 0;
            }
            return new PoolStatus(stock.size(), warm, busy, waiters.size(), settings.maxInstances(),
                    capacity.usedMemoryMb(), capacity.memoryBudgetMb(), egress);
        } finally {
            lock.unlock();
        }
    }

    /** Instances counted against the node's maximum: running, starting and pre-warmed. */
    public int instanceCount() {
        return capacity.used();
    }

    /** Megabytes of the node's memory budget held by those instances' memory limits. */
    public long reservedMemoryMb() {
        return capacity.usedMemoryMb();
    }

    /** Pre-warmed instances ready to be taken. */
    /** How many retired versions are still refused by id (for tests of their pruning). */
    int rememberedRetiredIds() {
        lock.lock();
        try {
            return retiredIds.size();
        } finally {
            lock.unlock();
        }
    }

    public int prewarmedCount() {
        lock.lock();
        try {
            return stock.size();
        } finally {
            lock.unlock();
        }
    }

    /** Pre-warmed instances of the language {@code runtime} ready to be taken. */
    public int prewarmedCount(String runtime) {
        lock.lock();
        try {
            return readyOf(runtime);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the pool keeps pre-warmed instances of the language {@code runtime} for first calls. */
    public boolean prewarms(String runtime) {
        StockLine line = stockLines.get(runtime);
        return line != null && line.policy.floor() > 0;
    }

    /** How many pre-warmed instances the stock aims at now, all runtimes together: between the floors and the ceilings. */
    public int prewarmTarget() {
        lock.lock();
        try {
            return stockLines.values().stream().mapToInt(line -> line.target).sum();
        } finally {
            lock.unlock();
        }
    }

    /** Calls waiting for an instance right now. */
    public int queuedCalls() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    public PoolSettings settings() {
        return settings;
    }

    /** Fails waiting calls, stops every instance and waits (bounded) for the stops to finish. */
    @Override
    public void close() {
        List<Evicted> toStop = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Waiter waiter : waiters) {
                waiter.failure = new CapacityExceededException("the platform is shutting down", RETRY_AFTER);
                waiter.ready.signal();
            }
            waiters.clear();
            for (Version version : versions.values()) {
                version.retire().forEach(pooled -> toStop.add(new Evicted(pooled.instance, pooled.memoryMb)));
            }
            versions.clear();
            stock.forEach(ready -> toStop.add(new Evicted(ready.instance, ready.memoryMb)));
            stock.clear();
        } finally {
            lock.unlock();
        }
        toStop.forEach(stopped -> stopThenFreeRoom(stopped.instance, stopped.memoryMb));
        lock.lock();
        try {
            long leftNanos = CLOSE_WAIT.toNanos();
            while (backgroundTasks > 0 && leftNanos > 0) {
                leftNanos = backgroundIdle.awaitNanos(leftNanos);
            }
            if (backgroundTasks > 0) {
                LOG.log(System.Logger.Level.WARNING, "some instances were still starting or stopping after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the instance in the background, then frees its room and lets waiting calls have it. */
    private void stopThenFreeRoom(Instance instance, int memoryMb) {
        lock.lock();
        try {
            runInBackground(() -> {
                stopNow(instance);
                lock.lock();
                try {
                    capacity.release(memoryMb);
                    dispatch();
                } finally {
                    lock.unlock();
                }
            });
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: hands {@code task} to the background executor, counted until it ends. */
    private void runInBackground(Runnable task) {
        backgroundTasks++;
        Runnable counted = () -> {
            try {
                task.run();
            } finally {
                lock.lock();
                try {
                    if (--backgroundTasks == 0) {
                        backgroundIdle.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        };
        try {
            background.execute(counted);
        } catch (RejectedExecutionException shuttingDown) {
            // The owner shut the executor down first: do it here rather than leak an instance or its room.
            Thread inline = new Thread(counted, "faas-pool-late");
            inline.setDaemon(true);
            inline.start();
        }
    }

    private void stopNow(Instance instance) {
        try {
            runtime.stop(instance);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not stop instance " + instance.id(), e);
        }
    }

    /** Under the lock: drops the entry of a version that has nothing left here, so the map does not grow forever. */
    private void forgetIfUnused(Version version) {
        if (version.live == 0 && version.waiting == 0 && versions.get(version.functionId) == version) {
            versions.remove(version.functionId);
        }
    }

    private record Stocked(Instance instance, Instant since, int memoryMb, String runtime) {

        InstanceSnapshot snapshot() {
            return new InstanceSnapshot(instance.id(), null, InstanceState.PREWARM, since, memoryMb, runtime);
        }
    }

    /** The stock of one language runtime: its policy, the target it aims at and its starts under way. */
    private static final class StockLine {
        private final PrewarmPolicy policy;
        private int target;
        private int starting;

        private StockLine(PrewarmPolicy policy) {
            this.policy = policy;
            this.target = policy.floor();
        }
    }

    private record Evicted(Instance instance, int memoryMb) {
    }

    /** What {@link #apply} granted a call: an instance, or (cold) room to start one after stopping the victims. */
    private record Grant(Version version, StartKind kind, PooledInstance pooled, List<Evicted> evicted) {
    }

    /** A call waiting in the node's queue. */
    private static final class Waiter {
        private final Scheduler.Request request;
        private final Version version;
        private final Condition ready;
        private String reason;
        private Grant grant;
        private RuntimeException failure;

        private Waiter(Scheduler.Request request, Version version, Condition ready, String reason) {
            this.request = request;
            this.version = version;
            this.ready = ready;
            this.reason = reason;
        }
    }

    /**
     * The right to use one instance for one call. A {@link StartKind#WARM} lease holds an instance with the version's
     * code; a {@link StartKind#PREWARMED} or {@link StartKind#COLD} lease holds one that still needs it. Exactly one
     * of {@link #release} or {@link #discard} ends it.
     */
    public final class Lease {

        private final Version version;
        private final StartKind startKind;
        private final PooledInstance pooled;
        private boolean ended;

        private Lease(Version version, StartKind startKind, PooledInstance pooled) {
            this.version = version;
            this.startKind = startKind;
            this.pooled = pooled;
        }

        public StartKind startKind() {
            return startKind;
        }

        /** The instance to call; never null. */
        public Instance instance() {
            return pooled.instance;
        }

        /** The call is over and the instance is healthy: it becomes idle, and the next waiting call may take it. */
        public void release() {
            end(true);
        }

        /** The instance failed, timed out or must not be reused: it is stopped and its room freed. */
        public void discard() {
            end(false);
        }

        private void end(boolean healthy) {
            boolean stop;
            lock.lock();
            try {
                if (ended) {
                    return;
                }
                ended = true;
                stop = !healthy || version.retired || version.throwaway || closed;
                if (stop) {
                    version.untrack(pooled);
                    forgetIfUnused(version);
                } else {
                    pooled.state = InstanceState.WARM;
                    pooled.idleSince = clock.instant();
                    version.idle.addFirst(pooled);
                }
                dispatch();
            } finally {
                lock.unlock();
            }
            if (stop) {
                stopThenFreeRoom(pooled.instance, pooled.memoryMb);
            }
        }
    }

    /** The instances of one function version. Guarded by the pool's lock. */
    private static final class Version {

        private final FunctionId functionId;
        /** The version's memory limit: what each of its instances holds of the node's budget. */
        private final int memoryMb;
        /** The language runtime its instances run. */
        private final String runtime;
        /** A code check's instances: started without a version, always stopped after use. */
        private final boolean throwaway;
        /** The version's network mode: an egress version's instances are always started for it, never pre-warmed. */
        private final String network;
        /** Idle instances, most recently used first, so the extra ones age and get reaped. */
        private final ArrayDeque<PooledInstance> idle = new ArrayDeque<>();
        private final Set<PooledInstance> tracked = new LinkedHashSet<>();
        /** Instances running or starting, counted against the version's maximum. */
        private int live;
        private int waiting;
        private boolean retired;

        Version(FunctionId functionId, int memoryMb, String runtime, boolean throwaway, String network) {
            this.functionId = functionId;
            this.memoryMb = memoryMb;
            this.runtime = runtime;
            this.throwaway = throwaway;
            this.network = network;
        }

        boolean egress() {
            return VersionOptions.NETWORK_EGRESS.equals(network);
        }

        /** Tracks an instance given to this version (started for it or taken from the stock); live counts it. */
        PooledInstance track(Instance instance) {
            PooledInstance pooled = new PooledInstance(instance, functionId, memoryMb, runtime);
            tracked.add(pooled);
            return pooled;
        }

        void untrack(PooledInstance pooled) {
            if (tracked.remove(pooled)) {
                pooled.state = InstanceState.REMOVING;
                live--;
            }
        }

        PooledInstance takeIdle(String instanceId) {
            for (PooledInstance pooled : idle) {
                if (pooled.instance.id().equals(instanceId)) {
                    idle.remove(pooled);
                    return pooled;
                }
            }
            throw new IllegalStateException("no idle instance " + instanceId + " of " + functionId);
        }

        /** The idle instance the snapshot saw, if it is still idle since then. */
        PooledInstance idleAsSeen(InstanceSnapshot seen) {
            for (PooledInstance pooled : idle) {
                if (pooled.instance.id().equals(seen.instanceId()) && pooled.idleSince.equals(seen.idleSince())) {
                    return pooled;
                }
            }
            return null;
        }

        void addSnapshots(List<InstanceSnapshot> into) {
            tracked.forEach(pooled -> into.add(pooled.snapshot()));
        }

        /** Marks the version retired and takes its idle instances out, for the caller to stop. */
        List<PooledInstance> retire() {
            retired = true;
            List<PooledInstance> idleOnes = new ArrayList<>(idle);
            idle.clear();
            idleOnes.forEach(this::untrack);
            return idleOnes;
        }
    }
}
