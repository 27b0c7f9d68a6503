package dev.faas.ports.out;

import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.VersionOptions;
import java.util.Objects;

/**
 * What to start: {@code functionId} is the version the instance will serve, or {@code null} for a pre-warmed
 * instance that gets its code later; {@code memoryMb} is its memory limit where the runtime can enforce one;
 * {@code runtime} is the language runtime whose runner it runs ({@code python3}, {@code nodejs}, ...), which decides
 * the runner, and in a container the image; {@code network} is the version's network mode
 * ({@link VersionOptions#NETWORK_NONE} or {@link VersionOptions#NETWORK_EGRESS}): a pre-warmed instance never has a
 * network.
 */
public record InstanceSpec(FunctionId functionId, int memoryMb, String runtime, String network) {

    public InstanceSpec {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(network, "network");
        if (functionId == null && !VersionOptions.NETWORK_NONE.equals(network)) {
            throw new IllegalArgumentException("a pre-warmed instance has no network");
        }
    }

    /** An instance of the default runtime ({@value VersionOptions#DEFAULT_RUNTIME}) without network. */
    public InstanceSpec(FunctionId functionId, int memoryMb) {
        this(functionId, memoryMb, VersionOptions.DEFAULT_RUNTIME);
    }

    /** An instance of {@code runtime} without network. */
    public InstanceSpec(FunctionId functionId, int memoryMb, String runtime) {
        this(functionId, memoryMb, runtime, VersionOptions.NETWORK_NONE);
    }

    public static InstanceSpec prewarm(int memoryMb) {
        return new InstanceSpec(null, memoryMb);
    }

    /** A pre-warmed instance of {@code runtime}. */
    public static InstanceSpec prewarm(String runtime, int memoryMb) {
        return new InstanceSpec(null, memoryMb, runtime);
    }

    /** Whether the instance joins the node's egress network. */
    public boolean egress() {
        return VersionOptions.NETWORK_EGRESS.equals(network);
    }
}
