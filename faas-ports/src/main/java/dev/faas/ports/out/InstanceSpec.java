package dev.faas.ports.out;

import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.VersionOptions;
import java.util.Objects;

/**
 * What to start: {@code functionId} is the version the instance will serve, or {@code null} for a pre-warmed
 * instance that gets its code later; {@code memoryMb} is its memory limit where the runtime can enforce one;
 * {@code runtime} is the language runtime whose runner it runs ({@code python3}, {@code nodejs}, ...), which decides
 * the runner, and in a container the image.
 */
public record InstanceSpec(FunctionId functionId, int memoryMb, String runtime) {

    public InstanceSpec {
        Objects.requireNonNull(runtime, "runtime");
    }

    /** An instance of the default runtime ({@value VersionOptions#DEFAULT_RUNTIME}). */
    public InstanceSpec(FunctionId functionId, int memoryMb) {
        this(functionId, memoryMb, VersionOptions.DEFAULT_RUNTIME);
    }

    public static InstanceSpec prewarm(int memoryMb) {
        return new InstanceSpec(null, memoryMb);
    }

    /** A pre-warmed instance of {@code runtime}. */
    public static InstanceSpec prewarm(String runtime, int memoryMb) {
        return new InstanceSpec(null, memoryMb, runtime);
    }
}
