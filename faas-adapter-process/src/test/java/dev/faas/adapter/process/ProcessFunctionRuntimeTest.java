package dev.faas.adapter.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.ports.out.RunOutput;
import dev.faas.testkit.FunctionRuntimeContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessFunctionRuntimeTest extends FunctionRuntimeContract {

    @TempDir
    Path workDirectory;

    @Override
    protected FunctionRuntime createRuntime() {
        return new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(workDirectory));
    }

    @Override
    protected void killFromOutside(Instance instance) throws Exception {
        String output = runtime.run(instance, "{\"name\":\"pid\"}", Duration.ofSeconds(5)).resultJson();
        assertThat(output).isNotBlank();
        long pid = pidOf(instance);
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        await("runner " + pid + " gone").atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true));
    }

    private long pidOf(Instance instance) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().arguments().map(arguments -> String.join(" ", arguments))
                        .orElse("").contains(workDirectory.toString()))
                .filter(process -> process.info().arguments().map(arguments -> String.join(" ", arguments))
                        .orElse("").contains("/" + instance.id() + "-"))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new AssertionError("no process found for " + instance.id()));
    }

    @Test
    void givenFunctionReadingTheEnvironment_run_seesNoPlatformVariables() {
        Instance instance = started("import os\ndef user_function():\n    return sorted(os.environ)\n",
                "user_function", Duration.ofSeconds(10));

        RunOutput output = runtime.run(instance, "{}", Duration.ofSeconds(10));

        assertThat(output.resultJson()).doesNotContain("FAAS_").doesNotContain("JAVA_HOME");
    }

    @Test
    void givenStoppedRuntime_itsDirectoriesAreRemoved() throws Exception {
        Instance instance = started(SEED_CODE, "user_function", Duration.ofSeconds(10));
        runtime.stop(instance);
        runtime.close();

        try (var entries = Files.list(workDirectory)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void givenMissingPython_theRuntime_explainsWhatIsWrong() {
        assertThatThrownBy(() -> new ProcessFunctionRuntime(new ProcessRuntimeSettings("no-such-python3",
                workDirectory.resolve("other"), Duration.ofSeconds(5), 1024)))
                .hasMessageContaining("no-such-python3");
    }

    @Test
    void givenPrewarmSpec_start_runsARunnerWithNoCodeYet() {
        Instance instance = runtime.start(InstanceSpec.prewarm(256));

        assertThat(runtime.running()).containsExactly(instance.id());
        runtime.init(instance, definition(SEED_CODE, "user_function", Duration.ofSeconds(10)));
        assertThat(runtime.run(instance, "{\"name\":\"later\"}", Duration.ofSeconds(10)).resultJson())
                .isEqualTo("\"Hello, later!\"");
    }

    @Test
    void givenSocketPathTooLongForUnix_start_saysSoAndLeavesNothing() throws Exception {
        // A Unix socket path longer than the kernel's 108-byte limit cannot be bound.
        Path deep = workDirectory.resolve("d".repeat(100));
        FunctionRuntime broken = new ProcessFunctionRuntime(new ProcessRuntimeSettings("python3", deep,
                Duration.ofSeconds(5), 1024));
        try {
            assertThatThrownBy(() -> broken.start(InstanceSpec.prewarm(256)))
                    .isInstanceOf(UnableToStartInstanceException.class)
                    .hasMessageContaining("cannot listen for the runner");
            assertThat(broken.running()).isEmpty();
            try (var entries = Files.list(deep)) {
                assertThat(entries.filter(entry -> entry.getFileName().toString().startsWith("proc-"))).isEmpty();
            }
        } finally {
            broken.close();
        }
    }
}
