package dev.faas.domain.pool;

import dev.faas.ports.model.FunctionId;
import java.util.List;
import java.util.Map;

/**
 * An immutable view of the whole node for one scheduling decision: its limits and what they hold, every instance
 * (idle warm, pre-warmed, busy), how many instances each version has running or starting, and the calls already
 * waiting, first come first.
 *
 * @param maxInstances    the node's instance cap
 * @param memoryBudgetMb  the node's memory budget
 * @param usedInstances   slots reserved now (running, starting and pre-warmed instances)
 * @param usedMemoryMb    megabytes reserved now
 * @param prewarmMemoryMb the memory size of pre-warmed instances (only a version of that size can take one)
 * @param instances       the instances, in any order
 * @param liveByVersion   instances running or starting per version (absent: none)
 * @param waiting         the calls waiting, in arrival order
 * @param maxQueuedCalls  how many calls may wait at once
 */
public record PoolSnapshot(int maxInstances, long memoryBudgetMb, int usedInstances, long usedMemoryMb,
                           int prewarmMemoryMb, List<InstanceSnapshot> instances,
                           Map<FunctionId, Integer> liveByVersion, List<Scheduler.Request> waiting,
                           int maxQueuedCalls) {

    public PoolSnapshot {
        instances = List.copyOf(instances);
        liveByVersion = Map.copyOf(liveByVersion);
        waiting = List.copyOf(waiting);
    }

    int live(FunctionId functionId) {
        return liveByVersion.getOrDefault(functionId, 0);
    }

    boolean fits(int memoryMb) {
        return usedInstances + 1 <= maxInstances && usedMemoryMb + memoryMb <= memoryBudgetMb;
    }

    boolean hasIdle(FunctionId functionId) {
        return instances.stream().anyMatch(instance -> instance.state() == InstanceState.WARM
                && functionId.equals(instance.functionId()));
    }
}
