package dev.faas.ports.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a version asks of its sandbox beyond code, handler and limits: its runtime, its network mode, its
 * environment, the secrets it reads, whether its code is a zip archive, its Python requirements, and how many times an
 * asynchronous call of it may run when nodes die. Immutable and stored with the version. {@link #DEFAULT} is what a
 * seed-style registration gets (Python, no network, nothing else), so versions registered before these options
 * existed read back unchanged. Build one with the {@code with...} methods rather than the canonical constructor,
 * so adding an option later touches only this file and the places that use it.
 */
public record VersionOptions(String runtime, String network, Map<String, String> env, List<String> secrets,
                             boolean archive, String requirements, Integer maxAttempts) {

    public static final String DEFAULT_RUNTIME = "python3";
    public static final String NETWORK_NONE = "none";
    /** The network mode of a version whose instances may open connections out, under the node's egress policy. */
    public static final String NETWORK_EGRESS = "egress";
    /** Runs of an asynchronous call allowed when nodes die during it: one retry on another node. */
    public static final int DEFAULT_MAX_ATTEMPTS = 2;
    /** The most {@link #maxAttempts} a version may ask for. */
    public static final int MAX_MAX_ATTEMPTS = 10;
    public static final VersionOptions DEFAULT = new VersionOptions(DEFAULT_RUNTIME, NETWORK_NONE, Map.of(), List.of(),
            false, null, DEFAULT_MAX_ATTEMPTS);

    public VersionOptions {
        runtime = runtime == null ? DEFAULT_RUNTIME : runtime;
        network = network == null ? NETWORK_NONE : network;
        env = env == null ? Map.of() : Map.copyOf(env);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        requirements = requirements == null || requirements.isBlank() ? null : requirements;
        maxAttempts = maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
        if (maxAttempts < 0 || maxAttempts > MAX_MAX_ATTEMPTS) {
            throw new IllegalArgumentException("maxAttempts is 0 to " + MAX_MAX_ATTEMPTS + ", got " + maxAttempts);
        }
    }

    /** Whether this version's instances join the node's egress network. */
    public boolean egress() {
        return NETWORK_EGRESS.equals(network);
    }

    public VersionOptions withRuntime(String value) {
        return new VersionOptions(Objects.requireNonNull(value, "runtime"), network, env, secrets, archive,
                requirements, maxAttempts);
    }

    public VersionOptions withNetwork(String value) {
        return new VersionOptions(runtime, Objects.requireNonNull(value, "network"), env, secrets, archive,
                requirements, maxAttempts);
    }

    public VersionOptions withEnv(Map<String, String> value) {
        return new VersionOptions(runtime, network, Objects.requireNonNull(value, "env"), secrets, archive,
                requirements, maxAttempts);
    }

    public VersionOptions withSecrets(List<String> value) {
        return new VersionOptions(runtime, network, env, Objects.requireNonNull(value, "secrets"), archive,
                requirements, maxAttempts);
    }

    /**
     * These options for a version whose code is a zip archive ({@link CodeArchive}), held base64 in the version's
     * {@code code}, its handler being {@code module.function}; false for a single source file.
     */
    public VersionOptions withArchive(boolean value) {
        return new VersionOptions(runtime, network, env, secrets, value, requirements, maxAttempts);
    }

    /**
     * These options with the Python dependencies {@code value} (requirements.txt text) installed for the version, or
     * none when null or blank.
     */
    public VersionOptions withRequirements(String value) {
        return new VersionOptions(runtime, network, env, secrets, archive,
                value == null || value.isBlank() ? null : value, maxAttempts);
    }

    /**
     * How many times an asynchronous call of this version may run when the node running it dies: 2 by default (one
     * retry elsewhere); 0 or 1 mean at most once. A call that fails by itself is never run again.
     */
    public VersionOptions withMaxAttempts(int value) {
        return new VersionOptions(runtime, network, env, secrets, archive, requirements, value);
    }

    /** The runs an asynchronous call may take: {@link #maxAttempts}, at least one. */
    public int attemptsAllowed() {
        return Math.max(1, maxAttempts);
    }
}
