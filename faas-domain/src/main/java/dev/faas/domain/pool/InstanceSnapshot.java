package dev.faas.domain.pool;

import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.VersionOptions;
import java.time.Instant;

/**
 * An immutable view of one pooled instance at a moment, for pure decisions such as reaping: {@code idleSince} is
 * when it last became idle ({@code null} while it has never been idle); {@code memoryMb} is the memory limit it
 * holds of the node's budget; {@code runtime} the language runtime it runs (a pre-warmed instance serves only
 * versions of its runtime).
 */
public record InstanceSnapshot(String instanceId, FunctionId functionId, InstanceState state, Instant idleSince,
                               int memoryMb, String runtime) {

    /** An instance of the default runtime. */
    public InstanceSnapshot(String instanceId, FunctionId functionId, InstanceState state, Instant idleSince,
                            int memoryMb) {
        this(instanceId, functionId, state, idleSince, memoryMb, VersionOptions.DEFAULT_RUNTIME);
    }
}
