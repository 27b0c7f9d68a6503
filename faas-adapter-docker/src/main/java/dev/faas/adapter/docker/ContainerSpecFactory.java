package dev.faas.adapter.docker;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.nodejs.NodeRunner;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.python.RunnerRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the runtime's settings and one instance's spec into its {@link ContainerSpec}: the hardened sandbox of the
 * design. No network (an egress version's instance joins the node's egress network instead, see
 * {@link EgressNetwork}); a read-only root file system with a small {@code /tmp}; no capabilities and no new
 * privileges; a non-root user; limits on pids, memory (no swap), CPU and open files; a private IPC namespace with a
 * small {@code /dev/shm}; no core dumps; an init as process 1; labels naming the node, the function and the
 * instance; the instance's socket directory mounted read-only; and an entry point that adds a seccomp filter
 * refusing ptrace before it runs the runner; the configured OCI runtime (gVisor's {@code runsc}, say). Pure: it never talks to the engine. Thread-safe.
 */
final class ContainerSpecFactory {

    /** The runner in the function image. */
    static final String RUNNER_PATH = "/opt/faas/faas_runner.py";
    /** The runner in the nodejs function image. */
    static final String NODE_RUNNER_PATH = NodeRunner.IMAGE_PATH;
    /** The size of each container's own {@code /dev/shm}. */
    static final long SHM_BYTES = 16L * 1024 * 1024;
    /** Where the runner writes the version's secrets: a tmpfs of the container's own, never the host's disk. */
    static final String SECRETS_DIRECTORY = "/run/secrets";
    private static final java.util.regex.Pattern NUMERIC_USER = java.util.regex.Pattern.compile(
            "(\\d+)(?::(\\d+))?");
    /** The size of the secrets tmpfs: 64 secrets of 64 KiB at most, with room. */
    static final long SECRETS_BYTES = 5L * 1024 * 1024;
    private static final String SANDBOX_ENTRYPOINT = resource("sandbox_entrypoint.py");
    // The engine's own log of a container holds only what bypasses the runner's capture; keep it small on disk.
    private static final LogConfig CONTAINER_LOG = new LogConfig(LogConfig.LoggingType.JSON_FILE,
            Map.of("max-size", "1m", "max-file", "1"));

    /** The file name of gVisor's OCI runtime, which the engine's runtime entry points at. */
    static final String GVISOR_RUNTIME_FILE = "runsc";

    private final DockerRuntimeSettings settings;
    private final boolean gvisor;

    ContainerSpecFactory(DockerRuntimeSettings settings) {
        this(settings, false);
    }

    /**
     * {@code gvisor}: the configured OCI runtime is gVisor's {@code runsc}, whose own host threads and processes live
     * in the container's cgroup (see {@link #hostPidsLimit}).
     */
    ContainerSpecFactory(DockerRuntimeSettings settings, boolean gvisor) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.gvisor = gvisor;
    }

    /** Whether an engine runtime entry whose program is {@code runtimePath} is gVisor's {@code runsc}. */
    static boolean isGvisor(String runtimePath) {
        return runtimePath != null && Path.of(runtimePath).getFileName() != null
                && GVISOR_RUNTIME_FILE.equals(Path.of(runtimePath).getFileName().toString());
    }

    /**
     * The container cgroup's pids limit. Under runc it is the function's own limit. Under gVisor the cgroup holds
     * gVisor's Sentry, its gofer and, on its default ptrace platform, stub processes for the function's processes,
     * each with a thread for every Sentry thread that ran in it, kept in a pool for reuse (measured with Debian's
     * runsc 20221219: about 40 host tasks for an idle runner, 368 with 64 live processes, and a peak growing by about
     * 300 with each fork bomb in the same sandbox: 1,703 after five). When the Sentry cannot create one (EAGAIN from
     * the cgroup) it panics and the whole sandbox exits with status 2 and no output, so the function's limit (64)
     * killed it mid-call. There the function's own tasks are counted by gVisor's kernel instead (RLIMIT_NPROC, per
     * sandbox, threads included: a fork bomb meets EAGAIN inside), and the cgroup limit leaves room for gVisor's
     * tasks: 32 host tasks per function task, plus 128 (2,176 for 64). Past that the Sentry still panics: the
     * instance ends as crashed and is replaced, and the host stays bounded.
     */
    long hostPidsLimit() {
        return gvisor ? settings.pidsLimit() * 32L + 128 : settings.pidsLimit();
    }

    /** The container of instance {@code instanceId}, whose platform socket is in {@code socketDirectory}. */
    ContainerSpec create(String instanceId, InstanceSpec spec, Path socketDirectory) {
        String function = spec.functionId() == null ? DockerFunctionRuntime.PREWARM_FUNCTION
                : spec.functionId().toString();
        boolean node = DockerRuntimeSettings.JAVASCRIPT.equals(settings.languageOf(spec.runtime()));
        String socket = DockerFunctionRuntime.CONTAINER_SOCKET_DIRECTORY + "/" + RunnerRuntime.SOCKET_FILE;
        String logLimit = Integer.toString(settings.logLimitBytes());
        return new ContainerSpec(
                "faas-" + instanceId,
                Map.of(DockerFunctionRuntime.LABEL_MANAGED, "true", DockerFunctionRuntime.LABEL_NODE,
                        settings.nodeId(), DockerFunctionRuntime.LABEL_FUNCTION, function,
                        DockerFunctionRuntime.LABEL_INSTANCE, instanceId),
                node ? nodeSandboxEntrypoint(spec.memoryMb()) : sandboxEntrypoint(),
                List.of("--connect", socket, "--log-limit", logLimit, "--secrets-dir", SECRETS_DIRECTORY),
                settings.user(),
                // The image's PATH and LANG stay; nothing of the platform's environment goes in.
                List.of("HOME=/tmp"),
                hostConfig(spec, socketDirectory));
    }

    /**
     * The image's entry point ({@code python3 -I -B -u} on the runner, as python-base's Dockerfile has it) with a
     * seccomp filter added first: see {@code sandbox_entrypoint.py}.
     */
    private static List<String> sandboxEntrypoint() {
        return List.of("python3", "-I", "-B", "-u", "-c", SANDBOX_ENTRYPOINT, RUNNER_PATH);
    }

    /**
     * The nodejs image's entry point: the same seccomp filter, installed by python3 (which that image carries for
     * this alone), which then executes node on the runner; the filter stays through the exec. V8 may grow its heap
     * up to the container's memory, so that a memory bomb meets the container's limit (reported as out of memory)
     * rather than V8's own, smaller default.
     */
    private static List<String> nodeSandboxEntrypoint(int memoryMb) {
        return List.of("python3", "-I", "-B", "-u", "-c", SANDBOX_ENTRYPOINT, "--exec", "node",
                "--max-old-space-size=" + Math.max(16, memoryMb), NODE_RUNNER_PATH);
    }

    private HostConfig hostConfig(InstanceSpec spec, Path socketDirectory) {
        long memoryBytes = spec.memoryMb() * 1024L * 1024L;
        HostConfig hostConfig = HostConfig.newHostConfig();
        if (settings.ociRuntime() != null) {
            hostConfig.withRuntime(settings.ociRuntime());
        }
        return hostConfig
                // An init as process 1 reaps the function's dead children, which would otherwise hold pids slots
                // for the instance's whole life, and passes signals on.
                .withInit(true)
                .withNetworkMode(networkMode(spec))
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,noexec,size=" + settings.tmpfsBytes() + ",mode=1777",
                        // The runner's user alone may enter it (the Docker and Swarm convention for secrets).
                        SECRETS_DIRECTORY, "rw,nosuid,nodev,noexec,size=" + SECRETS_BYTES + ",mode=0700"
                                + runnerOwner()))
                // Read-only: the runner connects to the platform's socket there, which needs no write access.
                .withBinds(new Bind(socketDirectory.toString(),
                        new Volume(DockerFunctionRuntime.CONTAINER_SOCKET_DIRECTORY), AccessMode.ro))
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPidsLimit(hostPidsLimit())
                .withMemory(memoryBytes)
                .withMemorySwap(memoryBytes)
                .withNanoCPUs(Math.round(settings.cpus() * 1_000_000_000d))
                // An IPC namespace of its own (no System V objects or /dev/shm shared with the host or another
                // container, whatever the engine's default ipc mode) with a small /dev/shm, which counts as memory.
                .withIpcMode("private")
                .withShmSize(SHM_BYTES)
                // No core dumps: the host's core_pattern decides where one goes, often to a program of the host,
                // and it would hold the function's memory, its callers' data included.
                .withUlimits(ulimits())
                .withLogConfig(CONTAINER_LOG);
    }

    /**
     * Open files and no core dumps; under gVisor also the function's task limit (see {@link #hostPidsLimit}). Never
     * under runc: there RLIMIT_NPROC counts every process of the runner's uid on the host, all instances together.
     */
    private List<Ulimit> ulimits() {
        List<Ulimit> ulimits = new java.util.ArrayList<>(List.of(
                new Ulimit("nofile", (long) settings.nofile(), (long) settings.nofile()), new Ulimit("core", 0L, 0L)));
        if (gvisor) {
            ulimits.add(new Ulimit("nproc", (long) settings.pidsLimit(), (long) settings.pidsLimit()));
        }
        return List.copyOf(ulimits);
    }

    /** {@code none}, or the egress network for an egress version. */
    private String networkMode(InstanceSpec spec) {
        if (!spec.egress()) {
            return "none";
        }
        if (settings.egressNetwork() == null) {
            throw new UnableToStartInstanceException("function " + spec.functionId() + " asks for network egress,"
                    + " which is off on this node: start the platform with FAAS_EGRESS=on", "");
        }
        return settings.egressNetwork();
    }

    /** The tmpfs options giving the secrets directory to the runner's numeric user and group, when they are known. */
    private String runnerOwner() {
        java.util.regex.Matcher numeric = NUMERIC_USER.matcher(settings.user());
        if (!numeric.matches()) {
            return "";
        }
        return ",uid=" + numeric.group(1) + ",gid=" + (numeric.group(2) == null ? numeric.group(1) : numeric.group(2));
    }

    private static String resource(String name) {
        try (var in = ContainerSpecFactory.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + name + " is missing from the docker adapter");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the resource " + name, e);
        }
    }
}
