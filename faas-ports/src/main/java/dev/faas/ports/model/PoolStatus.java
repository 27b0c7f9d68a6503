package dev.faas.ports.model;

/**
 * A moment's view of this node's instances: pre-warmed (no code yet), warm (idle), busy, and the calls waiting for
 * an instance, beside the node's limit; and the megabytes their memory limits reserve of the node's memory budget.
 */
public record PoolStatus(int prewarmed, int warm, int busy, int queuedCalls, int maxInstances,
                         long reservedMemoryMb, long memoryBudgetMb) {

    public int total() {
        return prewarmed + warm + busy;
    }
}
