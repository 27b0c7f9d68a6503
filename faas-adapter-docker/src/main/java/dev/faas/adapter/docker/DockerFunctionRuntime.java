package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.ports.out.RunOutput;
import dev.faas.python.DeadlineTimer;
import dev.faas.python.PrivateDirectory;
import dev.faas.python.RunnerConnection;
import dev.faas.python.RunnerConnectionLostException;
import dev.faas.python.RunnerListener;
import dev.faas.python.UnsafeDirectoryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each instance as one hardened Docker container of the function image: no network, read-only root file
 * system, a small {@code /tmp}, no capabilities, no new privileges, a non-root user and limits on pids, memory (no
 * swap), CPU and open files; a private IPC namespace with a small {@code /dev/shm}; no core dumps; the engine's
 * default seccomp (and, where the host has it, AppArmor) profile, and a filter of the container's entry point that
 * adds ptrace to what seccomp refuses. The platform listens on a Unix socket in a per-instance host directory it
 * owns, which is bind-mounted read-only at {@value #CONTAINER_SOCKET_DIRECTORY}; the runner connects to it, so neither
 * needs any network and the container gets no writable host path. Only the container's user may connect (checked
 * with {@code SO_PEERCRED}), once; the socket root is kept private to the platform's user. Deadlines are enforced by
 * killing the container. Every container carries the labels {@value #LABEL_MANAGED},
 * {@value #LABEL_NODE}, {@value #LABEL_FUNCTION} and {@value #LABEL_INSTANCE}; {@link #sweep()} removes this node's
 * leftovers by them. The {@link DockerClient} is the caller's: this runtime never closes it. Thread-safe.
 */
public final class DockerFunctionRuntime implements FunctionRuntime {

    public static final String LABEL_MANAGED = "faas.managed";
    public static final String LABEL_NODE = "faas.node";
    public static final String LABEL_FUNCTION = "faas.function";
    public static final String LABEL_INSTANCE = "faas.instance";
    /** The {@value #LABEL_FUNCTION} label of an instance started without code. */
    public static final String PREWARM_FUNCTION = "prewarm";
    /** Where the instance's socket directory appears inside its container. */
    public static final String CONTAINER_SOCKET_DIRECTORY = "/run/faas";

    private static final Logger LOG = LoggerFactory.getLogger(DockerFunctionRuntime.class);
    private static final String SOCKET_FILE = "platform.sock";
    // The container's user only needs to reach the socket: search, but no listing or writing, in its directory.
    private static final Set<PosixFilePermission> INSTANCE_DIRECTORY_MODE = PosixFilePermissions.fromString(
            "rwx--x--x");
    // connect() needs write permission on the socket, nothing more; the root above keeps other users out.
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw--w--w-");
    private static final int LOG_TAIL_LINES = 50;
    private static final int LOG_TAIL_MAX_CHARS = 8 * 1024;
    private static final Duration LOG_READ_TIMEOUT = Duration.ofSeconds(2);
    // The connection breaks as the runner dies; the engine learns of the exit a few milliseconds later.
    private static final Duration EXIT_WAIT = Duration.ofSeconds(2);
    private static final long EXIT_POLL_MILLIS = 20;
    // RunnerConnection checks liveness every 2 ms while it waits; the engine is asked at most this often.
    private static final long LIVENESS_CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_PARALLEL_STOPS = 8;
    // The engine's own log of a container holds only what bypasses the runner's capture; keep it small on disk.
    /** How long {@link #available()} waits for the engine's answer to a ping. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(1);
    /** How long an answer of {@link #available()} is reused. */
    static final Duration AVAILABILITY_CACHE = Duration.ofSeconds(1);
    /** The runner in the function image. */
    static final String RUNNER_PATH = "/opt/faas/faas_runner.py";
    private static final String SANDBOX_ENTRYPOINT = resource("sandbox_entrypoint.py");
    /** The size of each container's own {@code /dev/shm}. */
    static final long SHM_BYTES = 16L * 1024 * 1024;
    private static final LogConfig CONTAINER_LOG = new LogConfig(LogConfig.LoggingType.JSON_FILE,
            Map.of("max-size", "1m", "max-file", "1"));

    private final DockerClient docker;
    private final DockerRuntimeSettings settings;
    private final Map<String, DockerInstance> running = new ConcurrentHashMap<>();
    private final AtomicLong nextNumber = new AtomicLong();
    // Two threads: a kill is a blocking call to the engine, and one slow kill must not delay another deadline.
    private final DeadlineTimer deadlines = new DeadlineTimer("faas-docker-deadlines", 2);
    private final AtomicBoolean engineWarningsLogged = new AtomicBoolean();
    private final Object availabilityLock = new Object();
    private volatile boolean closed;
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
        this.docker = Objects.requireNonNull(docker, "docker");
        this.settings = Objects.requireNonNull(settings, "settings");
        // Instance directories below must be reachable by the container's user, so their parent keeps everyone
        // else out, whoever created it.
        PrivateDirectory.ensure(settings.socketRoot(), "the socket root (FAAS_SOCKET_DIR)");
    }

    @Override
    public String name() {
        return "docker";
    }

    /** The settings this runtime was built with. */
    public DockerRuntimeSettings settings() {
        return settings;
    }

    /** Whether the engine holds the function image; false also when the engine cannot be reached. */
    public boolean imageAvailable() {
        try {
            docker.inspectImageCmd(settings.image()).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            LOG.debug("could not inspect the image {}: {}", settings.image(), e.toString());
            return false;
        }
    }

    /** What to tell an operator whose engine lacks the function image {@code image}. */
    public static String missingImageMessage(String image) {
        String tag = DockerRuntimeSettings.DEFAULT_IMAGE.equals(image) ? "" : " --tag " + image;
        return "the function image '" + image + "' is not on the Docker engine; build it with "
                + "python-base/build-image.sh --offline" + tag + " (or without --offline where the public "
                + "python image can be pulled)";
    }

    @Override
    public Instance start(InstanceSpec spec) {
        if (closed) {
            throw new UnableToStartInstanceException("the docker runtime is closed", "");
        }
        long startNanos = System.nanoTime();
        String id = newInstanceId();
        Path directory = settings.socketRoot().resolve(id);
        RunnerListener listener;
        try {
            Files.createDirectory(directory);
            // Set explicitly, whatever the umask: the container's user must reach the socket, and only that.
            Files.setPosixFilePermissions(directory, INSTANCE_DIRECTORY_MODE);
            listener = RunnerListener.bind(directory.resolve(SOCKET_FILE), SOCKET_MODE, settings.runnerUid());
        } catch (IOException e) {
            deleteRecursively(directory);
            throw new UnableToStartInstanceException("cannot listen for the runner in " + directory + ": " + e, e);
        }
        String function = spec.functionId() == null ? PREWARM_FUNCTION : spec.functionId().toString();
        CreateContainerResponse created;
        try {
            created = docker.createContainerCmd(settings.image())
                    .withName("faas-" + id)
                    .withLabels(Map.of(LABEL_MANAGED, "true", LABEL_NODE, settings.nodeId(),
                            LABEL_FUNCTION, function, LABEL_INSTANCE, id))
                    .withEntrypoint(sandboxEntrypoint())
                    .withUser(settings.user())
                    // The image's PATH and LANG stay; nothing of the platform's environment goes in.
                    .withEnv("HOME=/tmp")
                    .withCmd("--connect", CONTAINER_SOCKET_DIRECTORY + "/" + SOCKET_FILE,
                            "--log-limit", Integer.toString(settings.logLimitBytes()))
                    .withHostConfig(hostConfig(spec, directory))
                    .exec();
        } catch (NotFoundException e) {
            listener.close();
            deleteRecursively(directory);
            throw new UnableToStartInstanceException(missingImageMessage(settings.image()), e);
        } catch (RuntimeException e) {
            listener.close();
            deleteRecursively(directory);
            throw new UnableToStartInstanceException("the engine did not create a container of " + settings.image()
                    + ": " + e.getMessage(), e);
        }
        long createdNanos = System.nanoTime();
        String containerId = created.getId();
        if (created.getWarnings() != null && created.getWarnings().length > 0
                && engineWarningsLogged.compareAndSet(false, true)) {
            // Such as "kernel does not support swap limit": a limit silently not enforced. Once is enough.
            LOG.warn("the Docker engine warned about the sandbox's settings: {}", String.join("; ",
                    created.getWarnings()));
        }
        try {
            docker.startContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            listener.close();
            throw failedStart(id, containerId, directory, "the engine did not start the container: "
                    + e.getMessage(), null);
        }
        long launchedNanos = System.nanoTime();
        RunnerConnection connection;
        try {
            // The runner's connection and its answer to the first ping, both within the start timeout.
            connection = listener.accept(settings.startTimeout(), new ContainerLiveness(containerId));
        } catch (UnableToStartInstanceException e) {
            throw failedStart(id, containerId, directory, null, e.getMessage());
        } finally {
            listener.close();
        }
        DockerInstance instance = new DockerInstance(id, containerId, connection, directory, spec.memoryMb());
        running.put(id, instance);
        if (closed) {
            // close() ran while this instance was starting and cannot have seen it.
            stop(instance);
            throw new UnableToStartInstanceException("the docker runtime is closed", "");
        }
        long readyNanos = System.nanoTime();
        LOG.debug("started instance {} (container {}, {}) in {} ms: create {} ms, start {} ms, connect {} ms",
                id, shortId(containerId), function, millis(readyNanos - startNanos),
                millis(createdNanos - startNanos), millis(launchedNanos - createdNanos),
                millis(readyNanos - launchedNanos));
        return instance;
    }

    /**
     * The image's entry point ({@code python3 -I -B -u} on the runner, as python-base's Dockerfile has it) with a
     * seccomp filter added first: see {@code sandbox_entrypoint.py}.
     */
    private static List<String> sandboxEntrypoint() {
        return List.of("python3", "-I", "-B", "-u", "-c", SANDBOX_ENTRYPOINT, RUNNER_PATH);
    }

    private HostConfig hostConfig(InstanceSpec spec, Path directory) {
        long memoryBytes = spec.memoryMb() * 1024L * 1024L;
        return HostConfig.newHostConfig()
                // An init as process 1 reaps the function's dead children, which would otherwise hold pids slots
                // for the instance's whole life, and passes signals on.
                .withInit(true)
                .withNetworkMode("none")
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,noexec,size=" + settings.tmpfsBytes() + ",mode=1777"))
                // Read-only: the runner connects to the platform's socket there, which needs no write access.
                .withBinds(new Bind(directory.toString(), new Volume(CONTAINER_SOCKET_DIRECTORY), AccessMode.ro))
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPidsLimit((long) settings.pidsLimit())
                .withMemory(memoryBytes)
                .withMemorySwap(memoryBytes)
                .withNanoCPUs(Math.round(settings.cpus() * 1_000_000_000d))
                // An IPC namespace of its own (no System V objects or /dev/shm shared with the host or another
                // container, whatever the engine's default ipc mode) with a small /dev/shm, which counts as memory.
                .withIpcMode("private")
                .withShmSize(SHM_BYTES)
                // No core dumps: the host's core_pattern decides where one goes, often to a program of the host,
                // and it would hold the function's memory, its callers' data included.
                .withUlimits(List.of(new Ulimit("nofile", (long) settings.nofile(), (long) settings.nofile()),
                        new Ulimit("core", 0L, 0L)))
                .withLogConfig(CONTAINER_LOG);
    }

    /**
     * Inspects the container that failed to start, keeps its last output, removes it and explains: with
     * {@code reason}, or else by the container's end, or, if it still runs, with {@code whileRunning}.
     */
    private UnableToStartInstanceException failedStart(String id, String containerId, Path directory,
                                                       String reason, String whileRunning) {
        ContainerExit exit = inspectExit(containerId);
        String logs = logTail(containerId);
        removeContainer(containerId);
        deleteRecursively(directory);
        String explanation;
        if (reason != null) {
            explanation = reason;
        } else if (exit.oomKilled()) {
            explanation = "the runner ran out of memory before it was ready";
        } else if (exit.running()) {
            explanation = whileRunning != null ? whileRunning : "the runner was not ready within "
                    + settings.startTimeout().toMillis() + " ms";
        } else if (exit.exitCode() != null) {
            explanation = "the runner exited with status " + describeStatus(exit.exitCode())
                    + " before it was ready";
        } else {
            explanation = "the container vanished before its runner was ready";
        }
        LOG.warn("instance {} (container {}) did not start: {}", id, shortId(containerId), explanation);
        return new UnableToStartInstanceException(explanation, logs);
    }

    @Override
    public void init(Instance instance, FunctionDefinition definition) {
        DockerInstance container = (DockerInstance) instance;
        withDeadline(container, definition.limits().timeout(), () -> {
            container.connection.init(definition.code(), definition.handler());
            return null;
        });
    }

    @Override
    public RunOutput run(Instance instance, String paramsJson, Duration timeout) {
        DockerInstance container = (DockerInstance) instance;
        return withDeadline(container, timeout, () -> container.connection.run(paramsJson));
    }

    private <T> T withDeadline(DockerInstance instance, Duration timeout, Supplier<T> call) {
        if (instance.stopped.get()) {
            throw new InstanceCrashedException("instance " + instance.id + " is not running", false, "");
        }
        return deadlines.call(new DeadlineTimer.Guarded() {
            @Override
            public void kill() {
                killForDeadline(instance);
            }

            @Override
            public void discard() {
                stop(instance);
            }

            @Override
            public RuntimeException crashed(RunnerConnectionLostException lost) {
                return DockerFunctionRuntime.this.crashed(instance, lost);
            }
        }, timeout, call);
    }

    private void killForDeadline(DockerInstance instance) {
        try {
            docker.killContainerCmd(instance.containerId).exec();
        } catch (NotFoundException | ConflictException e) {
            LOG.debug("container {} was gone or not running at its deadline", shortId(instance.containerId));
        } catch (RuntimeException e) {
            LOG.warn("could not kill container {} at its deadline: {}", shortId(instance.containerId), e.toString());
        } finally {
            // The blocked call returns now even if the engine did not answer; stop() removes the container.
            instance.connection.close();
        }
    }

    /** Explains why the connection broke without a deadline: the container's exit, OOM kill and last output. */
    private InstanceCrashedException crashed(DockerInstance instance, RunnerConnectionLostException lost) {
        if (instance.stopped.get()) {
            return new InstanceCrashedException("instance " + instance.id + " was stopped during the call", lost);
        }
        ContainerExit exit = awaitExit(instance.containerId);
        String logs = logTail(instance.containerId);
        stop(instance);
        InstanceCrashedException crash;
        if (exit.oomKilled()) {
            crash = new InstanceCrashedException("the function ran out of memory (limit " + instance.memoryMb
                    + " MB)", true, logs);
        } else if (exit.running()) {
            crash = new InstanceCrashedException("the instance closed its connection during the call", false, logs);
        } else if (exit.exitCode() != null) {
            crash = new InstanceCrashedException("the instance died during the call (exit status "
                    + describeStatus(exit.exitCode()) + ")", false, logs);
        } else {
            crash = new InstanceCrashedException("the instance's container vanished during the call", false, logs);
        }
        LOG.info("instance {} (container {}) crashed: {}", instance.id, shortId(instance.containerId),
                crash.getMessage());
        return crash;
    }

    /** Waits briefly for the engine to see the container's exit, so its status and OOM flag are known. */
    private ContainerExit awaitExit(String containerId) {
        long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
        while (true) {
            ContainerExit exit = inspectExit(containerId);
            if (!exit.running() || System.nanoTime() - deadline >= 0) {
                return exit;
            }
            try {
                Thread.sleep(EXIT_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return exit;
            }
        }
    }

    private ContainerExit inspectExit(String containerId) {
        try {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(containerId).exec()
                    .getState();
            return new ContainerExit(Boolean.TRUE.equals(state.getRunning()),
                    Boolean.TRUE.equals(state.getOOMKilled()), state.getExitCodeLong());
        } catch (NotFoundException e) {
            return new ContainerExit(false, false, null);
        } catch (RuntimeException e) {
            LOG.debug("could not inspect container {}: {}", shortId(containerId), e.toString());
            return new ContainerExit(false, false, null);
        }
    }

    /** The container's last lines of stdout and stderr (the runner's own messages), bounded; never throws. */
    private String logTail(String containerId) {
        StringBuilder text = new StringBuilder();
        ResultCallback.Adapter<Frame> collector = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (text) {
                    text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }
        };
        try (collector) {
            docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(LOG_TAIL_LINES)
                    .exec(collector)
                    .awaitCompletion(LOG_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not read the logs of container {}: {}", shortId(containerId), e.toString());
        }
        synchronized (text) {
            return text.length() <= LOG_TAIL_MAX_CHARS ? text.toString()
                    : text.substring(text.length() - LOG_TAIL_MAX_CHARS);
        }
    }

    @Override
    public void stop(Instance instance) {
        DockerInstance container = (DockerInstance) instance;
        running.remove(container.id, container);
        if (!container.stopped.compareAndSet(false, true)) {
            return;
        }
        container.connection.close();
        removeContainer(container.containerId);
        deleteRecursively(container.directory);
        LOG.debug("stopped instance {} (container {})", container.id, shortId(container.containerId));
    }

    /** Kills and removes the container; true if this call removed it. Never throws. */
    private boolean removeContainer(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
            return true;
        } catch (NotFoundException e) {
            LOG.debug("container {} was already gone", shortId(containerId));
        } catch (ConflictException e) {
            // "removal already in progress": someone else is removing it.
            LOG.debug("container {} is being removed already: {}", shortId(containerId), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("could not remove container {}: {}", shortId(containerId), e.toString());
        }
        return false;
    }

    /**
     * Whether the engine answers a ping within {@link #PING_TIMEOUT}. The answer is kept for
     * {@link #AVAILABILITY_CACHE}, so frequent readiness probes cost the engine at most one ping a second.
     */
    @Override
    public boolean available() {
        if (closed) {
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

    @Override
    public List<String> running() {
        return new ArrayList<>(running.keySet());
    }

    /** Stops every instance, several at a time, then releases the deadline threads. Idempotent. */
    @Override
    public void close() {
        closed = true;
        List<DockerInstance> instances = List.copyOf(running.values());
        if (instances.size() == 1) {
            stop(instances.get(0));
        } else if (!instances.isEmpty()) {
            AtomicInteger threadNumber = new AtomicInteger();
            ExecutorService stoppers = Executors.newFixedThreadPool(Math.min(instances.size(), MAX_PARALLEL_STOPS),
                    task -> {
                        Thread thread = new Thread(task, "faas-docker-stop-" + threadNumber.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            try {
                CompletableFuture.allOf(instances.stream()
                        .map(instance -> CompletableFuture.runAsync(() -> stop(instance), stoppers))
                        .toArray(CompletableFuture[]::new)).join();
            } finally {
                stoppers.shutdown();
            }
        }
        deadlines.close();
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
        Set<String> ours = new HashSet<>(running.keySet());
        List<Container> leftovers = docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(LABEL_MANAGED, "true", LABEL_NODE, settings.nodeId()))
                .exec();
        int removed = 0;
        for (Container container : leftovers) {
            Map<String, String> labels = container.getLabels() == null ? Map.of() : container.getLabels();
            // The engine filtered already; checking again costs nothing and guards the one thing that matters.
            if (!settings.nodeId().equals(labels.get(LABEL_NODE)) || ours.contains(labels.get(LABEL_INSTANCE))) {
                continue;
            }
            if (removeContainer(container.getId())) {
                removed++;
            }
        }
        int directories = sweepSocketDirectories(ours);
        if (removed > 0 || directories > 0) {
            LOG.info("swept {} leftover container(s) and {} socket director(ies) of node {}", removed, directories,
                    settings.nodeId());
        }
        return removed;
    }

    private int sweepSocketDirectories(Set<String> ours) {
        // Exactly this node's instance ids: node "a" must not take node "a-1"'s directories.
        Pattern thisNodesIds = Pattern.compile(Pattern.quote(settings.nodeId()) + "-[0-9]+-[0-9a-f]{6}");
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(settings.socketRoot(),
                entry -> thisNodesIds.matcher(entry.getFileName().toString()).matches()
                        && Files.isDirectory(entry))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!ours.contains(name) && !running.containsKey(name)) {
                    deleteRecursively(entry);
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.warn("could not sweep socket directories under {}: {}", settings.socketRoot(), e.toString());
        }
        return deleted;
    }

    private String newInstanceId() {
        return settings.nodeId() + "-" + nextNumber.incrementAndGet() + "-"
                + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    private static String resource(String name) {
        try (var in = DockerFunctionRuntime.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + name + " is missing from the docker adapter");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the resource " + name, e);
        }
    }

    private static String describeStatus(long status) {
        return status > 128 && status < 160 ? status + ", signal " + (status - 128) : Long.toString(status);
    }

    private static String shortId(String containerId) {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", directory, e.getMessage());
        }
    }

    /** What the engine says about a container's end; exitCode is null when it could not say. */
    private record ContainerExit(boolean running, boolean oomKilled, Long exitCode) {
    }

    /** Tells RunnerConnection whether the container still runs, asking the engine at most every 100 ms. */
    private final class ContainerLiveness implements BooleanSupplier {

        private final String containerId;
        private long nextCheckNanos = System.nanoTime() + LIVENESS_CHECK_INTERVAL_NANOS;

        private ContainerLiveness(String containerId) {
            this.containerId = containerId;
        }

        @Override
        public boolean getAsBoolean() {
            long now = System.nanoTime();
            if (now - nextCheckNanos < 0) {
                return true;
            }
            try {
                return Boolean.TRUE.equals(docker.inspectContainerCmd(containerId).exec().getState().getRunning());
            } catch (NotFoundException e) {
                return false;
            } catch (RuntimeException e) {
                // The engine hiccuped: keep waiting, the start timeout still bounds it.
                LOG.debug("could not inspect container {} while it starts: {}", shortId(containerId), e.toString());
                return true;
            } finally {
                nextCheckNanos = System.nanoTime() + LIVENESS_CHECK_INTERVAL_NANOS;
            }
        }
    }

    private static final class DockerInstance implements Instance {

        private final String id;
        private final String containerId;
        private final RunnerConnection connection;
        private final Path directory;
        private final int memoryMb;
        private final AtomicBoolean stopped = new AtomicBoolean();

        private DockerInstance(String id, String containerId, RunnerConnection connection, Path directory,
                               int memoryMb) {
            this.id = id;
            this.containerId = containerId;
            this.connection = connection;
            this.directory = directory;
            this.memoryMb = memoryMb;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String toString() {
            return "docker instance " + id;
        }
    }
}
