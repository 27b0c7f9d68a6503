package dev.faas.ports.out;

import dev.faas.ports.model.FunctionId;

/**
 * What to start: {@code functionId} is the version the instance will serve, or {@code null} for a pre-warmed
 * instance that gets its code later; {@code memoryMb} is its memory limit where the runtime can enforce one.
 */
public record InstanceSpec(FunctionId functionId, int memoryMb) {

    public static InstanceSpec prewarm(int memoryMb) {
        return new InstanceSpec(null, memoryMb);
    }
}
