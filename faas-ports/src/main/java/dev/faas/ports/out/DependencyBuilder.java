package dev.faas.ports.out;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Builds a function's Python dependencies (requirements.txt text) into a layer on this node, once per distinct text
 * (and image and index settings): later asks, and asks made while it builds, get the same layer. Thread-safe.
 */
public interface DependencyBuilder {

    /** For a runtime that installs no dependencies: every version with requirements is refused. */
    DependencyBuilder NONE = requirements -> {
        throw new dev.faas.ports.error.InvalidRequestException("requirements",
                "this node's runtime does not install Python requirements (the docker runtime does)");
    };

    /**
     * The layer of {@code requirements}, built now if this node has none yet (blocking until it is built).
     *
     * @throws dev.faas.ports.error.RequirementsFailedException if pip cannot resolve or install them, or the build
     *     ran out of time; its message holds the tail of pip's output
     */
    Layer layer(String requirements);

    /**
     * The layer of {@code requirements} for the language runtime {@code runtime}: a requirements.txt text for
     * {@code python3}, a package.json text for {@code nodejs} (its dependencies installed into the layer's
     * {@code node_modules}). By default Python's alone.
     *
     * @throws dev.faas.ports.error.InvalidRequestException naming {@code requirements} for a runtime this builder
     *     installs nothing for
     */
    default Layer layer(String runtime, String requirements) {
        if (!"python3".equals(runtime)) {
            throw new dev.faas.ports.error.InvalidRequestException("requirements", "this node does not install"
                    + " dependencies for the runtime '" + runtime + "'");
        }
        return layer(requirements);
    }

    /**
     * A built layer: its content hash, its directory on this host (read-only for instances), and whether this ask
     * built it (else it was cached) and how long the ask took.
     */
    record Layer(String hash, Path directory, boolean built, Duration took) {
    }
}
