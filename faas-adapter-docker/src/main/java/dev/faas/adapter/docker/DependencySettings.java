package dev.faas.adapter.docker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How this node builds dependency layers: where it keeps them ({@code cacheRoot}), the package index pip uses
 * ({@code indexUrl}, {@code FAAS_PIP_INDEX_URL}; {@code trustedHost}, {@code FAAS_PIP_TRUSTED_HOST}; more pip
 * arguments, {@code FAAS_PIP_EXTRA_ARGS}), the Docker network the build container alone joins to reach it
 * ({@code network}, {@code FAAS_PIP_NETWORK}), and how long one build may take ({@code timeout},
 * {@code FAAS_PIP_TIMEOUT}).
 */
public record DependencySettings(Path cacheRoot, String indexUrl, String trustedHost, List<String> extraArgs,
                                 String network, Duration timeout) {

    /** The public index, reached over the engine's default bridge. */
    public static final String DEFAULT_INDEX_URL = "https://pypi.org/simple";

    public DependencySettings {
        Objects.requireNonNull(cacheRoot, "cacheRoot");
        indexUrl = indexUrl == null ? DEFAULT_INDEX_URL : indexUrl;
        extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
        network = network == null ? "bridge" : network;
        timeout = timeout == null ? Duration.ofMinutes(5) : timeout;
    }
}
