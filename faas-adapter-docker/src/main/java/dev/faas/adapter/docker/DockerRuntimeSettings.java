package dev.faas.adapter.docker;

import dev.faas.nodejs.NodeRunner;
import dev.faas.ports.model.LanguageRuntime;
import dev.faas.ports.model.VersionOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of the Docker runtime: the function image (Python's; {@code nodeImage} is the nodejs runtime's, null for
 * none), this node's id (in every container's labels and name), the
 * host directory under which each instance gets its socket directory (kept private to the platform's user), how
 * long a container's runner may take to connect to the platform and answer its first ping, and each container's
 * limits (pids, /tmp size, CPUs, open files, user, log bytes per call). Memory is not here: it comes with each
 * {@link dev.faas.ports.out.InstanceSpec}. {@code ociRuntime} names the engine's OCI runtime for function containers
 * ({@code runsc} for gVisor, say; null: the engine's default), and {@code egressNetwork} the Docker network that
 * instances of egress versions join (null: egress is off on this node and such an instance cannot start);
 * {@code nodeImage} is the image of nodejs instances (null: this node offers no nodejs runtime).
 * {@code customRuntimes} are the operator's own runtimes ({@code FAAS_RUNTIMES_FILE}): each a name, the language
 * whose runner its image carries ({@code python} or {@code javascript}) and its image as the launcher.
 *
 * <p>{@code socketRoot} must be an absolute path on the Docker engine's host (when the platform itself runs in a
 * container, the same path must be mounted at the same place), and short: a Unix socket path holds at most
 * {@value #MAX_SOCKET_PATH_BYTES} bytes.
 */
public record DockerRuntimeSettings(String image, String nodeId, Path socketRoot, Duration startTimeout,
                                    int pidsLimit, long tmpfsBytes, double cpus, int nofile, String user,
                                    int logLimitBytes, String ociRuntime, String egressNetwork, String nodeImage,
                                    List<LanguageRuntime> customRuntimes) {

    /** The language of the Python runner, as {@link LanguageRuntime#language()} names it. */
    public static final String PYTHON = "python";
    /** The language of the Node.js runner. */
    public static final String JAVASCRIPT = "javascript";

    /** The image {@code python-base/build-image.sh} builds by default. */
    public static final String DEFAULT_IMAGE = "faas-python:latest";

    /** The longest Unix socket path Linux accepts (sun_path less its terminating NUL). */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    // Usable in a container name and a label value, and short enough to leave room in the socket path.
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");

    // "/<nodeId>-<counter up to 10 digits>-<6 hex>/platform.sock"
    private static final int SOCKET_PATH_SUFFIX_BYTES = 1 + 1 + 10 + 1 + 6 + 1 + "platform.sock".length();
    private static final Pattern NUMERIC_USER = Pattern.compile("([0-9]{1,9})(:[0-9]+)?");

    public DockerRuntimeSettings {
        requireText(image, "image");
        Objects.requireNonNull(nodeId, "nodeId");
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("the node id must be 1 to 32 letters, digits, '_', '.' or '-' and "
                    + "start with a letter or digit, not '" + nodeId + "'");
        }
        Objects.requireNonNull(socketRoot, "socketRoot");
        if (!socketRoot.isAbsolute()) {
            throw new IllegalArgumentException("the socket root must be an absolute host path, not " + socketRoot);
        }
        int socketPathBytes = socketRoot.toString().getBytes(StandardCharsets.UTF_8).length
                + nodeId.length() + SOCKET_PATH_SUFFIX_BYTES;
        if (socketPathBytes > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("the socket root " + socketRoot + " is too long: with node id '"
                    + nodeId + "' a socket path could reach " + socketPathBytes + " bytes, more than the "
                    + MAX_SOCKET_PATH_BYTES + " a Unix socket allows; choose a shorter directory");
        }
        Objects.requireNonNull(startTimeout, "startTimeout");
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, not " + startTimeout);
        }
        requirePositive(pidsLimit, "pidsLimit");
        requirePositive(tmpfsBytes, "tmpfsBytes");
        if (!(cpus > 0) || Double.isInfinite(cpus)) {
            throw new IllegalArgumentException("cpus must be positive, not " + cpus);
        }
        requirePositive(nofile, "nofile");
        requireText(user, "user");
        requirePositive(logLimitBytes, "logLimitBytes");
        if (ociRuntime != null) {
            requireText(ociRuntime, "ociRuntime");
        }
        if (egressNetwork != null) {
            requireText(egressNetwork, "egressNetwork");
        }
        if (nodeImage != null) {
            requireText(nodeImage, "nodeImage");
        }
        customRuntimes = customRuntimes == null ? List.of() : List.copyOf(customRuntimes);
        for (LanguageRuntime custom : customRuntimes) {
            if (!PYTHON.equals(custom.language()) && !JAVASCRIPT.equals(custom.language())) {
                throw new IllegalArgumentException("the custom runtime '" + custom.name() + "' has the language '"
                        + custom.language() + "'; its runner must be " + PYTHON + " or " + JAVASCRIPT);
            }
        }
    }

    /** Settings with these custom runtimes. */
    public DockerRuntimeSettings(String image, String nodeId, Path socketRoot, Duration startTimeout,
                                 int pidsLimit, long tmpfsBytes, double cpus, int nofile, String user,
                                 int logLimitBytes, String ociRuntime, String egressNetwork, String nodeImage) {
        this(image, nodeId, socketRoot, startTimeout, pidsLimit, tmpfsBytes, cpus, nofile, user, logLimitBytes,
                ociRuntime, egressNetwork, nodeImage, List.of());
    }

    /** Settings with the engine's default OCI runtime, no egress network and no nodejs runtime. */
    public DockerRuntimeSettings(String image, String nodeId, Path socketRoot, Duration startTimeout, int pidsLimit,
                                 long tmpfsBytes, double cpus, int nofile, String user, int logLimitBytes) {
        this(image, nodeId, socketRoot, startTimeout, pidsLimit, tmpfsBytes, cpus, nofile, user, logLimitBytes, null,
                null, null);
    }

    /** The sandbox defaults of the design: 64 pids, 64 MB /tmp, 1 CPU, 1024 open files, user 10001, 64 KiB logs. */
    public static DockerRuntimeSettings defaults(String nodeId, Path socketRoot) {
        return new DockerRuntimeSettings(DEFAULT_IMAGE, nodeId, socketRoot, Duration.ofSeconds(30), 64,
                64L * 1024 * 1024, 1.0, 1024, "10001:10001", 64 * 1024);
    }

    /**
     * The uid the runner runs as in its container, which alone may connect to the platform's socket: the numeric
     * uid of {@code user} ("10001:10001" gives 10001), or {@link dev.faas.python.RunnerListener#ANY_USER} when
     * {@code user} is a name, which only the image can resolve, or when an OCI runtime is configured: under gVisor the
     * host sees the connection come from gVisor's own process (root), not from the container's user. The socket
     * directory's permissions (private to the platform's user, one directory per instance, mounted into that
     * instance alone) and the one-connection rule then stand alone.
     */
    public int runnerUid() {
        if (ociRuntime != null) {
            return dev.faas.python.RunnerListener.ANY_USER;
        }
        var numeric = NUMERIC_USER.matcher(user);
        return numeric.matches() ? Integer.parseInt(numeric.group(1)) : dev.faas.python.RunnerListener.ANY_USER;
    }

    /** These settings with another function image. */
    public DockerRuntimeSettings withImage(String otherImage) {
        return new DockerRuntimeSettings(otherImage, nodeId, socketRoot, startTimeout, pidsLimit, tmpfsBytes, cpus,
                nofile, user, logLimitBytes, ociRuntime, egressNetwork, nodeImage,
                customRuntimes);
    }

    /** These settings with another OCI runtime for function containers (null: the engine's default). */
    public DockerRuntimeSettings withOciRuntime(String runtime) {
        return new DockerRuntimeSettings(image, nodeId, socketRoot, startTimeout, pidsLimit, tmpfsBytes, cpus,
                nofile, user, logLimitBytes, runtime, egressNetwork, nodeImage,
                customRuntimes);
    }

    /** These settings with the Docker network egress instances join (null: egress off). */
    public DockerRuntimeSettings withEgressNetwork(String network) {
        return new DockerRuntimeSettings(image, nodeId, socketRoot, startTimeout, pidsLimit, tmpfsBytes, cpus,
                nofile, user, logLimitBytes, ociRuntime, network, nodeImage,
                customRuntimes);
    }

    /** These settings with the nodejs runtime's image ({@code null}: no nodejs runtime). */
    public DockerRuntimeSettings withNodeImage(String otherNodeImage) {
        return new DockerRuntimeSettings(image, nodeId, socketRoot, startTimeout, pidsLimit, tmpfsBytes, cpus,
                nofile, user, logLimitBytes, ociRuntime, egressNetwork, otherNodeImage,
                customRuntimes);
    }

    /** These settings with the operator's custom runtimes (see the type's comment). */
    public DockerRuntimeSettings withCustomRuntimes(List<LanguageRuntime> runtimes) {
        return new DockerRuntimeSettings(image, nodeId, socketRoot, startTimeout, pidsLimit, tmpfsBytes, cpus,
                nofile, user, logLimitBytes, ociRuntime, egressNetwork, nodeImage, runtimes);
    }

    /** The image of {@code runtime}'s instances, or null if these settings offer no such runtime. */
    public String imageOf(String runtime) {
        if (VersionOptions.DEFAULT_RUNTIME.equals(runtime)) {
            return image;
        }
        if (NodeRunner.RUNTIME.equals(runtime)) {
            return nodeImage;
        }
        return customRuntimes.stream().filter(custom -> custom.name().equals(runtime)).map(LanguageRuntime::launcher)
                .findFirst().orElse(null);
    }

    /** The language of {@code runtime}'s runner ({@value #PYTHON} or {@value #JAVASCRIPT}), or null if not offered. */
    public String languageOf(String runtime) {
        if (VersionOptions.DEFAULT_RUNTIME.equals(runtime)) {
            return PYTHON;
        }
        if (NodeRunner.RUNTIME.equals(runtime)) {
            return nodeImage == null ? null : JAVASCRIPT;
        }
        return customRuntimes.stream().filter(custom -> custom.name().equals(runtime)).map(LanguageRuntime::language)
                .findFirst().orElse(null);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
