package dev.faas.domain.pool;

import java.time.Duration;

/**
 * Node-wide pool limits: how many instances may run on this node at once, and how long a call may wait for an
 * instance before it is rejected.
 */
public record PoolSettings(int maxInstances, Duration queueTimeout) {

    public PoolSettings {
        if (maxInstances < 1) {
            throw new IllegalArgumentException("maxInstances must be at least 1, got " + maxInstances);
        }
        if (queueTimeout.isNegative()) {
            throw new IllegalArgumentException("queueTimeout must not be negative");
        }
    }

    public static PoolSettings defaults() {
        return new PoolSettings(64, Duration.ofSeconds(10));
    }
}
