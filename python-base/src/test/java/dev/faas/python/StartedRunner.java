package dev.faas.python;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real {@code python3 faas_runner.py} process for tests, its output going to a file beside its socket. */
final class StartedRunner implements AutoCloseable {

    final Process process;
    final Path socket;
    final Path output;

    private StartedRunner(Process process, Path socket, Path output) {
        this.process = process;
        this.socket = socket;
        this.output = output;
    }

    static StartedRunner start(Path directory, String... extraArguments) throws IOException {
        Path script = RunnerScript.writeTo(directory);
        Path socket = directory.resolve("runner.sock");
        Path output = directory.resolve("runner.out");
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), "--socket", socket.toString()));
        command.addAll(List.of(extraArguments));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new StartedRunner(process, socket, output);
    }

    RunnerConnection connect() {
        return RunnerConnection.connect(socket, Duration.ofSeconds(10), process::isAlive);
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the runner did not exit");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
