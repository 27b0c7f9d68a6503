package dev.faas.python;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code python3 faas_runner.py} process for tests, connecting to a {@link RunnerListener} the test owns, its
 * output going to a file beside the socket.
 */
final class StartedRunner implements AutoCloseable {

    final Process process;
    final RunnerListener listener;
    final Path socket;
    final Path output;

    private StartedRunner(Process process, RunnerListener listener, Path output) {
        this.process = process;
        this.listener = listener;
        this.socket = listener.socketPath();
        this.output = output;
    }

    static StartedRunner start(Path directory, String... extraArguments) throws IOException {
        Path script = RunnerScript.writeTo(directory);
        RunnerListener listener = RunnerListener.bind(directory.resolve("platform.sock"),
                PosixFilePermissions.fromString("rw-------"), PrivateDirectory.currentUid());
        Path output = directory.resolve("runner.out");
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), "--connect",
                listener.socketPath().toString()));
        command.addAll(List.of(extraArguments));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            return new StartedRunner(process, listener, output);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    /** Accepts the runner's connection and checks it answers a ping. */
    RunnerConnection connect() {
        return listener.accept(Duration.ofSeconds(10), process.onExit());
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the runner did not exit");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        listener.close();
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * The runners a test starts and the connections it accepts, all closed after each test: register one in an
     * instance {@code @RegisterExtension} field. Used by one test at a time, so not thread-safe.
     */
    static final class PerTest implements AfterEachCallback {

        private final List<StartedRunner> runners = new ArrayList<>();
        private final List<RunnerConnection> connections = new ArrayList<>();

        StartedRunner start(Path directory, String... extraArguments) throws IOException {
            StartedRunner runner = StartedRunner.start(directory, extraArguments);
            runners.add(runner);
            return runner;
        }

        RunnerConnection connect(StartedRunner runner) {
            RunnerConnection connection = runner.connect();
            connections.add(connection);
            return connection;
        }

        /** A connection to a runner that has loaded {@code code} with {@code handler} as its entry point. */
        RunnerConnection loaded(StartedRunner runner, String code, String handler) {
            RunnerConnection connection = connect(runner);
            connection.init(code, handler);
            return connection;
        }

        /** A connection to a new runner in {@code directory} that has loaded {@code code}'s {@code user_function}. */
        RunnerConnection loaded(Path directory, String code) throws IOException {
            return loaded(start(directory), code, "user_function");
        }

        @Override
        public void afterEach(ExtensionContext context) throws InterruptedException {
            connections.forEach(RunnerConnection::close);
            connections.clear();
            for (StartedRunner runner : runners) {
                runner.close();
            }
            runners.clear();
        }
    }
}
