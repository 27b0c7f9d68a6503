package dev.faas.ports.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a version asks of its sandbox beyond code, handler and limits: its runtime, its network mode, its
 * environment, the secrets it reads, whether its code is a zip archive, and its Python requirements. Immutable and
 * stored with the version. {@link #DEFAULT} is what a seed-style registration gets (Python, no network, nothing else), so versions registered before these options
 * existed read back unchanged. Build one with the {@code with...} methods rather than the canonical constructor,
 * so adding an option later touches only this file and the places that use it.
 */
public record VersionOptions(String runtime, String network, Map<String, String> env, List<String> secrets,
                             boolean archive, String requirements) {

    public static final String DEFAULT_RUNTIME = "python3";
    public static final String NETWORK_NONE = "none";
    /** The network mode of a version whose instances may open connections out, under the node's egress policy. */
    public static final String NETWORK_EGRESS = "egress";
    public static final VersionOptions DEFAULT = new VersionOptions(DEFAULT_RUNTIME, NETWORK_NONE, Map.of(), List.of(),
            false, null);

    public VersionOptions {
        runtime = runtime == null ? DEFAULT_RUNTIME : runtime;
        network = network == null ? NETWORK_NONE : network;
        env = env == null ? Map.of() : Map.copyOf(env);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        requirements = requirements == null || requirements.isBlank() ? null : requirements;
    }

    /** Whether this version's instances join the node's egress network. */
    public boolean egress() {
        return NETWORK_EGRESS.equals(network);
    }

    public VersionOptions withRuntime(String value) {
        return new VersionOptions(Objects.requireNonNull(value, "runtime"), network, env, secrets,
                archive, requirements);
    }

    public VersionOptions withNetwork(String value) {
        return new VersionOptions(runtime, Objects.requireNonNull(value, "network"), env, secrets,
                archive, requirements);
    }

    public VersionOptions withEnv(Map<String, String> value) {
        return new VersionOptions(runtime, network, Objects.requireNonNull(value, "env"), secrets,
                archive, requirements);
    }

    public VersionOptions withSecrets(List<String> value) {
        return new VersionOptions(runtime, network, env, Objects.requireNonNull(value, "secrets"), archive,
                requirements);
    }

    /**
     * These options for a version whose code is a zip archive ({@link CodeArchive}), held base64 in the version's
     * {@code code}, its handler being {@code module.function}; false for a single source file.
     */
    public VersionOptions withArchive(boolean value) {
        return new VersionOptions(runtime, network, env, secrets, value, requirements);
    }

    /**
     * These options with the Python dependencies {@code value} (requirements.txt text) installed for the version, or
     * none when null or blank.
     */
    public VersionOptions withRequirements(String value) {
        return new VersionOptions(runtime, network, env, secrets, archive,
                value == null || value.isBlank() ? null : value);
    }
}
