package dev.faas.domain.reaping;

import dev.faas.domain.pool.InstanceSnapshot;
import dev.faas.domain.pool.InstanceState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Decides which instances to stop: those idle (warm, not busy) for at least {@code deleteAfter}. A pure function of
 * the snapshots and the time; it never sees a runtime.
 */
public record ReaperPolicy(Duration deleteAfter) {

    public ReaperPolicy {
        if (deleteAfter == null || deleteAfter.isNegative()) {
            throw new IllegalArgumentException("deleteAfter must be zero or positive");
        }
    }

    public List<InstanceSnapshot> selectVictims(Collection<InstanceSnapshot> snapshots, Instant now) {
        return snapshots.stream()
                .filter(snapshot -> snapshot.state() == InstanceState.WARM && snapshot.idleSince() != null)
                .filter(snapshot -> !snapshot.idleSince().plus(deleteAfter).isAfter(now))
                .toList();
    }
}
