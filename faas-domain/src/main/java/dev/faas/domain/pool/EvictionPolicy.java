package dev.faas.domain.pool;

import dev.faas.ports.model.FunctionId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses which idle instances to stop when the node is full and a call needs room: the least recently used warm
 * instances of other functions, then pre-warmed ones (the pool gives them up last). Pure functions of snapshots.
 */
public final class EvictionPolicy {

    private EvictionPolicy() {
    }

    /**
     * The fewest idle instances, in eviction order, whose stopping frees at least {@code instances} slots and
     * {@code memoryMb} megabytes; empty when even all of them would not free enough, since stopping them would then
     * only cost their warm state.
     */
    public static List<InstanceSnapshot> selectVictims(Collection<InstanceSnapshot> snapshots, FunctionId requester,
                                                       int instances, long memoryMb) {
        List<InstanceSnapshot> candidates = new ArrayList<>(snapshots.stream()
                .filter(snapshot -> snapshot.state() == InstanceState.WARM && snapshot.idleSince() != null)
                .filter(snapshot -> !snapshot.functionId().equals(requester))
                .sorted(Comparator.comparing(InstanceSnapshot::idleSince))
                .toList());
        candidates.addAll(snapshots.stream()
                .filter(snapshot -> snapshot.state() == InstanceState.PREWARM)
                .toList());
        List<InstanceSnapshot> victims = new ArrayList<>();
        int freedInstances = 0;
        long freedMemoryMb = 0;
        for (InstanceSnapshot candidate : candidates) {
            if (freedInstances >= instances && freedMemoryMb >= memoryMb) {
                break;
            }
            victims.add(candidate);
            freedInstances++;
            freedMemoryMb += candidate.memoryMb();
        }
        return freedInstances >= instances && freedMemoryMb >= memoryMb ? victims : List.of();
    }
}
