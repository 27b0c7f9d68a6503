package dev.faas.domain.pool;

import java.time.Duration;

/**
 * Node-wide pool settings: how many instances may run on this node at once (pre-warmed ones included), how many
 * megabytes their memory limits may add up to ({@code nodeMemoryMb}), how long and how many calls may wait for an
 * instance, and how many pre-warmed instances of which memory size to keep ready.
 */
public record PoolSettings(int maxInstances, Duration queueTimeout, int maxQueuedCalls, int prewarmCount,
                           int prewarmMemoryMb, int nodeMemoryMb) {

    /** A memory budget that never binds, for tests and embeddings that count instances only. */
    public static final int UNLIMITED_MEMORY_MB = Integer.MAX_VALUE;

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
}
