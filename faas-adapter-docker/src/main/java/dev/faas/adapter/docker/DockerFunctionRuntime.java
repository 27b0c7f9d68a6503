package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.faas.nodejs.NodeRunner;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.LanguageRuntime;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.python.RunnerExit;
import dev.faas.python.RunnerRuntime;
import dev.faas.python.UnsafeDirectoryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each instance as one hardened Docker container of the function image (the sandbox is
 * {@link ContainerSpecFactory}'s: no network, read-only root, no capabilities, a non-root user, limits, private IPC,
 * no core dumps, a ptrace-refusing entry point). The platform listens on a Unix socket in a per-instance host
 * directory ({@link SocketDirectories}) bind-mounted read-only at {@value #CONTAINER_SOCKET_DIRECTORY}; the runner
 * connects to it, so neither needs any network, and only the container's user may connect, once. Deadlines are
 * enforced by killing the container; a crash is explained by the engine ({@link ContainerPostMortem}). Every
 * container carries the labels {@value #LABEL_MANAGED}, {@value #LABEL_NODE}, {@value #LABEL_FUNCTION} and
 * {@value #LABEL_INSTANCE}; {@link #sweep()} removes this node's leftovers by them ({@link LeftoverSweep}). The
 * instance machinery is {@link RunnerRuntime}'s. The {@link DockerClient} is the caller's: this runtime never closes
 * it. Thread-safe.
 */
public final class DockerFunctionRuntime extends RunnerRuntime<String> {

    public static final String LABEL_MANAGED = "faas.managed";
    public static final String LABEL_NODE = "faas.node";
    public static final String LABEL_FUNCTION = "faas.function";
    public static final String LABEL_INSTANCE = "faas.instance";
    /** The {@value #LABEL_FUNCTION} label of an instance started without code. */
    public static final String PREWARM_FUNCTION = "prewarm";
    /** The label of a function image that records its interpreter's version (the image scripts set it). */
    public static final String LABEL_RUNTIME_VERSION = "faas.runtime.version";
    /** Where the instance's socket directory appears inside its container. */
    public static final String CONTAINER_SOCKET_DIRECTORY = "/run/faas";
    /** Where a version's dependency layer appears in its instance's directory. */
    static final String DEPENDENCIES_DIRECTORY = "deps";

    private static final Logger LOG = LoggerFactory.getLogger(DockerFunctionRuntime.class);
    // The connection breaks as the runner dies; the engine learns of the exit a few milliseconds later.
    private static final Duration EXIT_WAIT = Duration.ofSeconds(2);
    /** How long {@link #available()} waits for the engine's answer to a ping. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(1);
    /** How long an answer of {@link #available()} is reused. */
    static final Duration AVAILABILITY_CACHE = Duration.ofSeconds(1);
    // Two threads: a kill is a blocking call to the engine, and one slow kill must not delay another deadline.
    private static final int DEADLINE_THREADS = 2;

    private final DockerClient docker;
    private final DockerRuntimeSettings settings;
    private final SocketDirectories directories;
    // Replaced once by ociRuntimeAvailable() when the engine says the configured runtime is gVisor.
    private volatile ContainerSpecFactory containers;
    private final ContainerPostMortem postMortem;
    private final LeftoverSweep leftovers;
    private final AtomicBoolean engineWarningsLogged = new AtomicBoolean();
    private final Map<String, String> imageVersions = new ConcurrentHashMap<>();
    private final Object availabilityLock = new Object();
    private volatile boolean lastAvailable;
    private volatile long availabilityCheckedNanos;
    private volatile boolean availabilityChecked;

    /**
     * A runtime starting containers on the engine {@code docker} talks to. Creates {@code settings.socketRoot()}
     * private to this user ({@code rwx------}), or makes an existing one so; talks to the engine only when asked to.
     *
     * @throws UnsafeDirectoryException if the socket root is a symbolic link, not a directory, shared, or owned by
     *     another user: the message says what to fix
     * @throws UncheckedIOException if the socket root cannot be created
     */
    public DockerFunctionRuntime(DockerClient docker, DockerRuntimeSettings settings) {
        super("docker", Objects.requireNonNull(settings, "settings").startTimeout(), SocketDirectories.SOCKET_MODE,
                settings.runnerUid(), DEADLINE_THREADS);
        this.docker = Objects.requireNonNull(docker, "docker");
        this.settings = settings;
        this.directories = new SocketDirectories(settings.socketRoot(), settings.nodeId());
        this.containers = new ContainerSpecFactory(settings);
        this.postMortem = new ContainerPostMortem(docker);
        this.leftovers = new LeftoverSweep(docker, settings.nodeId(), directories);
    }

    /** The settings this runtime was built with. */
    public DockerRuntimeSettings settings() {
        return settings;
    }

    /** Whether the engine holds the (Python) function image; false also when the engine cannot be reached. */
    public boolean imageAvailable() {
        return imageAvailable(settings.image());
    }

    /** Whether the engine holds {@code image}; false also when the engine cannot be reached. */
    public boolean imageAvailable(String image) {
        return imageAvailable(docker, image);
    }

    /** Whether the engine {@code docker} talks to holds {@code image}; false also when it cannot be reached. */
    public static boolean imageAvailable(DockerClient docker, String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            LOG.debug("could not inspect the image {}: {}", image, e.toString());
            return false;
        }
    }

    /**
     * Whether the engine knows the configured OCI runtime (always true when none is configured); false also when the
     * engine cannot be reached. When that runtime is gVisor's {@code runsc}, its containers from now on get the
     * limits gVisor needs (see {@link ContainerSpecFactory#hostPidsLimit}). Called once at start.
     */
    public boolean ociRuntimeAvailable() {
        if (settings.ociRuntime() == null) {
            return true;
        }
        try {
            var runtimes = docker.infoCmd().exec().getRuntimes();
            if (runtimes == null || !runtimes.containsKey(settings.ociRuntime())) {
                return false;
            }
            var runtime = runtimes.get(settings.ociRuntime());
            if (runtime != null && ContainerSpecFactory.isGvisor(runtime.getPath())) {
                containers = new ContainerSpecFactory(settings, true);
                LOG.info("OCI runtime {} is gVisor ({}): function tasks limited inside it (RLIMIT_NPROC {}),"
                        + " container pids limit {} for gVisor's own tasks", settings.ociRuntime(), runtime.getPath(),
                        settings.pidsLimit(), containers.hostPidsLimit());
            }
            return true;
        } catch (RuntimeException e) {
            LOG.debug("could not list the engine's runtimes: {}", e.toString());
            return false;
        }
    }

    /** What to tell an operator whose engine does not know the OCI runtime {@code runtime}. */
    public static String missingOciRuntimeMessage(String runtime) {
        return "FAAS_DOCKER_RUNTIME=" + runtime + " but the Docker engine has no runtime of that name. For gVisor:"
                + " install it (Debian: 'apt-get install runsc'), register it in /etc/docker/daemon.json as"
                + " {\"runtimes\": {\"" + runtime + "\": {\"path\": \"/usr/bin/runsc\", \"runtimeArgs\":"
                + " [\"--network=none\", \"--host-uds=open\"]}}}, then reload the engine ('kill -HUP' its pid, or"
                + " 'systemctl reload docker'); 'docker info' lists the runtimes it knows. Or unset FAAS_DOCKER_RUNTIME"
                + " for the engine's default (runc)";
    }

    /** What to tell an operator whose engine lacks the function image {@code image}. */
    public static String missingImageMessage(String image) {
        String tag = DockerRuntimeSettings.DEFAULT_IMAGE.equals(image) ? "" : " --tag " + image;
        return "the function image '" + image + "' is not on the Docker engine; build it with "
                + "python-base/build-image.sh --offline" + tag + " (or without --offline where the public "
                + "python image can be pulled)";
    }

    /** What to tell an operator whose engine lacks the nodejs function image {@code image}. */
    public static String missingNodeImageMessage(String image) {
        String tag = NodeRunner.DEFAULT_IMAGE.equals(image) ? "" : " --tag " + image;
        return "the nodejs function image '" + image + "' is not on the Docker engine; build it with "
                + "nodejs-base/build-image.sh" + tag;
    }

    /**
     * Python, and nodejs when the settings name its image; each with its image, and the interpreter's version that the
     * image's {@value #LABEL_RUNTIME_VERSION} label records (read from the engine once, null when absent).
     */
    @Override
    public List<LanguageRuntime> languageRuntimes() {
        List<LanguageRuntime> offered = new ArrayList<>();
        offered.add(new LanguageRuntime(VersionOptions.DEFAULT_RUNTIME, "python", settings.image(),
                imageVersion(settings.image())));
        if (settings.nodeImage() != null) {
            offered.add(new LanguageRuntime(NodeRunner.RUNTIME, "javascript", settings.nodeImage(),
                    imageVersion(settings.nodeImage())));
        }
        for (LanguageRuntime custom : settings.customRuntimes()) {
            offered.add(new LanguageRuntime(custom.name(), custom.language(), custom.launcher(),
                    imageVersion(custom.launcher())));
        }
        return List.copyOf(offered);
    }

    private String imageVersion(String image) {
        String known = imageVersions.get(image);
        if (known != null) {
            return known.isEmpty() ? null : known;
        }
        String version = "";
        try {
            Map<String, String> labels = docker.inspectImageCmd(image).exec().getConfig().getLabels();
            if (labels != null && labels.get(LABEL_RUNTIME_VERSION) != null) {
                version = labels.get(LABEL_RUNTIME_VERSION);
            }
            imageVersions.put(image, version);
        } catch (RuntimeException e) {
            LOG.debug("could not read the version label of {}: {}", image, e.toString());
        }
        return version.isEmpty() ? null : version;
    }

    @Override
    protected String instanceId(long number) {
        return settings.nodeId() + "-" + number + "-"
                + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    @Override
    protected Path createDirectory(String instanceId) throws IOException {
        return directories.create(instanceId);
    }

    /** Creates and starts the container; returns its id. */
    @Override
    protected String launch(String instanceId, InstanceSpec spec, Path directory, Path socket) {
        long startNanos = System.nanoTime();
        String image = settings.imageOf(spec.runtime());
        if (image == null) {
            throw new UnableToStartInstanceException("the docker runtime offers no runtime '" + spec.runtime() + "'",
                    "");
        }
        CreateContainerResponse created;
        try {
            created = containers.create(instanceId, spec, directory).createCommand(docker, image).exec();
        } catch (UnableToStartInstanceException e) {
            throw e;
        } catch (NotFoundException e) {
            throw new UnableToStartInstanceException(image.equals(settings.image()) ? missingImageMessage(image)
                    : missingNodeImageMessage(image), e);
        } catch (RuntimeException e) {
            throw new UnableToStartInstanceException("the engine did not create a container of " + image
                    + ": " + e.getMessage(), e);
        }
        String containerId = created.getId();
        if (created.getWarnings() != null && created.getWarnings().length > 0
                && engineWarningsLogged.compareAndSet(false, true)) {
            // Such as "kernel does not support swap limit": a limit silently not enforced. Once is enough.
            LOG.warn("the Docker engine warned about the sandbox's settings: {}", String.join("; ",
                    created.getWarnings()));
        }
        long createdNanos = System.nanoTime();
        try {
            docker.startContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            String logs = postMortem.logTail(containerId);
            LeftoverSweep.remove(docker, containerId);
            String reason = "the engine did not start the container: " + e.getMessage();
            LOG.warn("instance {} (container {}) did not start: {}", instanceId,
                    ContainerPostMortem.shortId(containerId), reason);
            throw new UnableToStartInstanceException(reason, logs);
        }
        LOG.debug("launched instance {} (container {}): create {} ms, start {} ms", instanceId,
                ContainerPostMortem.shortId(containerId), millis(createdNanos - startNanos),
                millis(System.nanoTime() - createdNanos));
        return containerId;
    }

    /** The instance's directory is mounted read-only at {@value #CONTAINER_SOCKET_DIRECTORY} in its container. */
    @Override
    protected String pathInRunner(Path directory, String relative) {
        return CONTAINER_SOCKET_DIRECTORY + "/" + relative;
    }

    /**
     * The layer, hard-linked into the instance's directory (mounted read-only in the container) as
     * {@value #DEPENDENCIES_DIRECTORY}: a pre-warmed container, started before its version was known, gets it too.
     */
    @Override
    protected String dependenciesInRunner(Path directory, Path layer) {
        linkTree(layer, directory.resolve(DEPENDENCIES_DIRECTORY));
        return pathInRunner(directory, DEPENDENCIES_DIRECTORY);
    }

    @Override
    protected CompletableFuture<?> ended(String containerId) {
        return postMortem.ended(containerId);
    }

    @Override
    protected void kill(String containerId) {
        try {
            docker.killContainerCmd(containerId).exec();
        } catch (NotFoundException | ConflictException e) {
            LOG.debug("container {} was gone or not running at its deadline", ContainerPostMortem.shortId(
                    containerId));
        } catch (RuntimeException e) {
            LOG.warn("could not kill container {} at its deadline: {}", ContainerPostMortem.shortId(containerId),
                    e.toString());
        }
    }

    @Override
    protected void remove(String containerId) {
        LeftoverSweep.remove(docker, containerId);
    }

    @Override
    protected RunnerExit explain(String containerId, boolean duringCall) {
        return postMortem.explain(containerId, duringCall ? EXIT_WAIT : Duration.ZERO);
    }

    /**
     * Whether the engine answers a ping within {@link #PING_TIMEOUT}. The answer is kept for
     * {@link #AVAILABILITY_CACHE}, so frequent readiness probes cost the engine at most one ping a second.
     */
    @Override
    public boolean available() {
        if (isClosed()) {
            return false;
        }
        synchronized (availabilityLock) {
            long now = System.nanoTime();
            if (!availabilityChecked || now - availabilityCheckedNanos >= AVAILABILITY_CACHE.toNanos()) {
                lastAvailable = DockerClients.engineAvailable(docker, PING_TIMEOUT);
                availabilityCheckedNanos = System.nanoTime();
                availabilityChecked = true;
            }
            return lastAvailable;
        }
    }

    /**
     * Removes, running or not, every container labelled as managed by this node ({@value #LABEL_NODE} equal to
     * this runtime's node id) that this runtime did not start, and this node's leftover socket directories. For
     * startup, after a crash left containers behind; containers of other nodes are never touched.
     *
     * @return how many containers were removed
     * @throws com.github.dockerjava.api.exception.DockerException if the engine cannot list containers
     */
    public int sweep() {
        return leftovers.sweep(this::isRunning);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
