package dev.faas.domain.pool;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the instances running on this node against a node-wide maximum. Lock-free; thread-safe. */
final class NodeCapacity {

    private final int maxInstances;
    private final AtomicInteger used = new AtomicInteger();

    NodeCapacity(int maxInstances) {
        this.maxInstances = maxInstances;
    }

    boolean tryReserve() {
        while (true) {
            int current = used.get();
            if (current >= maxInstances) {
                return false;
            }
            if (used.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void release() {
        used.decrementAndGet();
    }

    int used() {
        return used.get();
    }

    int max() {
        return maxInstances;
    }
}
