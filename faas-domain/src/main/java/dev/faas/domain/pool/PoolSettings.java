package dev.faas.domain.pool;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Node-wide pool settings: how many instances may run on this node at once (pre-warmed ones included), how many
 * megabytes their memory limits may add up to ({@code nodeMemoryMb}), how long and how many calls may wait for an
 * instance, and the pre-warm stock: its floor ({@code prewarmCount}, 0 for none), the most it grows to with demand
 * ({@code prewarmMax}) and the memory size of its instances. The stock is kept per language runtime: {@code prewarmCount}
 * is the default runtime's floor, {@code runtimePrewarm} the floors of the others that have a stock (each grows with
 * its own first calls up to {@code prewarmMax} and falls back to its floor).
 */
public record PoolSettings(int maxInstances, Duration queueTimeout, int maxQueuedCalls, int prewarmCount,
                           int prewarmMemoryMb, int nodeMemoryMb, int prewarmMax, Map<String, Integer> runtimePrewarm) {

    /** A memory budget that never binds, for tests and embeddings that count instances only. */
    public static final int UNLIMITED_MEMORY_MB = Integer.MAX_VALUE;
    /** The default ceiling of the pre-warm stock ({@code FAAS_PREWARM_MAX}). */
    public static final int DEFAULT_PREWARM_MAX = 32;

    public PoolSettings {
        if (maxInstances < 1) {
            throw new IllegalArgumentException("maxInstances must be at least 1, got " + maxInstances);
        }
        if (queueTimeout.isNegative()) {
            throw new IllegalArgumentException("queueTimeout must not be negative");
        }
        if (maxQueuedCalls < 0 || prewarmCount < 0) {
            throw new IllegalArgumentException("maxQueuedCalls and prewarmCount must not be negative");
        }
        if (nodeMemoryMb < 1) {
            throw new IllegalArgumentException("nodeMemoryMb must be at least 1, got " + nodeMemoryMb);
        }
        if (prewarmMax < prewarmCount) {
            throw new IllegalArgumentException("prewarmMax (" + prewarmMax + ") must not be below prewarmCount ("
                    + prewarmCount + ")");
        }
        runtimePrewarm = Map.copyOf(runtimePrewarm);
        runtimePrewarm.forEach((runtime, floor) -> {
            if (floor < 0 || floor > prewarmMax) {
                throw new IllegalArgumentException("the pre-warm floor of " + runtime + " must be between 0 and "
                        + "prewarmMax (" + prewarmMax + "), not " + floor);
            }
        });
    }

    /** Settings with a pre-warm stock for the default runtime only. */
    public PoolSettings(int maxInstances, Duration queueTimeout, int maxQueuedCalls, int prewarmCount,
                        int prewarmMemoryMb, int nodeMemoryMb, int prewarmMax) {
        this(maxInstances, queueTimeout, maxQueuedCalls, prewarmCount, prewarmMemoryMb, nodeMemoryMb, prewarmMax,
                Map.of());
    }

    /** Settings whose pre-warm stock may grow to {@link #DEFAULT_PREWARM_MAX} (or the floor, if higher). */
    public PoolSettings(int maxInstances, Duration queueTimeout, int maxQueuedCalls, int prewarmCount,
                        int prewarmMemoryMb, int nodeMemoryMb) {
        this(maxInstances, queueTimeout, maxQueuedCalls, prewarmCount, prewarmMemoryMb, nodeMemoryMb,
                Math.max(prewarmCount, DEFAULT_PREWARM_MAX));
    }

    /** Settings without a memory budget. */
    public PoolSettings(int maxInstances, Duration queueTimeout, int maxQueuedCalls, int prewarmCount,
                        int prewarmMemoryMb) {
        this(maxInstances, queueTimeout, maxQueuedCalls, prewarmCount, prewarmMemoryMb, UNLIMITED_MEMORY_MB);
    }

    /** Settings without pre-warming or a memory budget, for tests and simple embeddings. */
    public PoolSettings(int maxInstances, Duration queueTimeout) {
        this(maxInstances, queueTimeout, 1000, 0, 256);
    }

    /** The domain's defaults; without a memory budget (the server and {@code FaasPlatform} set one from the host). */
    public static PoolSettings defaults() {
        return new PoolSettings(64, Duration.ofSeconds(10), 1000, 2, 256);
    }

    /** The same settings with another pre-warm ceiling. */
    public PoolSettings withPrewarmMax(int max) {
        return new PoolSettings(maxInstances, queueTimeout, maxQueuedCalls, prewarmCount, prewarmMemoryMb,
                nodeMemoryMb, max, runtimePrewarm);
    }

    /** The same settings with a pre-warm stock of the language {@code runtime} (not the default) whose floor is {@code floor}. */
    public PoolSettings withRuntimePrewarm(String runtime, int floor) {
        Map<String, Integer> floors = new HashMap<>(runtimePrewarm);
        floors.put(runtime, floor);
        return new PoolSettings(maxInstances, queueTimeout, maxQueuedCalls, prewarmCount, prewarmMemoryMb,
                nodeMemoryMb, prewarmMax, floors);
    }
}
