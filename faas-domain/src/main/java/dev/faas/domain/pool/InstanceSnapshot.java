package dev.faas.domain.pool;

import dev.faas.ports.model.FunctionId;
import java.time.Instant;

/**
 * An immutable view of one pooled instance at a moment, for pure decisions such as reaping: {@code idleSince} is
 * when it last became idle ({@code null} while it has never been idle); {@code memoryMb} is the memory limit it
 * holds of the node's budget.
 */
public record InstanceSnapshot(String instanceId, FunctionId functionId, InstanceState state, Instant idleSince,
                               int memoryMb) {
}
