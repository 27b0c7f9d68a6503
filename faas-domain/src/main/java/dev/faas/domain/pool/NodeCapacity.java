package dev.faas.domain.pool;

/**
 * Counts the instances running on this node, and the memory their limits add up to, against the node's maximum
 * number of instances and its memory budget. An instance holds one slot and its memory limit from the moment room
 * is reserved for it until it has stopped. Both are reserved together or not at all. Thread-safe.
 */
final class NodeCapacity {

    private final int maxInstances;
    private final long memoryBudgetMb;
    private int usedInstances;
    private long usedMemoryMb;

    NodeCapacity(int maxInstances, long memoryBudgetMb) {
        this.maxInstances = maxInstances;
        this.memoryBudgetMb = memoryBudgetMb;
    }

    /** Reserves one instance of {@code memoryMb} if both a slot and that much of the budget are free. */
    synchronized boolean tryReserve(int memoryMb) {
        if (usedInstances >= maxInstances || usedMemoryMb + memoryMb > memoryBudgetMb) {
            return false;
        }
        usedInstances++;
        usedMemoryMb += memoryMb;
        return true;
    }

    /**
     * Reserves {@code instances} slots and {@code memoryMb} that the caller knows to be free (the pool decides under
     * its lock, from a snapshot of these counts): room found free, or the room of evicted instances passed on.
     */
    synchronized void reserve(int instances, long memoryMb) {
        usedInstances += instances;
        usedMemoryMb += memoryMb;
    }

    /** Gives back what {@link #reserve(int, long)} took. */
    synchronized void release(int instances, long memoryMb) {
        usedInstances -= instances;
        usedMemoryMb -= memoryMb;
    }

    /** Gives back what {@link #tryReserve} took for one instance of {@code memoryMb}. */
    synchronized void release(int memoryMb) {
        usedInstances--;
        usedMemoryMb -= memoryMb;
    }

    /** What must be freed before an instance of {@code memoryMb} fits: slots and megabytes, each 0 or more. */
    synchronized Room shortfall(int memoryMb) {
        return new Room(Math.max(0, usedInstances + 1 - maxInstances),
                Math.max(0, usedMemoryMb + memoryMb - memoryBudgetMb));
    }

    /** Why an instance of {@code memoryMb} does not fit now, for the caller's refusal. */
    synchronized String describeFull(int memoryMb) {
        if (usedInstances >= maxInstances) {
            return "the node is at its limit of " + maxInstances + " instances";
        }
        return "the node's memory budget of " + memoryBudgetMb + " MB is taken (" + usedMemoryMb
                + " MB reserved by running instances, " + memoryMb + " MB more needed)";
    }

    synchronized int used() {
        return usedInstances;
    }

    synchronized long usedMemoryMb() {
        return usedMemoryMb;
    }

    int max() {
        return maxInstances;
    }

    long memoryBudgetMb() {
        return memoryBudgetMb;
    }

    /** An amount of node capacity: instance slots and megabytes of memory. */
    record Room(int instances, long memoryMb) {

        boolean isNone() {
            return instances == 0 && memoryMb == 0;
        }
    }
}
