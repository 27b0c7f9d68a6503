package dev.faas.domain.stats;

import dev.faas.domain.pool.InstancePool;
import dev.faas.domain.pool.InstanceSnapshot;
import dev.faas.domain.pool.InstanceState;
import dev.faas.ports.in.NodeStatisticsUseCase;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.NodeStatistics;
import dev.faas.ports.model.NodeStatistics.FunctionStatistics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node's statistics for dashboards: the pool's instances, capacity and queue as they are now, beside the calls
 * {@link CallStatistics} counted. Reading takes the pool's lock three times, briefly (as a metrics scrape does), and
 * never touches a running call. Thread-safe.
 */
public final class NodeStatisticsService implements NodeStatisticsUseCase {

    private final String nodeId;
    private final InstancePool pool;
    private final CallStatistics calls;
    private final Clock clock;

    public NodeStatisticsService(String nodeId, InstancePool pool, CallStatistics calls, Clock clock) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public NodeStatistics nodeStatistics() {
        Map<FunctionId, int[]> instances = new HashMap<>();
        for (InstanceSnapshot instance : pool.snapshots()) {
            if (instance.functionId() == null) {
                continue;
            }
            int[] warmBusy = instances.computeIfAbsent(instance.functionId(), id -> new int[2]);
            if (instance.state() == InstanceState.WARM) {
                warmBusy[0]++;
            } else if (instance.state() == InstanceState.BUSY || instance.state() == InstanceState.STARTING) {
                warmBusy[1]++;
            }
        }
        Map<FunctionId, CallStatistics.Figures> figures = calls.functions();
        Set<FunctionId> ids = new TreeSet<>(Comparator.comparing(FunctionId::toString));
        ids.addAll(instances.keySet());
        ids.addAll(figures.keySet());
        List<FunctionStatistics> functions = new ArrayList<>(ids.size());
        for (FunctionId id : ids) {
            int[] warmBusy = instances.getOrDefault(id, new int[2]);
            CallStatistics.Figures called = figures.getOrDefault(id, new CallStatistics.Figures(0, 0, 0, 0));
            functions.add(new FunctionStatistics(id, warmBusy[0], warmBusy[1], called.calls(), called.errors(),
                    called.p50Ms(), called.p99Ms()));
        }
        return new NodeStatistics(nodeId, clock.instant(), pool.poolStatus(), pool.prewarmTarget(),
                CallStatistics.functionWindow(), functions, calls.series());
    }
}
