package dev.faas.adapter.process;

import dev.faas.nodejs.NodeRunner;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.LanguageRuntime;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.python.PrivateDirectory;
import dev.faas.python.RunnerExit;
import dev.faas.python.RunnerRuntime;
import dev.faas.python.RunnerScript;
import dev.faas.python.UnsafeDirectoryException;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each instance as a local python3 process (or, for a {@code nodejs} version, a node process under
 * {@code setsid}, since Node.js cannot make itself a session leader) that connects to a Unix socket the platform listens on in a private
 * temporary directory (the work directory above is kept {@code rwx------}; only the platform's own user may
 * connect). For development, tests and trusted code only: <strong>this is not a sandbox</strong>; the function runs
 * with the platform's user, file system and network.
 *
 * <p>Each runner leads a process group of its own ({@code faas_runner.py --new-session}); at a deadline, and when an
 * instance stops, the whole group is killed ({@code kill -KILL -PGID}), so processes the function forked die with
 * it, then any descendant still found (one that left the group with {@code setsid()} and is still a descendant).
 * A function that deliberately detaches itself (setsid and a double fork) can still outlive its instance: this is
 * not a sandbox. A version's secrets are written in a directory of the instance's own in {@code /dev/shm} (memory),
 * private to this user, and removed with the instance. The runner's stdout and stderr go to {@code runner.log} in
 * its directory, kept under {@value #RUNNER_LOG_LIMIT_BYTES} bytes. The instance machinery (start, deadlines, crash explanation) is
 * {@link RunnerRuntime}'s; this class only launches, kills and explains a local process. Thread-safe.
 */
public final class ProcessFunctionRuntime extends RunnerRuntime<ProcessFunctionRuntime.Runner> {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessFunctionRuntime.class);
    private static final int LOG_TAIL_BYTES = 4096;
    /** The most {@code runner.log} holds; beyond it, the file starts again with the latest output. */
    public static final long RUNNER_LOG_LIMIT_BYTES = 1024 * 1024;
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);
    private static final Duration LOG_DRAIN_WAIT = Duration.ofSeconds(1);
    // The connection broke first; the process is reaped a moment later, and then its status is known.
    private static final Duration EXIT_WAIT = Duration.ofMillis(200);
    private static final String SHARED_MEMORY = "/dev/shm";

    private final ProcessRuntimeSettings settings;
    private final Interpreter python;
    /** Null when this node has no usable node command: it then offers Python only. */
    private final Interpreter node;
    private final Path runnerScript;
    private final Path nodeRunnerScript;

    /**
     * A runtime keeping its instances under {@code settings.workDirectory()}, which it creates private to this user
     * ({@code rwx------}) or makes so.
     *
     * @throws UnsafeDirectoryException if the work directory is a symbolic link, not a directory, shared, or owned by
     *     another user: the message says what to fix
     */
    public ProcessFunctionRuntime(ProcessRuntimeSettings settings) {
        super("process", settings.startTimeout(), PosixFilePermissions.fromString("rw-------"),
                PrivateDirectory.currentUid(), 1);
        this.settings = settings;
        PrivateDirectory.ensure(settings.workDirectory(), "the process runtime's work directory");
        try {
            Path runners = Files.createTempDirectory(settings.workDirectory(), "runner-");
            this.runnerScript = RunnerScript.writeTo(runners);
            this.nodeRunnerScript = RunnerScript.writeTo(runners, NodeRunner.RESOURCE, NodeRunner.FILE_NAME);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the work directory " + settings.workDirectory(), e);
        }
        this.python = resolvePython(settings.pythonCommand());
        this.node = resolveNode(settings.nodeCommand());
    }

    @Override
    public List<LanguageRuntime> languageRuntimes() {
        List<LanguageRuntime> offered = new ArrayList<>();
        offered.add(new LanguageRuntime(VersionOptions.DEFAULT_RUNTIME, "python", python.executable(),
                python.version()));
        if (node != null) {
            offered.add(new LanguageRuntime(NodeRunner.RUNTIME, "javascript", node.executable(), node.version()));
        }
        return List.copyOf(offered);
    }

    @Override
    protected String instanceId(long number) {
        return "proc-" + number;
    }

    @Override
    protected Path createDirectory(String instanceId) throws IOException {
        return Files.createTempDirectory(settings.workDirectory(), instanceId + "-");
    }

    @Override
    protected Runner launch(String instanceId, InstanceSpec spec, Path directory, Path socket) {
        Path log = directory.resolve("runner.log");
        List<String> command;
        String executable;
        if (VersionOptions.DEFAULT_RUNTIME.equals(spec.runtime())) {
            executable = python.executable();
        } else if (NodeRunner.RUNTIME.equals(spec.runtime()) && node != null) {
            executable = node.executable();
        } else {
            throw new UnableToStartInstanceException("the process runtime offers no runtime '" + spec.runtime()
                    + "'", "");
        }
        Path secrets;
        try {
            secrets = secretsDirectory(instanceId, directory);
        } catch (IOException e) {
            throw new UnableToStartInstanceException("cannot create the instance's secrets directory: "
                    + e.getMessage(), e);
        }
        if (VersionOptions.DEFAULT_RUNTIME.equals(spec.runtime())) {
            command = List.of(executable, "-I", "-B", "-u", runnerScript.toString(),
                    "--connect", socket.toString(), "--new-session",
                    "--log-limit", Integer.toString(settings.logLimitBytes()),
                    "--secrets-dir", secrets.toString());
        } else {
            command = List.of("setsid", executable, nodeRunnerScript.toString(), "--connect", socket.toString(),
                    "--log-limit", Integer.toString(settings.logLimitBytes()), "--secrets-dir", secrets.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectInput(new File("/dev/null"))
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
        try {
            process = builder.start();
        } catch (IOException e) {
            PrivateDirectory.deleteRecursively(secrets);
            throw new UnableToStartInstanceException("cannot start " + executable + ": " + e.getMessage(), e);
        }
        try {
            return new Runner(process, RunnerLog.start(process.getInputStream(), log, RUNNER_LOG_LIMIT_BYTES,
                    "faas-runner-log-" + instanceId), log, secrets);
        } catch (IOException e) {
            killProcessGroup(process);
            PrivateDirectory.deleteRecursively(secrets);
            throw new UnableToStartInstanceException("cannot write " + log + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected CompletableFuture<?> ended(Runner runner) {
        return runner.process.onExit();
    }

    @Override
    protected void kill(Runner runner) {
        killProcessGroup(runner.process);
    }

    @Override
    protected void remove(Runner runner) {
        // Whatever the function left running (a background child) ends with its instance.
        killProcessGroup(runner.process);
        PrivateDirectory.deleteRecursively(runner.secrets);
    }

    /**
     * A directory private to this user for the instance's secrets: in {@value #SHARED_MEMORY} (memory, not disk)
     * where the host has it, else in the instance's own directory.
     */
    private static Path secretsDirectory(String instanceId, Path instanceDirectory) throws IOException {
        Path sharedMemory = Path.of(SHARED_MEMORY);
        Path parent = Files.isDirectory(sharedMemory) && Files.isWritable(sharedMemory) ? sharedMemory
                : instanceDirectory;
        return Files.createTempDirectory(parent, "faas-secrets-" + instanceId + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @Override
    protected RunnerExit explain(Runner runner, boolean duringCall) {
        Process process = runner.process;
        if (duringCall) {
            try {
                process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return process.isAlive() ? RunnerExit.running(tail(runner.log))
                    : RunnerExit.exited(process.exitValue(), false, tail(runner.log));
        }
        // A failed start: whether it ended by itself is known now, before the kill that lets its output drain.
        boolean exitedByItself = !process.isAlive();
        killProcessGroup(process);
        runner.output.awaitEnd(LOG_DRAIN_WAIT);
        return exitedByItself ? RunnerExit.exited(process.exitValue(), false, tail(runner.log))
                : RunnerExit.running(tail(runner.log));
    }

    @Override
    public void close() {
        super.close();
        PrivateDirectory.deleteRecursively(runnerScript.getParent());
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

    /** The interpreter's real path, so each start skips wrappers such as pyenv shims, and its version. */
    private static Interpreter resolvePython(String command) {
        try {
            return probe(command, "-c", "import sys; print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])");
        } catch (IOException e) {
            throw new IllegalStateException("the process runtime needs Python 3: '" + command
                    + "' was not found (install python3 or set FAAS_PYTHON)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for python3", e);
        }
    }

    /**
     * The node command's real path and version; null, with a warning, when the default command is not there (this
     * node then offers Python only); an explicitly configured command that does not run is an error.
     */
    private static Interpreter resolveNode(String command) {
        if (command == null) {
            return null;
        }
        try {
            return probe(command, "-e", "console.log(process.execPath); console.log(process.versions.node)");
        } catch (IOException | IllegalStateException e) {
            if (ProcessRuntimeSettings.DEFAULT_NODE.equals(command)) {
                LOG.warn("no usable 'node' command ({}): this node offers no nodejs runtime (set FAAS_NODE)",
                        e.getMessage());
                return null;
            }
            throw new IllegalStateException("the nodejs runtime needs Node.js: '" + command + "' did not run ("
                    + e.getMessage() + "); install nodejs or correct FAAS_NODE", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for node", e);
        }
    }

    /** Runs {@code command} with {@code arguments}, which print the executable's path and version on two lines. */
    private static Interpreter probe(String command, String... arguments) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(command);
        line.addAll(List.of(arguments));
        Process probe = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String[] lines = output.split("\\R");
        if (probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0 && lines.length == 2) {
            return new Interpreter(lines[0], lines[1]);
        }
        throw new IllegalStateException("'" + command + "' did not run: " + output);
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

    /** An interpreter's real path and version. */
    private record Interpreter(String executable, String version) {
    }

    /**
     * One launched runner: its process, the copier of its output, the file that output goes to, and the directory it
     * writes its secrets in.
     */
    record Runner(Process process, RunnerLog output, Path log, Path secrets) {
    }
}
