package dev.faas.adapter.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.python.UnsafeDirectoryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the process runtime keeps in bounds although it is no sandbox: the processes a function forks end with its
 * instance, its runner.log stays small, and its work directory stays private to the platform's user.
 */
class ProcessRuntimeIsolationTest {

    // Children that would outlive a runner killed alone: each carries the test's marker in its command line.
    private static final String FORKING_LOOPER = """
            import subprocess, sys
            def user_function(marker, children):
                for _ in range(children):
                    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)", marker],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                while True:
                    pass
            """;

    @TempDir
    Path workDirectory;

    private ProcessFunctionRuntime runtime;
    private String marker;

    @AfterEach
    void cleanUp() {
        if (runtime != null) {
            runtime.close();
        }
        if (marker != null) {
            processesMarked(marker).forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void givenFunctionThatForksThenLoops_theDeadline_killsItsWholeProcessGroup() {
        runtime = new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(workDirectory));
        marker = "faas-fork-marker-" + UUID.randomUUID();
        Instance instance = runtime.start(InstanceSpec.prewarm(256));
        runtime.init(instance, definition(FORKING_LOOPER, Duration.ofSeconds(10)));

        assertThatThrownBy(() -> runtime.run(instance, "{\"marker\":\"" + marker + "\",\"children\":3}",
                Duration.ofSeconds(2)))
                .isInstanceOf(InstanceTimeoutException.class);

        awaitUntil(Duration.ofSeconds(5), () -> processesMarked(marker).isEmpty());
        assertThat(processesMarked(marker)).as("the function's children after its deadline").isEmpty();
    }

    @Test
    void givenFunctionThatLeftChildrenRunning_stop_endsThemToo() {
        runtime = new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(workDirectory));
        marker = "faas-fork-marker-" + UUID.randomUUID();
        Instance instance = runtime.start(InstanceSpec.prewarm(256));
        runtime.init(instance, definition("""
                import subprocess, sys
                def user_function(marker):
                    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)", marker],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    return "left a child"
                """, Duration.ofSeconds(10)));
        runtime.run(instance, "{\"marker\":\"" + marker + "\"}", Duration.ofSeconds(10));
        awaitUntil(Duration.ofSeconds(5), () -> !processesMarked(marker).isEmpty());

        runtime.stop(instance);

        awaitUntil(Duration.ofSeconds(5), () -> processesMarked(marker).isEmpty());
        assertThat(processesMarked(marker)).as("the function's children after its instance stopped").isEmpty();
    }

    @Test
    void givenFunctionFloodingItsStandardStreams_runnerLog_staysBounded() throws IOException {
        runtime = new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(workDirectory));
        Instance instance = runtime.start(InstanceSpec.prewarm(256));

        // 16 MiB straight to the runner's stderr at module level, and 16 MiB more from a child process.
        runtime.init(instance, definition("""
                import os, subprocess, sys
                for _ in range(256):
                    os.write(2, b"e" * 65536)
                subprocess.run([sys.executable, "-c",
                                "import os\\nfor _ in range(256): os.write(1, b'c' * 65536)"], stdout=2, check=True)
                os.write(2, b"the latest line\\n")
                def user_function():
                    return "done"
                """, Duration.ofSeconds(60)));
        Path log = runnerLogOf();
        awaitUntil(Duration.ofSeconds(10), () -> contains(log, "the latest line"));

        assertThat(runtime.run(instance, "{}", Duration.ofSeconds(10)).resultJson()).isEqualTo("\"done\"");
        assertThat(Files.size(log)).as("runner.log after 32 MiB of output")
                .isLessThanOrEqualTo(ProcessFunctionRuntime.RUNNER_LOG_LIMIT_BYTES);
        assertThat(Files.readString(log, StandardCharsets.ISO_8859_1))
                .startsWith("[runner.log restarted at its limit of 1048576 bytes: ")
                .endsWith("the latest line\n");
    }

    @Test
    void givenWorkDirectoryOpenToOthers_theRuntime_makesItPrivate() throws IOException {
        Path work = Files.createDirectory(workDirectory.resolve("work"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));

        runtime = new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(work));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work))).isEqualTo("rwx------");
    }

    @Test
    void givenWorkDirectoryOfAnotherUser_theRuntime_refusesToStart() throws IOException {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"),
                "giving a directory away needs root");
        Path work = Files.createDirectory(workDirectory.resolve("work"));
        Files.setAttribute(work, "unix:uid", 12345);

        assertThatThrownBy(() -> new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(work)))
                .isInstanceOf(UnsafeDirectoryException.class)
                .hasMessageContaining("work directory")
                .hasMessageContaining("belongs to uid 12345");
    }

    private Path runnerLogOf() throws IOException {
        try (Stream<Path> paths = Files.walk(workDirectory)) {
            List<Path> logs = paths.filter(path -> path.getFileName().toString().equals("runner.log")).toList();
            assertThat(logs).hasSize(1);
            return logs.get(0);
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static List<ProcessHandle> processesMarked(String marker) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(marker))
                .toList();
    }

    private static FunctionDefinition definition(String code, Duration timeout) {
        return new FunctionDefinition(FunctionId.parse("isolation-1"), code, "user_function",
                new FunctionLimits(timeout, 256, 4), Instant.now(), "0".repeat(64));
    }

    /** Waits until {@code condition} holds or {@code timeout} passes; the caller asserts afterwards. */
    private static void awaitUntil(Duration timeout, BooleanSupplier condition) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException notYet) {
            // the caller's assertion names what is left
        }
    }
}
