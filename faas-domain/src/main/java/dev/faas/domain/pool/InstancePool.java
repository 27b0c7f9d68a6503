package dev.faas.domain.pool;

import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The instances of every function version on this node. Each version has its own pool and lock, so calls of
 * different functions never contend; a node-wide counter caps the total. Instances are stopped on a background
 * executor, never under a lock. Thread-safe.
 */
public final class InstancePool implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(InstancePool.class.getName());
    /** How often a call waiting for node capacity (held by other functions) looks again. */
    private static final long NODE_CAPACITY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final FunctionRuntime runtime;
    private final PoolSettings settings;
    private final Clock clock;
    private final NodeCapacity capacity;
    private final ConcurrentHashMap<FunctionId, VersionPool> pools = new ConcurrentHashMap<>();
    private final ExecutorService stopper;
    private volatile boolean closed;

    public InstancePool(FunctionRuntime runtime, PoolSettings settings, Clock clock) {
        this.runtime = runtime;
        this.settings = settings;
        this.clock = clock;
        this.capacity = new NodeCapacity(settings.maxInstances());
        this.stopper = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "faas-instance-stopper");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Takes an idle warm instance of {@code definition}'s version, or reserves room to start one, waiting at most
     * the queue timeout.
     *
     * @throws CapacityExceededException when nothing became available in time
     */
    public Lease acquire(FunctionDefinition definition) {
        if (closed) {
            throw new CapacityExceededException("the platform is shutting down", Duration.ofSeconds(1));
        }
        VersionPool pool = pools.computeIfAbsent(definition.id(), VersionPool::new);
        return pool.acquire(definition.limits().maxInstances(), System.nanoTime() + settings.queueTimeout().toNanos());
    }

    /** Snapshots of every tracked instance, for reaping and metrics. */
    public List<InstanceSnapshot> snapshots() {
        List<InstanceSnapshot> snapshots = new ArrayList<>();
        for (VersionPool pool : pools.values()) {
            pool.addSnapshots(snapshots);
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
            VersionPool pool = pools.get(victim.functionId());
            if (pool != null && pool.removeIdle(victim)) {
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

    /** Instances counted against the node's maximum, including those starting. */
    public int instanceCount() {
        return capacity.used();
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
        stopper.shutdown();
        try {
            if (!stopper.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "some instances were still stopping after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopLater(Instance instance) {
        try {
            stopper.execute(() -> stopNow(instance));
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            stopNow(instance);
        }
    }

    private void stopNow(Instance instance) {
        try {
            runtime.stop(instance);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not stop instance " + instance.id(), e);
        }
    }

    /**
     * The right to use one instance for one call: either an idle warm instance, or room reserved to start one
     * ({@link #instance()} is null until {@link #started} is called). Exactly one of {@link #release} or
     * {@link #discard} must end it.
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

        /** The call is over and the instance is healthy: it becomes idle and warm for the next call. */
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

    /** The instances of one function version, guarded by one lock. */
    private final class VersionPool {

        private final FunctionId functionId;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        /** Idle instances, most recently used first, so the extra ones age and get reaped. */
        private final ArrayDeque<PooledInstance> idle = new ArrayDeque<>();
        private final Set<PooledInstance> tracked = new HashSet<>();
        /** Instances running or starting, counted against the function's maximum. */
        private int live;
        private boolean retired;

        VersionPool(FunctionId functionId) {
            this.functionId = functionId;
        }

        Lease acquire(int maxInstances, long deadlineNanos) {
            lock.lock();
            try {
                while (true) {
                    if (retired) {
                        // The version was deleted or the platform is closing; a fresh pool serves new calls.
                        throw new CapacityExceededException("function " + functionId + " is being removed",
                                Duration.ofSeconds(1));
                    }
                    PooledInstance warm = idle.pollFirst();
                    if (warm != null) {
                        warm.state = InstanceState.BUSY;
                        return new Lease(this, StartKind.WARM, warm);
                    }
                    boolean functionHasRoom = live < maxInstances;
                    if (functionHasRoom && capacity.tryReserve()) {
                        live++;
                        return new Lease(this, StartKind.COLD, null);
                    }
                    long remaining = deadlineNanos - System.nanoTime();
                    if (remaining <= 0) {
                        throw new CapacityExceededException(functionHasRoom
                                ? "the node is at its limit of " + capacity.max() + " instances"
                                : "function " + functionId + " is at its limit of " + maxInstances + " instances",
                                Duration.ofSeconds(1));
                    }
                    // Room freed by another function does not signal this pool, so look again soon.
                    long wait = functionHasRoom ? Math.min(remaining, NODE_CAPACITY_POLL_NANOS) : remaining;
                    changed.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CapacityExceededException("interrupted while waiting for an instance", Duration.ofSeconds(1));
            } finally {
                lock.unlock();
            }
        }

        PooledInstance track(Instance instance) {
            lock.lock();
            try {
                PooledInstance pooled = new PooledInstance(instance, functionId);
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
                    }
                    live--;
                    capacity.release();
                } else {
                    pooled.state = InstanceState.WARM;
                    pooled.idleSince = clock.instant();
                    idle.addFirst(pooled);
                }
                changed.signal();
            } finally {
                lock.unlock();
            }
            if (stop && pooled != null) {
                stopLater(pooled.instance);
            }
        }

        void addSnapshots(List<InstanceSnapshot> into) {
            lock.lock();
            try {
                for (PooledInstance pooled : tracked) {
                    into.add(pooled.snapshot());
                }
            } finally {
                lock.unlock();
            }
        }

        boolean removeIdle(InstanceSnapshot victim) {
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
                    capacity.release();
                    changed.signal();
                }
            } finally {
                lock.unlock();
            }
            if (removed != null) {
                stopLater(removed.instance);
                return true;
            }
            return false;
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
                    capacity.release();
                }
                idle.clear();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            toStop.forEach(pooled -> stopLater(pooled.instance));
        }
    }
}
