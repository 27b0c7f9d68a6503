package dev.faas.domain.pool;

import dev.faas.ports.model.FunctionId;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Chooses which idle instance to stop when the node is full and a call needs room: the least recently used warm
 * instance of another function. Pre-warmed instances are not candidates here; the pool gives them up last. A pure
 * function of snapshots.
 */
public final class EvictionPolicy {

    private EvictionPolicy() {
    }

    public static Optional<InstanceSnapshot> selectVictim(Collection<InstanceSnapshot> snapshots, FunctionId requester) {
        return snapshots.stream()
                .filter(snapshot -> snapshot.state() == InstanceState.WARM && snapshot.idleSince() != null)
                .filter(snapshot -> !snapshot.functionId().equals(requester))
                .min(Comparator.comparing(InstanceSnapshot::idleSince));
    }
}
