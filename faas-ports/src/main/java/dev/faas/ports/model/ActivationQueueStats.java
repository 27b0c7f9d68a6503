package dev.faas.ports.model;

import java.time.Instant;
import java.util.Map;

/** The queue as the store sees it: calls waiting, when the oldest was queued (null: none waits), and counts by status. */
public record ActivationQueueStats(long queued, Instant oldestQueuedAt, Map<ActivationStatus, Long> byStatus) {

    public ActivationQueueStats {
        byStatus = Map.copyOf(byStatus);
    }
}
