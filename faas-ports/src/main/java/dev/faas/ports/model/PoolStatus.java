package dev.faas.ports.model;

/**
 * A moment's view of this node's instances: pre-warmed (no code yet), warm (idle), busy, and the calls waiting for
 * an instance, beside the node's limit; the megabytes their memory limits reserve of the node's memory budget; and
 * how many of the warm and busy instances have network egress.
 */
public record PoolStatus(int prewarmed, int warm, int busy, int queuedCalls, int maxInstances,
                         long reservedMemoryMb, long memoryBudgetMb, int egress) {

    /** A status with no egress instances. */
    public PoolStatus(int prewarmed, int warm, int busy, int queuedCalls, int maxInstances, long reservedMemoryMb,
                      long memoryBudgetMb) {
        this(prewarmed, warm, busy, queuedCalls, maxInstances, reservedMemoryMb, memoryBudgetMb, 0);
    }

    public int total() {
        return prewarmed + warm + busy;
    }
}
