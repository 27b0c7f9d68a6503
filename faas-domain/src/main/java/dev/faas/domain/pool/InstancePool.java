package dev.faas.domain.pool;

import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.in.PoolStatusUseCase;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.PoolStatus;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The instances on this node. Each function version has its own pool and lock, so calls of different functions
 * never contend; node-wide counters cap the number of instances and the sum of their memory limits (the node's
 * memory budget), pre-warmed instances included. A call takes, in order: an idle warm instance of its version, a
 * pre-warmed instance, room to start a new one, room freed by evicting the least recently used idle instances of
 * other functions (pre-warmed ones last; as many as free the slot and the memory it needs); else it waits in a
 * bounded first-come first-served queue of its version, and is refused when the wait or the queue runs out.
 * Instances are started and stopped on background threads, never under a lock. Thread-safe.
 */
public final class InstancePool implements PoolStatusUseCase, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(InstancePool.class.getName());
    /** How often a call waiting for node capacity (held by other functions) looks again. */
    private static final long NODE_CAPACITY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final FunctionRuntime runtime;
    private final PoolSettings settings;
    private final Clock clock;
    private final NodeCapacity capacity;
    private final ConcurrentHashMap<FunctionId, VersionPool> pools = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<Prewarmed> prewarmed = new ConcurrentLinkedDeque<>();
    private final AtomicInteger prewarmsStarting = new AtomicInteger();
    private final AtomicInteger queuedCalls = new AtomicInteger();
    private final AtomicBoolean refillScheduled = new AtomicBoolean();
    private final ExecutorService background;
    private volatile boolean closed;

    public InstancePool(FunctionRuntime runtime, PoolSettings settings, Clock clock) {
        this.runtime = runtime;
        this.settings = settings;
        this.clock = clock;
        this.capacity = new NodeCapacity(settings.maxInstances(), settings.nodeMemoryMb());
        this.background = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "faas-pool-background");
            thread.setDaemon(true);
            return thread;
        });
        refillPrewarmed();
    }

    /**
     * Takes an instance for one call of {@code definition}'s version, waiting at most the queue timeout.
     *
     * @throws CapacityExceededException when nothing became available in time or the queue is full
     * @throws UnableToStartInstanceException when the version's memory limit exceeds the node's whole budget
     */
    public Lease acquire(FunctionDefinition definition) {
        if (closed) {
            throw new CapacityExceededException("the platform is shutting down", RETRY_AFTER);
        }
        int memoryMb = definition.limits().memoryMb();
        checkFitsTheBudget("function " + definition.id(), memoryMb);
        VersionPool pool = pools.computeIfAbsent(definition.id(), id -> new VersionPool(id, memoryMb));
        return pool.acquire(definition, System.nanoTime() + settings.queueTimeout().toNanos());
    }

    /**
     * Runs {@code work} on a throwaway instance with no code, counted against the node's limit like any other (room
     * is found the way a call finds it, evicting an idle instance of a function if need be), then stops it.
     *
     * @throws CapacityExceededException when no room was found within the queue timeout
     * @throws UnableToStartInstanceException when {@code memoryMb} exceeds the node's whole memory budget
     */
    public void withThrowawayInstance(int memoryMb, Consumer<Instance> work) {
        checkFitsTheBudget("a code check", memoryMb);
        long deadline = System.nanoTime() + settings.queueTimeout().toNanos();
        while (!capacity.tryReserve(memoryMb)) {
            if (closed || System.nanoTime() > deadline) {
                throw new CapacityExceededException(capacity.describeFull(memoryMb), RETRY_AFTER);
            }
            if (!evictForRoom(null, memoryMb)) {
                try {
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(NODE_CAPACITY_POLL_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CapacityExceededException("interrupted while waiting for room", RETRY_AFTER);
                }
            }
        }
        Instance instance;
        try {
            instance = runtime.start(InstanceSpec.prewarm(memoryMb));
        } catch (RuntimeException e) {
            capacity.release(memoryMb);
            throw e;
        }
        try {
            work.accept(instance);
        } finally {
            try {
                stopNow(instance);
            } finally {
                capacity.release(memoryMb);
            }
        }
    }

    /** Refuses at once what could never fit: waiting would only end in a misleading 429. */
    private void checkFitsTheBudget(String what, int memoryMb) {
        if (memoryMb > capacity.memoryBudgetMb()) {
            throw new UnableToStartInstanceException(what + " needs " + memoryMb + " MB of memory, more than this"
                    + " node's whole memory budget of " + capacity.memoryBudgetMb() + " MB (FAAS_NODE_MEMORY_MB)", "");
        }
    }

    /** Snapshots of every instance, pre-warmed ones included, for reaping and metrics. */
    public List<InstanceSnapshot> snapshots() {
        List<InstanceSnapshot> snapshots = new ArrayList<>();
        for (VersionPool pool : pools.values()) {
            pool.addSnapshots(snapshots, false);
        }
        for (Prewarmed ready : prewarmed) {
            snapshots.add(ready.snapshot());
        }
        return snapshots;
    }

    /**
     * Removes and stops the given instances if they are still idle since the time their snapshot saw; an instance
     * that was used meanwhile is left alone. Returns how many were removed.
     */
    public int removeIdle(Collection<InstanceSnapshot> victims) {
        int removed = 0;
        for (InstanceSnapshot victim : victims) {
            VersionPool pool = victim.functionId() == null ? null : pools.get(victim.functionId());
            PooledInstance instance = pool == null ? null : pool.removeIdle(victim);
            if (instance != null) {
                stopThenFreeRoom(instance.instance, instance.memoryMb);
                removed++;
            }
        }
        return removed;
    }

    /** Stops every instance of {@code functionId}: idle ones now, busy ones when their call ends. */
    public void retire(FunctionId functionId) {
        VersionPool pool = pools.remove(functionId);
        if (pool != null) {
            pool.retire();
        }
    }

    @Override
    public PoolStatus poolStatus() {
        int warm = 0;
        int busy = 0;
        for (InstanceSnapshot snapshot : snapshots()) {
            if (snapshot.state() == InstanceState.WARM) {
                warm++;
            } else if (snapshot.state() == InstanceState.BUSY) {
                busy++;
            }
        }
        return new PoolStatus(prewarmed.size(), warm, busy, queuedCalls.get(), settings.maxInstances(),
                capacity.usedMemoryMb(), capacity.memoryBudgetMb());
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
    public int prewarmedCount() {
        return prewarmed.size();
    }

    /** Calls waiting for an instance right now. */
    public int queuedCalls() {
        return queuedCalls.get();
    }

    public PoolSettings settings() {
        return settings;
    }

    /** Stops every instance and waits (bounded) for the stops to finish. */
    @Override
    public void close() {
        closed = true;
        for (VersionPool pool : pools.values()) {
            pool.retire();
        }
        pools.clear();
        for (Prewarmed ready; (ready = prewarmed.pollFirst()) != null; ) {
            stopThenFreeRoom(ready.instance, ready.memoryMb);
        }
        background.shutdown();
        try {
            if (!background.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "some instances were still stopping after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts pre-warmed instances in the background until the configured number is ready. */
    private void refillPrewarmed() {
        if (settings.prewarmCount() == 0 || closed || !refillScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    // Real calls waiting for room come first: a pre-warmed instance must not take their slot.
                    while (!closed && prewarmed.size() + prewarmsStarting.get() < settings.prewarmCount()
                            && queuedCalls.get() == 0 && capacity.tryReserve(settings.prewarmMemoryMb())) {
                        prewarmsStarting.incrementAndGet();
                        try {
                            Instance instance = runtime.start(InstanceSpec.prewarm(settings.prewarmMemoryMb()));
                            if (closed) {
                                stopThenFreeRoom(instance, settings.prewarmMemoryMb());
                            } else {
                                prewarmed.addLast(new Prewarmed(instance, clock.instant(), settings.prewarmMemoryMb()));
                            }
                        } catch (RuntimeException e) {
                            capacity.release(settings.prewarmMemoryMb());
                            LOG.log(System.Logger.Level.WARNING, "could not start a pre-warmed instance: "
                                    + e.getMessage());
                            return;
                        } finally {
                            prewarmsStarting.decrementAndGet();
                        }
                    }
                } finally {
                    refillScheduled.set(false);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            refillScheduled.set(false);
        }
    }

    /** A pre-warmed instance for {@code memoryMb}, or null; its capacity slot passes to the caller. */
    private Instance takePrewarmed(int memoryMb) {
        if (memoryMb != settings.prewarmMemoryMb()) {
            return null;
        }
        Prewarmed ready = prewarmed.pollFirst();
        if (ready == null) {
            return null;
        }
        refillPrewarmed();
        return ready.instance;
    }

    /**
     * Frees what an instance of {@code memoryMb} lacks (a slot, megabytes, or both) by stopping the least recently
     * used idle instances of other functions, or else pre-warmed ones; stops none when even all of them would not
     * free enough. Returns whether any was stopped. Must be called holding no pool lock.
     */
    private boolean evictForRoom(FunctionId requester, int memoryMb) {
        NodeCapacity.Room needed = capacity.shortfall(memoryMb);
        if (needed.isNone()) {
            return true;
        }
        List<InstanceSnapshot> idle = new ArrayList<>();
        for (VersionPool pool : pools.values()) {
            if (requester == null || !pool.functionId.equals(requester)) {
                pool.addSnapshots(idle, true);
            }
        }
        for (Prewarmed ready : prewarmed) {
            idle.add(ready.snapshot());
        }
        boolean evictedAny = false;
        for (InstanceSnapshot victim : EvictionPolicy.selectVictims(idle, requester, needed.instances(),
                needed.memoryMb())) {
            Instance evicted = null;
            if (victim.state() == InstanceState.PREWARM) {
                Prewarmed ready = prewarmed.stream().filter(candidate -> candidate.instance.id()
                        .equals(victim.instanceId())).findFirst().orElse(null);
                evicted = ready != null && prewarmed.remove(ready) ? ready.instance : null;
            } else {
                VersionPool owner = pools.get(victim.functionId());
                PooledInstance removed = owner == null ? null : owner.removeIdle(victim);
                evicted = removed == null ? null : removed.instance;
            }
            if (evicted != null) {
                // Stopped before its room is freed, so the node never runs more than its limits.
                stopNow(evicted);
                capacity.release(victim.memoryMb());
                evictedAny = true;
            }
        }
        return evictedAny;
    }

    /** Stops the instance in the background, then frees its room on the node. */
    private void stopThenFreeRoom(Instance instance, int memoryMb) {
        Runnable stopAndRelease = () -> {
            try {
                stopNow(instance);
            } finally {
                capacity.release(memoryMb);
            }
        };
        try {
            background.execute(stopAndRelease);
        } catch (RejectedExecutionException shuttingDown) {
            stopAndRelease.run();
        }
    }

    private void stopNow(Instance instance) {
        try {
            runtime.stop(instance);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not stop instance " + instance.id(), e);
        }
    }

    private record Prewarmed(Instance instance, Instant since, int memoryMb) {

        InstanceSnapshot snapshot() {
            return new InstanceSnapshot(instance.id(), null, InstanceState.PREWARM, since, memoryMb);
        }
    }

    /**
     * The right to use one instance for one call. A {@link StartKind#WARM} lease holds a ready instance; a
     * {@link StartKind#PREWARMED} lease holds an instance that still needs its code; a {@link StartKind#COLD} lease
     * holds room to start one ({@link #instance()} is null until {@link #started}). Exactly one of {@link #release}
     * or {@link #discard} ends it.
     */
    public final class Lease {

        private final VersionPool pool;
        private final StartKind startKind;
        private PooledInstance pooled;
        private boolean ended;

        private Lease(VersionPool pool, StartKind startKind, PooledInstance pooled) {
            this.pool = pool;
            this.startKind = startKind;
            this.pooled = pooled;
        }

        public StartKind startKind() {
            return startKind;
        }

        /** The instance to call, or null while a cold start has not produced one yet. */
        public Instance instance() {
            return pooled == null ? null : pooled.instance;
        }

        /** Records the instance started for a cold lease. */
        public void started(Instance instance) {
            if (pooled != null) {
                throw new IllegalStateException("this lease already has an instance");
            }
            pooled = pool.track(instance);
        }

        /** The call is over and the instance is healthy: the next waiting call gets it, or it becomes idle. */
        public void release() {
            end(true);
        }

        /** The instance failed, timed out or never started: it is stopped and its room freed. */
        public void discard() {
            end(false);
        }

        private void end(boolean healthy) {
            if (ended) {
                return;
            }
            ended = true;
            pool.end(pooled, healthy);
        }
    }

    /** A call waiting in a version's queue; a releasing call may hand its instance straight to it. */
    private static final class Waiter {
        private final Condition ready;
        private PooledInstance handedOver;

        private Waiter(Condition ready) {
            this.ready = ready;
        }
    }

    /** The instances of one function version and its queue of waiting calls, guarded by one lock. */
    private final class VersionPool {

        private final FunctionId functionId;
        /** The version's memory limit: what each of its instances holds of the node's budget. */
        private final int memoryMb;
        private final ReentrantLock lock = new ReentrantLock();
        /** Idle instances, most recently used first, so the extra ones age and get reaped. */
        private final ArrayDeque<PooledInstance> idle = new ArrayDeque<>();
        private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        private final Set<PooledInstance> tracked = new HashSet<>();
        /** Instances running or starting, counted against the function's maximum. */
        private int live;
        private boolean retired;

        VersionPool(FunctionId functionId, int memoryMb) {
            this.functionId = functionId;
            this.memoryMb = memoryMb;
        }

        Lease acquire(FunctionDefinition definition, long deadlineNanos) {
            lock.lock();
            try {
                checkNotRetired();
                if (waiters.isEmpty()) {
                    Lease lease = tryTake(definition);
                    if (lease != null) {
                        return lease;
                    }
                }
                return await(definition, deadlineNanos);
            } finally {
                lock.unlock();
            }
        }

        /** Waits in line; the head of the line takes what frees up, or gets an instance handed over. */
        private Lease await(FunctionDefinition definition, long deadlineNanos) {
            if (queuedCalls.incrementAndGet() > settings.maxQueuedCalls()) {
                queuedCalls.decrementAndGet();
                throw new CapacityExceededException("too many calls are already waiting for an instance", RETRY_AFTER);
            }
            Waiter me = new Waiter(lock.newCondition());
            waiters.addLast(me);
            boolean served = false;
            try {
                while (true) {
                    if (me.handedOver != null) {
                        served = true;
                        return new Lease(this, StartKind.WARM, me.handedOver);
                    }
                    checkNotRetired();
                    boolean nodeFull = false;
                    if (waiters.peekFirst() == me) {
                        Lease lease = tryTake(definition);
                        if (lease != null) {
                            served = true;
                            return lease;
                        }
                        nodeFull = live < definition.limits().maxInstances();
                        if (nodeFull) {
                            lock.unlock();
                            boolean evicted;
                            try {
                                evicted = evictForRoom(functionId, memoryMb);
                            } finally {
                                lock.lock();
                            }
                            if (evicted) {
                                continue;
                            }
                        }
                    }
                    long remaining = deadlineNanos - System.nanoTime();
                    if (remaining <= 0) {
                        throw new CapacityExceededException(nodeFull
                                ? capacity.describeFull(memoryMb)
                                : "function " + functionId + " is at its limit of "
                                        + definition.limits().maxInstances() + " instances", RETRY_AFTER);
                    }
                    // Room freed by another function does not signal this pool, so the head looks again soon.
                    me.ready.awaitNanos(nodeFull ? Math.min(remaining, NODE_CAPACITY_POLL_NANOS) : remaining);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CapacityExceededException("interrupted while waiting for an instance", RETRY_AFTER);
            } finally {
                queuedCalls.decrementAndGet();
                waiters.remove(me);
                if (!served && me.handedOver != null) {
                    // Handed an instance just as this call gave up: pass it on rather than lose it.
                    makeIdleOrHandOver(me.handedOver);
                }
                Waiter next = waiters.peekFirst();
                if (next != null) {
                    next.ready.signal();
                }
            }
        }

        /** Under the lock: an idle instance, a pre-warmed one, or room for a new one; null when none. */
        private Lease tryTake(FunctionDefinition definition) {
            PooledInstance warm = idle.pollFirst();
            if (warm != null) {
                warm.state = InstanceState.BUSY;
                return new Lease(this, StartKind.WARM, warm);
            }
            if (live >= definition.limits().maxInstances()) {
                return null;
            }
            Instance ready = takePrewarmed(memoryMb);
            if (ready != null) {
                live++;
                PooledInstance pooled = new PooledInstance(ready, functionId, memoryMb);
                tracked.add(pooled);
                return new Lease(this, StartKind.PREWARMED, pooled);
            }
            if (capacity.tryReserve(memoryMb)) {
                live++;
                return new Lease(this, StartKind.COLD, null);
            }
            return null;
        }

        private void checkNotRetired() {
            if (retired) {
                // The version was deleted or the platform is closing.
                throw new CapacityExceededException("function " + functionId + " is being removed", RETRY_AFTER);
            }
        }

        PooledInstance track(Instance instance) {
            lock.lock();
            try {
                PooledInstance pooled = new PooledInstance(instance, functionId, memoryMb);
                tracked.add(pooled);
                return pooled;
            } finally {
                lock.unlock();
            }
        }

        void end(PooledInstance pooled, boolean healthy) {
            boolean stop;
            lock.lock();
            try {
                stop = !healthy || retired || closed;
                if (stop) {
                    if (pooled != null) {
                        pooled.state = InstanceState.REMOVING;
                        tracked.remove(pooled);
                    } else {
                        capacity.release(memoryMb);
                    }
                    live--;
                    Waiter head = waiters.peekFirst();
                    if (head != null) {
                        head.ready.signal();
                    }
                } else {
                    makeIdleOrHandOver(pooled);
                }
            } finally {
                lock.unlock();
            }
            if (stop && pooled != null) {
                stopThenFreeRoom(pooled.instance, memoryMb);
            }
        }

        /** Under the lock: gives a healthy instance to the first waiting call, or makes it idle. */
        private void makeIdleOrHandOver(PooledInstance pooled) {
            Waiter head = waiters.pollFirst();
            if (head != null) {
                pooled.state = InstanceState.BUSY;
                head.handedOver = pooled;
                head.ready.signal();
                return;
            }
            pooled.state = InstanceState.WARM;
            pooled.idleSince = clock.instant();
            idle.addFirst(pooled);
        }

        void addSnapshots(List<InstanceSnapshot> into, boolean idleOnly) {
            lock.lock();
            try {
                for (PooledInstance pooled : idleOnly ? idle : tracked) {
                    into.add(pooled.snapshot());
                }
            } finally {
                lock.unlock();
            }
        }

        /** Takes the instance out of the pool if it is still idle as the snapshot saw it; the caller stops it. */
        PooledInstance removeIdle(InstanceSnapshot victim) {
            PooledInstance removed = null;
            lock.lock();
            try {
                for (PooledInstance pooled : idle) {
                    if (pooled.instance.id().equals(victim.instanceId()) && pooled.state == InstanceState.WARM
                            && pooled.idleSince.equals(victim.idleSince())) {
                        removed = pooled;
                        break;
                    }
                }
                if (removed != null) {
                    idle.remove(removed);
                    tracked.remove(removed);
                    removed.state = InstanceState.REMOVING;
                    live--;
                    Waiter head = waiters.peekFirst();
                    if (head != null) {
                        head.ready.signal();
                    }
                }
            } finally {
                lock.unlock();
            }
            return removed;
        }

        void retire() {
            List<PooledInstance> toStop;
            lock.lock();
            try {
                retired = true;
                toStop = new ArrayList<>(idle);
                for (PooledInstance pooled : toStop) {
                    pooled.state = InstanceState.REMOVING;
                    tracked.remove(pooled);
                    live--;
                }
                idle.clear();
                waiters.forEach(waiter -> waiter.ready.signal());
            } finally {
                lock.unlock();
            }
            toStop.forEach(pooled -> stopThenFreeRoom(pooled.instance, memoryMb));
        }
    }
}
