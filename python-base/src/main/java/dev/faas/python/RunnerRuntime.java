package dev.faas.python;

import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.CodeArchive;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.ports.out.RunOutput;
import dev.faas.ports.out.Specialisation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every runtime of the Python runner shares, the way a testcontainers {@code GenericContainer} shares start,
 * wait and log handling: the map of running instances; the start sequence (an instance directory, a
 * {@link RunnerListener} in it, the launch, the runner's connection and first ping within the start timeout); the
 * {@code init} and {@code run} calls under a {@link DeadlineTimer}; stop, kill and removal; and the explanation of a
 * failed start or a crash (out of memory, exit status, last output) from what the runtime learns of the runner's end.
 *
 * <p>A runtime supplies only what differs, as the runner it launches ({@code H}: a process, a container id...):
 * where an instance's directory goes, how a runner is launched, how its end is signalled, how it is killed at a
 * deadline, how it is removed, and what is known of its end ({@link RunnerExit}). Thread-safe: different instances
 * may be used from different threads at once, each by one thread at a time.
 *
 * @param <H> the runtime's handle of one launched runner
 */
public abstract class RunnerRuntime<H> implements FunctionRuntime {

    /** The platform's socket in each instance directory, which the runner connects to. */
    public static final String SOCKET_FILE = "platform.sock";
    /** Where a version's archive is unpacked in its instance's directory. */
    public static final String CODE_DIRECTORY = "code";
    // Readable by the runner's user, which may be another than the platform's (a container's); written by neither.
    private static final Set<PosixFilePermission> READABLE_DIRECTORY_MODE = PosixFilePermissions.fromString(
            "rwxr-xr-x");
    private static final Set<PosixFilePermission> READABLE_FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> READABLE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(READABLE_DIRECTORY_MODE);

    private static final int MAX_PARALLEL_STOPS = 8;

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final Duration startTimeout;
    private final Set<PosixFilePermission> socketMode;
    private final int runnerUid;
    private final Map<String, RunnerInstance<H>> running = new ConcurrentHashMap<>();
    private final AtomicLong nextNumber = new AtomicLong();
    private final DeadlineTimer deadlines;
    private volatile boolean closed;

    /**
     * @param name            the runtime's {@link #name()}
     * @param startTimeout    how long a runner may take to connect and answer its first ping
     * @param socketMode      the permissions of each instance's socket
     * @param runnerUid       the only user whose connection is accepted, or {@link RunnerListener#ANY_USER}
     * @param deadlineThreads more than one lets a slow kill (an engine call) not delay another deadline
     */
    protected RunnerRuntime(String name, Duration startTimeout, Set<PosixFilePermission> socketMode, int runnerUid,
                            int deadlineThreads) {
        this.name = Objects.requireNonNull(name, "name");
        this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
        this.socketMode = Set.copyOf(socketMode);
        this.runnerUid = runnerUid;
        this.deadlines = new DeadlineTimer("faas-" + name + "-deadlines", deadlineThreads);
    }

    // ---- What each runtime supplies ----

    /** A new instance id, unique on this node; {@code number} counts up from 1 in this runtime. */
    protected abstract String instanceId(long number);

    /** Creates the instance's own directory, in which the platform listens for its runner. */
    protected abstract Path createDirectory(String instanceId) throws IOException;

    /**
     * Launches a runner told to connect to {@code socket}, without waiting for it to connect.
     *
     * @throws UnableToStartInstanceException with the reason and any output, having released what it launched
     */
    protected abstract H launch(String instanceId, InstanceSpec spec, Path directory, Path socket);

    /**
     * An event that completes when {@code runner} has ended; it is cancelled once the runner connected, which may
     * release what watching it holds.
     */
    protected abstract CompletableFuture<?> ended(H runner);

    /** Kills the runner at its deadline; runs on a timer thread, so must not block for long. Never throws. */
    protected abstract void kill(H runner);

    /** Ends the runner if it still runs and removes what it holds outside its directory. Never throws. */
    protected abstract void remove(H runner);

    /**
     * What is known of the runner's end, with its last output. Never throws.
     *
     * @param duringCall true when its connection broke during a call: the runner is probably dying, so the runtime
     *                   waits briefly (on an event) for its end to be known; false after a failed start
     */
    protected abstract RunnerExit explain(H runner, boolean duringCall);

    // ---- The machinery ----

    @Override
    public final String name() {
        return name;
    }

    /** Whether {@link #close()} has begun. */
    protected final boolean isClosed() {
        return closed;
    }

    @Override
    public final Instance start(InstanceSpec spec) {
        requireOpen();
        long startNanos = System.nanoTime();
        String id = instanceId(nextNumber.incrementAndGet());
        Path directory;
        try {
            directory = createDirectory(id);
        } catch (IOException e) {
            throw new UnableToStartInstanceException("cannot create the instance directory: " + e.getMessage(), e);
        }
        RunnerListener listener;
        try {
            listener = RunnerListener.bind(directory.resolve(SOCKET_FILE), socketMode, runnerUid);
        } catch (IOException e) {
            PrivateDirectory.deleteRecursively(directory);
            throw new UnableToStartInstanceException("cannot listen for the runner in " + directory + ": "
                    + e.getMessage(), e);
        }
        H runner;
        try {
            runner = launch(id, spec, directory, listener.socketPath());
        } catch (RuntimeException e) {
            listener.close();
            PrivateDirectory.deleteRecursively(directory);
            throw e;
        }
        long launchedNanos = System.nanoTime();
        CompletableFuture<?> ended = ended(runner);
        RunnerConnection connection;
        try {
            // The runner's connection and its answer to the first ping, both within the start timeout.
            connection = listener.accept(startTimeout, ended);
        } catch (UnableToStartInstanceException e) {
            throw failedStart(id, runner, directory, e);
        } finally {
            listener.close();
            ended.cancel(false);
        }
        RunnerInstance<H> instance = new RunnerInstance<>(this, id, runner, connection, directory, spec.memoryMb());
        running.put(id, instance);
        if (closed) {
            // close() ran while this instance was starting and cannot have seen it.
            stop(instance);
            throw closedException();
        }
        long readyNanos = System.nanoTime();
        log.debug("started instance {} in {} ms: launch {} ms, connect {} ms", id, millis(readyNanos - startNanos),
                millis(launchedNanos - startNanos), millis(readyNanos - launchedNanos));
        return instance;
    }

    /** Explains a start that failed after the launch by the runner's end, and removes what it left. */
    private UnableToStartInstanceException failedStart(String id, H runner, Path directory,
                                                       UnableToStartInstanceException acceptFailure) {
        RunnerExit exit = explain(runner, false);
        remove(runner);
        PrivateDirectory.deleteRecursively(directory);
        String explanation;
        if (exit.outOfMemory()) {
            explanation = "the runner ran out of memory before it was ready";
        } else if (exit.stillRunning()) {
            explanation = acceptFailure.getMessage();
        } else if (exit.exitStatus() != null) {
            explanation = "the runner exited with status " + RunnerExit.describeStatus(exit.exitStatus())
                    + " before it was ready";
        } else {
            explanation = "the runner vanished before it was ready";
        }
        log.warn("instance {} did not start: {}", id, explanation);
        return new UnableToStartInstanceException(explanation, exit.logTail());
    }

    @Override
    public final void init(Instance instance, FunctionDefinition definition) {
        init(instance, definition, Specialisation.NONE);
    }

    /** Loads the version's code after giving the runner its environment and its secrets (as files). */
    @Override
    public final void init(Instance instance, FunctionDefinition definition, Specialisation specialisation) {
        RunnerInstance<H> runner = own(instance);
        String codeDirectory = definition.options().archive() ? unpack(runner, definition) : null;
        String dependencies = specialisation.dependencies() == null ? null
                : dependenciesInRunner(runner.directory, specialisation.dependencies());
        guarded(runner, definition.limits().timeout(), () -> {
            runner.connection.init(definition.options().archive() ? "" : definition.code(), codeDirectory,
                    dependencies, definition.handler(), definition.options().env(), specialisation.secretValues());
            return null;
        });
    }

    /**
     * Unpacks the version's archive (checked when it was registered, and again here) into {@value #CODE_DIRECTORY}
     * in the instance's directory, which the runner reads but cannot change; returns that directory as the runner
     * sees it.
     */
    private String unpack(RunnerInstance<H> runner, FunctionDefinition definition) {
        CodeArchive archive = CodeArchive.read(Base64.getDecoder().decode(definition.code()), Long.MAX_VALUE,
                Integer.MAX_VALUE);
        Path root = runner.directory.resolve(CODE_DIRECTORY);
        try {
            Files.createDirectory(root, READABLE_DIRECTORY);
            Files.setPosixFilePermissions(root, READABLE_DIRECTORY_MODE);
            for (Map.Entry<String, byte[]> file : archive.files().entrySet()) {
                Path target = root.resolve(file.getKey()).normalize();
                if (!target.startsWith(root)) {
                    throw new IllegalStateException("an archive entry escaped its directory: " + file.getKey());
                }
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.setPosixFilePermissions(target, READABLE_FILE_MODE);
            }
            try (var paths = Files.walk(root)) {
                for (Path path : paths.filter(Files::isDirectory).toList()) {
                    Files.setPosixFilePermissions(path, READABLE_DIRECTORY_MODE);
                }
            }
        } catch (IOException e) {
            throw new UnableToStartInstanceException("cannot unpack the function's archive into "
                    + runner.directory + ": " + e.getMessage(), e);
        }
        return pathInRunner(runner.directory, CODE_DIRECTORY);
    }

    /**
     * Where the runner finds the dependency layer {@code layer} (a directory on this host that instances only read):
     * by default the layer itself, for a runner on this host's file system.
     */
    protected String dependenciesInRunner(Path directory, Path layer) {
        return layer.toString();
    }

    /**
     * Makes {@code target} a copy of the tree {@code source} made of hard links where the file system allows (else
     * copies), with the modes the runner's user needs to read it. For runtimes whose runners see only their instance
     * directory.
     */
    protected static void linkTree(Path source, Path target) {
        try (var paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isSymbolicLink(path)) {
                    continue;  // a layer holds what pip wrote; a link in it is never followed out of it
                }
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                    Files.setPosixFilePermissions(copy, READABLE_DIRECTORY_MODE);
                } else {
                    try {
                        Files.createLink(copy, path);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(path, copy);
                        Files.setPosixFilePermissions(copy, READABLE_FILE_MODE);
                    }
                }
            }
        } catch (IOException e) {
            throw new UnableToStartInstanceException("cannot give the instance its dependency layer " + source
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where the runner sees {@code relative} of its instance directory {@code directory}; the same path by default,
     * for a runner on this host's file system.
     */
    protected String pathInRunner(Path directory, String relative) {
        return directory.resolve(relative).toString();
    }

    @Override
    public final RunOutput run(Instance instance, String paramsJson, Duration timeout) {
        RunnerInstance<H> runner = own(instance);
        return guarded(runner, timeout, () -> runner.connection.run(paramsJson));
    }

    private <T> T guarded(RunnerInstance<H> instance, Duration timeout, Supplier<T> call) {
        if (instance.stopped.get()) {
            throw new InstanceCrashedException("instance " + instance.id + " is not running", false, "");
        }
        return deadlines.call(new DeadlineTimer.Guarded() {
            @Override
            public void kill() {
                try {
                    RunnerRuntime.this.kill(instance.runner);
                } finally {
                    // The blocked call returns now even if the kill did not take yet; stop() removes the runner.
                    instance.connection.close();
                }
            }

            @Override
            public void discard() {
                stop(instance);
            }

            @Override
            public RuntimeException crashed(RunnerConnectionLostException lost) {
                return RunnerRuntime.this.crashed(instance, lost);
            }
        }, timeout, call);
    }

    /** Explains why the connection broke before the deadline: the runner's exit, OOM kill and last output. */
    private InstanceCrashedException crashed(RunnerInstance<H> instance, RunnerConnectionLostException lost) {
        if (instance.stopped.get()) {
            return new InstanceCrashedException("instance " + instance.id + " was stopped during the call", lost);
        }
        RunnerExit exit = explain(instance.runner, true);
        stop(instance);
        InstanceCrashedException crash;
        if (exit.outOfMemory()) {
            crash = new InstanceCrashedException("the function ran out of memory (limit " + instance.memoryMb
                    + " MB)", true, exit.logTail());
        } else if (exit.stillRunning()) {
            crash = new InstanceCrashedException("the instance closed its connection during the call", false,
                    exit.logTail());
        } else if (exit.exitStatus() != null) {
            crash = new InstanceCrashedException("the instance died during the call (exit status "
                    + RunnerExit.describeStatus(exit.exitStatus()) + ")", false, exit.logTail());
        } else {
            crash = new InstanceCrashedException("the instance vanished during the call", false, exit.logTail());
        }
        log.info("instance {} crashed: {}", instance.id, crash.getMessage());
        return crash;
    }

    @Override
    public final void stop(Instance instance) {
        RunnerInstance<H> runner = own(instance);
        running.remove(runner.id, runner);
        if (!runner.stopped.compareAndSet(false, true)) {
            return;
        }
        runner.connection.close();
        remove(runner.runner);
        PrivateDirectory.deleteRecursively(runner.directory);
        log.debug("stopped instance {}", runner.id);
    }

    @Override
    public final List<String> running() {
        return new ArrayList<>(running.keySet());
    }

    /** Whether {@code instanceId} is one this runtime started and has not stopped. */
    protected final boolean isRunning(String instanceId) {
        return running.containsKey(instanceId);
    }

    /** Stops every instance, several at a time, then releases the deadline threads. Idempotent. */
    @Override
    public void close() {
        closed = true;
        List<RunnerInstance<H>> instances = List.copyOf(running.values());
        if (instances.size() == 1) {
            stop(instances.get(0));
        } else if (!instances.isEmpty()) {
            AtomicInteger threadNumber = new AtomicInteger();
            ExecutorService stoppers = Executors.newFixedThreadPool(Math.min(instances.size(), MAX_PARALLEL_STOPS),
                    task -> {
                        Thread thread = new Thread(task, "faas-" + name + "-stop-" + threadNumber.incrementAndGet());
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

    private void requireOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private UnableToStartInstanceException closedException() {
        return new UnableToStartInstanceException("the " + name + " runtime is closed", "");
    }

    @SuppressWarnings("unchecked")
    private RunnerInstance<H> own(Instance instance) {
        if (instance instanceof RunnerInstance<?> runner && runner.owner == this) {
            return (RunnerInstance<H>) runner;
        }
        throw new IllegalArgumentException(instance + " was not started by this " + name + " runtime");
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** One started runner, its connection and directory; stopped at most once. */
    private static final class RunnerInstance<H> implements Instance {

        private final RunnerRuntime<H> owner;
        private final String id;
        private final H runner;
        private final RunnerConnection connection;
        private final Path directory;
        private final int memoryMb;
        private final AtomicBoolean stopped = new AtomicBoolean();

        private RunnerInstance(RunnerRuntime<H> owner, String id, H runner, RunnerConnection connection,
                               Path directory, int memoryMb) {
            this.owner = owner;
            this.id = id;
            this.runner = runner;
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
            return owner.name + " instance " + id;
        }
    }
}
