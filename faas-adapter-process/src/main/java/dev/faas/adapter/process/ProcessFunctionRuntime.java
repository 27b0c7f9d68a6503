package dev.faas.adapter.process;

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
import dev.faas.python.RunnerScript;
import dev.faas.python.UnsafeDirectoryException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each instance as a local python3 process that connects to a Unix socket the platform listens on in a private
 * temporary directory (the work directory above is kept {@code rwx------}; only the platform's own user may
 * connect). For development, tests and trusted code only: <strong>this is not a sandbox</strong>; the function runs
 * with the platform's user, file system and network.
 *
 * <p>Each runner leads a process group of its own ({@code faas_runner.py --new-session}); at a deadline, and when an
 * instance stops, the whole group is killed ({@code kill -KILL -PGID}), so processes the function forked die with
 * it, then any descendant still found (one that left the group with {@code setsid()} and is still a descendant).
 * A function that deliberately detaches itself (setsid and a double fork) can still outlive its instance: this is
 * not a sandbox. The runner's stdout and stderr go to {@code runner.log} in its directory, kept under
 * {@value #RUNNER_LOG_LIMIT_BYTES} bytes. Thread-safe.
 */
public final class ProcessFunctionRuntime implements FunctionRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessFunctionRuntime.class);
    private static final int LOG_TAIL_BYTES = 4096;
    /** The most {@code runner.log} holds; beyond it, the file starts again with the latest output. */
    public static final long RUNNER_LOG_LIMIT_BYTES = 1024 * 1024;
    private static final String SOCKET_FILE = "platform.sock";
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);
    private static final Duration LOG_DRAIN_WAIT = Duration.ofSeconds(1);

    private final ProcessRuntimeSettings settings;
    private final String pythonExecutable;
    private final Path runnerScript;
    private final Map<String, ProcessInstance> running = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final DeadlineTimer deadlines = new DeadlineTimer("faas-process-deadlines", 1);
    private final int platformUid = PrivateDirectory.currentUid();

    /**
     * A runtime keeping its instances under {@code settings.workDirectory()}, which it creates private to this user
     * ({@code rwx------}) or makes so.
     *
     * @throws UnsafeDirectoryException if the work directory is a symbolic link, not a directory, shared, or owned by
     *     another user: the message says what to fix
     */
    public ProcessFunctionRuntime(ProcessRuntimeSettings settings) {
        this.settings = settings;
        PrivateDirectory.ensure(settings.workDirectory(), "the process runtime's work directory");
        try {
            this.runnerScript = RunnerScript.writeTo(Files.createTempDirectory(settings.workDirectory(), "runner-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the work directory " + settings.workDirectory(), e);
        }
        this.pythonExecutable = resolvePython(settings.pythonCommand());
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public Instance start(InstanceSpec spec) {
        String id = "proc-" + nextId.incrementAndGet();
        Path directory;
        try {
            directory = Files.createTempDirectory(settings.workDirectory(), id + "-");
        } catch (IOException e) {
            throw new UnableToStartInstanceException("cannot create the instance directory: " + e.getMessage(), e);
        }
        RunnerListener listener;
        try {
            listener = RunnerListener.bind(directory.resolve(SOCKET_FILE), SOCKET_MODE, platformUid);
        } catch (IOException e) {
            deleteRecursively(directory);
            throw new UnableToStartInstanceException("cannot listen for the runner in " + directory + ": "
                    + e.getMessage(), e);
        }
        Path log = directory.resolve("runner.log");
        ProcessBuilder builder = new ProcessBuilder(pythonExecutable, "-I", "-B", "-u", runnerScript.toString(),
                "--connect", listener.socketPath().toString(), "--new-session",
                "--log-limit", Integer.toString(settings.logLimitBytes()))
                .directory(directory.toFile())
                .redirectErrorStream(true);
        // Functions see none of the platform's environment (no secrets), only what Python needs.
        Map<String, String> environment = builder.environment();
        String path = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        environment.clear();
        environment.put("PATH", path);
        environment.put("HOME", directory.toString());
        environment.put("TMPDIR", directory.toString());
        environment.put("LANG", "C.UTF-8");
        Process process;
        RunnerLog runnerLog;
        try {
            process = builder.start();
        } catch (IOException e) {
            listener.close();
            deleteRecursively(directory);
            throw new UnableToStartInstanceException("cannot start " + pythonExecutable + ": " + e.getMessage(), e);
        }
        try {
            runnerLog = RunnerLog.start(process.getInputStream(), log, RUNNER_LOG_LIMIT_BYTES,
                    "faas-runner-log-" + id);
        } catch (IOException e) {
            listener.close();
            killProcessGroup(process);
            deleteRecursively(directory);
            throw new UnableToStartInstanceException("cannot write " + log + ": " + e.getMessage(), e);
        }
        try {
            // The runner's connection and its answer to the first ping, both within the start timeout.
            RunnerConnection connection = listener.accept(settings.startTimeout(), process::isAlive);
            ProcessInstance instance = new ProcessInstance(id, process, connection, directory, log);
            running.put(id, instance);
            return instance;
        } catch (UnableToStartInstanceException e) {
            boolean exitedByItself = !process.isAlive();
            killProcessGroup(process);
            runnerLog.awaitEnd(LOG_DRAIN_WAIT);
            String tail = tail(log);
            deleteRecursively(directory);
            String reason = exitedByItself ? "the runner exited with status " + exitStatus(process)
                    + " before it was ready" : e.getMessage();
            throw new UnableToStartInstanceException(reason, tail);
        } finally {
            listener.close();
        }
    }

    @Override
    public void init(Instance instance, FunctionDefinition definition) {
        ProcessInstance process = (ProcessInstance) instance;
        withDeadline(process, definition.limits().timeout(), () -> {
            process.connection.init(definition.code(), definition.handler());
            return null;
        });
    }

    @Override
    public RunOutput run(Instance instance, String paramsJson, Duration timeout) {
        ProcessInstance process = (ProcessInstance) instance;
        return withDeadline(process, timeout, () -> process.connection.run(paramsJson));
    }

    private <T> T withDeadline(ProcessInstance instance, Duration timeout, Supplier<T> call) {
        if (instance.stopped) {
            throw new InstanceCrashedException("instance " + instance.id + " is not running", false, "");
        }
        return deadlines.call(new DeadlineTimer.Guarded() {
            @Override
            public void kill() {
                killProcessGroup(instance.process);
            }

            @Override
            public void discard() {
                stop(instance);
            }

            @Override
            public RuntimeException crashed(RunnerConnectionLostException lost) {
                String reason = crashReason(instance);
                String tail = tail(instance.log);
                stop(instance);
                return new InstanceCrashedException(reason, false, tail);
            }
        }, timeout, call);
    }

    private String crashReason(ProcessInstance instance) {
        try {
            // The connection broke first; give the process a moment to be reaped so its status is known.
            if (instance.process.waitFor(200, TimeUnit.MILLISECONDS)) {
                return "the instance died during the call (exit status " + exitStatus(instance.process) + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "the instance closed its connection during the call";
    }

    @Override
    public void stop(Instance instance) {
        ProcessInstance process = (ProcessInstance) instance;
        if (running.remove(process.id) == null && process.stopped) {
            return;
        }
        process.stopped = true;
        process.connection.close();
        // Whatever the function left running (a background child) ends with its instance.
        killProcessGroup(process.process);
        deleteRecursively(process.directory);
    }

    @Override
    public List<String> running() {
        return new ArrayList<>(running.keySet());
    }

    @Override
    public void close() {
        for (ProcessInstance instance : List.copyOf(running.values())) {
            stop(instance);
        }
        deadlines.close();
        deleteRecursively(runnerScript.getParent());
    }

    /**
     * Kills the runner's process group (the runner leads it, so its id is the runner's pid), then any descendant
     * that left the group, then the runner, and waits briefly for the runner's end. Never throws.
     */
    private static void killProcessGroup(Process runner) {
        // Descendants first, while they are still linked to the runner: once it dies they are re-parented.
        List<ProcessHandle> descendants = runner.descendants().toList();
        try {
            Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + runner.pid())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            // Status 1 just means the group is gone already.
            kill.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            LOG.debug("could not run kill for the process group {}: {}", runner.pid(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        runner.destroyForcibly();
        try {
            runner.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The interpreter's real path, so each start skips wrappers such as pyenv shims. */
    private static String resolvePython(String command) {
        try {
            Process probe = new ProcessBuilder(command, "-c", "import sys; print(sys.executable)")
                    .redirectErrorStream(true).start();
            String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0 && !output.isEmpty()) {
                return output;
            }
            throw new IllegalStateException("'" + command + "' did not run: " + output);
        } catch (IOException e) {
            throw new IllegalStateException("the process runtime needs Python 3: '" + command
                    + "' was not found (install python3 or set FAAS_PYTHON)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for python3", e);
        }
    }

    private static String exitStatus(Process process) {
        int status = process.exitValue();
        return status > 128 ? status + ", signal " + (status - 128) : Integer.toString(status);
    }

    private static String tail(Path log) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - LOG_TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
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

    private static final class ProcessInstance implements Instance {
        private final String id;
        private final Process process;
        private final RunnerConnection connection;
        private final Path directory;
        private final Path log;
        private volatile boolean stopped;

        private ProcessInstance(String id, Process process, RunnerConnection connection, Path directory, Path log) {
            this.id = id;
            this.process = process;
            this.connection = connection;
            this.directory = directory;
            this.log = log;
        }

        @Override
        public String id() {
            return id;
        }
    }
}
