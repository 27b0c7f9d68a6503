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
 * {@code FAAS_PIP_TIMEOUT}); for Node.js, the npm registry ({@code npmRegistry}, {@code FAAS_NPM_REGISTRY}: none
 * by default, and then nodejs dependencies are refused) and the network its build container joins
 * ({@code npmNetwork}, {@code FAAS_NPM_NETWORK}, default {@code bridge}).
 */
public record DependencySettings(Path cacheRoot, String indexUrl, String trustedHost, List<String> extraArgs,
                                 String network, Duration timeout, String npmRegistry, String npmNetwork) {

    /** Python's settings alone: no npm registry. */
    public DependencySettings(Path cacheRoot, String indexUrl, String trustedHost, List<String> extraArgs,
                              String network, Duration timeout) {
        this(cacheRoot, indexUrl, trustedHost, extraArgs, network, timeout, null, null);
    }

    /** These settings with the npm registry {@code registry} reached over the Docker network {@code network}. */
    public DependencySettings withNpm(String registry, String network) {
        return new DependencySettings(cacheRoot, indexUrl, trustedHost, extraArgs, this.network, timeout, registry,
                network);
    }

    /** The public index, reached over the engine's default bridge. */
    public static final String DEFAULT_INDEX_URL = "https://pypi.org/simple";

    public DependencySettings {
        Objects.requireNonNull(cacheRoot, "cacheRoot");
        indexUrl = indexUrl == null ? DEFAULT_INDEX_URL : indexUrl;
        extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
        network = network == null ? "bridge" : network;
        timeout = timeout == null ? Duration.ofMinutes(5) : timeout;
        npmNetwork = npmNetwork == null ? "bridge" : npmNetwork;
    }
}
