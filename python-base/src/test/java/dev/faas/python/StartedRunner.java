package dev.faas.python;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
}
