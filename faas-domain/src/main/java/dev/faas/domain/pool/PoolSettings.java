package dev.faas.domain.pool;

import java.time.Duration;

/**
 * Node-wide pool settings: how many instances may run on this node at once (pre-warmed ones included), how long and
 * how many calls may wait for an instance, and how many pre-warmed instances of which memory size to keep ready.
 */
public record PoolSettings(int maxInstances, Duration queueTimeout, int maxQueuedCalls, int prewarmCount,
                           int prewarmMemoryMb) {

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
    }

    /** Settings without pre-warming, for tests and simple embeddings. */
    public PoolSettings(int maxInstances, Duration queueTimeout) {
        this(maxInstances, queueTimeout, 1000, 0, 256);
    }

    public static PoolSettings defaults() {
        return new PoolSettings(64, Duration.ofSeconds(10), 1000, 2, 256);
    }
}
