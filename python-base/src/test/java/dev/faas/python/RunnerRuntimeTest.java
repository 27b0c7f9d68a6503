package dev.faas.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machinery both runtimes share, driven through a runtime of real local runner processes whose adapter part
 * (launch, kill, remove, explain) is recorded or scripted by the test.
 */
class RunnerRuntimeTest {

    @TempDir
    Path work;

    private ScriptedRuntime runtime;

    @BeforeEach
    void createRuntime() throws IOException {
        runtime = new ScriptedRuntime(work);
    }

    @AfterEach
    void closeRuntime() {
        runtime.close();
    }

    @Test
    void givenStartedInstance_initAndRun_answerThroughTheRunner_andStopRemovesItOnce() throws Exception {
        Instance instance = runtime.start(InstanceSpec.prewarm(64));
        runtime.init(instance, definition("def user_function(name):\n    return 'hi ' + name\n", 10));

        assertThat(runtime.run(instance, "{\"name\":\"you\"}", Duration.ofSeconds(10)).resultJson())
                .isEqualTo("\"hi you\"");
        assertThat(runtime.running()).containsExactly(instance.id());
        assertThat(instance).hasToString("scripted instance " + instance.id());

        runtime.stop(instance);
        runtime.stop(instance);
        assertRemovedOnce(instance);
    }

    @Test
    void givenRunnerKilledForMemoryDuringACall_run_saysSoWithTheLimitAndTheAdaptersLogs() throws Exception {
        Instance instance = runtime.start(InstanceSpec.prewarm(64));
        runtime.init(instance, definition("import os\ndef user_function():\n    os._exit(1)\n", 10));
        runtime.explanation = RunnerExit.exited(137, true, "last words");

        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(InstanceCrashedException.class, crash -> {
                    assertThat(crash.getMessage()).isEqualTo("the function ran out of memory (limit 64 MB)");
                    assertThat(crash.outOfMemory()).isTrue();
                    assertThat(crash.logs()).isEqualTo("last words");
                });
        assertThat(runtime.explainedDuringCall).containsExactly(true);
        assertRemovedOnce(instance);
    }

    @Test
    void givenRunnerThatDiesDuringACall_run_givesItsExitStatusAndSignal() throws Exception {
        Instance instance = runtime.start(InstanceSpec.prewarm(64));
        runtime.init(instance, definition("import os, signal\ndef user_function():\n"
                + "    os.kill(os.getpid(), signal.SIGKILL)\n", 10));

        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofSeconds(10)))
                .isInstanceOf(InstanceCrashedException.class)
                .hasMessage("the instance died during the call (exit status 137, signal 9)");
    }

    @Test
    void givenRunnerThatExitsBeforeConnecting_start_givesItsStatusAndLeavesNothing() {
        runtime.launchArguments = List.of("-c", "import sys; print('cannot start'); sys.exit(3)");

        assertThatThrownBy(() -> runtime.start(InstanceSpec.prewarm(64)))
                .isInstanceOfSatisfying(UnableToStartInstanceException.class, failure -> {
                    assertThat(failure.getMessage()).isEqualTo("the runner exited with status 3 before it was ready");
                    assertThat(failure.logs()).contains("cannot start");
                });
        assertThat(runtime.explainedDuringCall).containsExactly(false);
        assertThat(runtime.removed).hasSize(1);
        assertThat(runtime.running()).isEmpty();
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void givenCallPastItsDeadline_run_killsTheRunnerThroughTheAdapter_andDiscardsTheInstance() throws Exception {
        Instance instance = runtime.start(InstanceSpec.prewarm(64));
        runtime.init(instance, definition("import time\ndef user_function():\n    time.sleep(30)\n", 10));

        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofMillis(300)))
                .isInstanceOf(InstanceTimeoutException.class);
        assertThat(runtime.killed).hasSize(1);
        assertThat(runtime.running()).isEmpty();
        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofSeconds(1)))
                .isInstanceOf(InstanceCrashedException.class).hasMessageContaining("is not running");
    }

    @Test
    void givenInstanceOfAnotherRuntime_calls_refuseIt() throws Exception {
        Instance instance = runtime.start(InstanceSpec.prewarm(64));
        try (ScriptedRuntime other = new ScriptedRuntime(work)) {
            assertThatThrownBy(() -> other.run(instance, "{}", Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not started by this");
        }
    }

    @Test
    void givenClosedRuntime_start_refuses_andItsInstancesAreStopped() throws Exception {
        Instance instance = runtime.start(InstanceSpec.prewarm(64));
        runtime.close();

        assertThat(runtime.running()).isEmpty();
        assertThat(work.resolve(instance.id())).doesNotExist();
        assertThatThrownBy(() -> runtime.start(InstanceSpec.prewarm(64)))
                .isInstanceOf(UnableToStartInstanceException.class)
                .hasMessage("the scripted runtime is closed");
    }

    @Test
    void describeStatus_namesTheSignalOfASignalledExit() {
        assertThat(RunnerExit.describeStatus(137)).isEqualTo("137, signal 9");
        assertThat(RunnerExit.describeStatus(1)).isEqualTo("1");
        assertThat(RunnerExit.describeStatus(255)).isEqualTo("255");
    }

    private void assertRemovedOnce(Instance instance) {
        assertThat(runtime.removed).hasSize(1);
        assertThat(runtime.running()).isEmpty();
        assertThat(work.resolve(instance.id())).doesNotExist();
    }

    private static FunctionDefinition definition(String code, int timeoutSeconds) {
        return new FunctionDefinition(FunctionId.parse("base-1"), code, "user_function",
                new FunctionLimits(Duration.ofSeconds(timeoutSeconds), 64, 4), Instant.now(), "0".repeat(64));
    }

    /** Local runners, with what the adapter part was asked recorded, and its explanation scriptable. */
    private static final class ScriptedRuntime extends RunnerRuntime<Process> {

        final List<Process> killed = new CopyOnWriteArrayList<>();
        final List<Process> removed = new CopyOnWriteArrayList<>();
        final List<Boolean> explainedDuringCall = new CopyOnWriteArrayList<>();
        volatile RunnerExit explanation;
        volatile List<String> launchArguments;
        private final Path work;
        private final Path script;

        ScriptedRuntime(Path work) throws IOException {
            super("scripted", Duration.ofSeconds(10), PosixFilePermissions.fromString("rw-------"),
                    PrivateDirectory.currentUid(), 1);
            this.work = work;
            this.script = RunnerScript.writeTo(Files.createTempDirectory("faas-runner-script-"));
        }

        @Override
        protected String instanceId(long number) {
            return "scripted-" + number;
        }

        @Override
        protected Path createDirectory(String instanceId) throws IOException {
            return Files.createDirectory(work.resolve(instanceId));
        }

        @Override
        protected Process launch(String instanceId, InstanceSpec spec, Path directory, Path socket) {
            List<String> arguments = launchArguments != null ? launchArguments
                    : List.of(script.toString(), "--connect", socket.toString());
            try {
                return new ProcessBuilder(concat("python3", arguments)).redirectErrorStream(true)
                        .redirectOutput(directory.resolve("out.log").toFile()).start();
            } catch (IOException e) {
                throw new UnableToStartInstanceException(e.getMessage(), e);
            }
        }

        @Override
        protected CompletableFuture<?> ended(Process runner) {
            return runner.onExit();
        }

        @Override
        protected void kill(Process runner) {
            killed.add(runner);
            runner.destroyForcibly();
        }

        @Override
        protected void remove(Process runner) {
            removed.add(runner);
            runner.destroyForcibly();
            try {
                runner.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        protected RunnerExit explain(Process runner, boolean duringCall) {
            explainedDuringCall.add(duringCall);
            if (explanation != null) {
                return explanation;
            }
            try {
                runner.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String output = "";
            try (var files = Files.list(work)) {
                for (Path directory : files.toList()) {
                    output += Files.readString(directory.resolve("out.log"));
                }
            } catch (IOException e) {
                output = e.toString();
            }
            return runner.isAlive() ? RunnerExit.running(output) : RunnerExit.exited(runner.exitValue(), false, output);
        }

        @Override
        public void close() {
            super.close();
            PrivateDirectory.deleteRecursively(script.getParent());
        }

        private static List<String> concat(String first, List<String> rest) {
            List<String> all = new java.util.ArrayList<>(List.of(first));
            all.addAll(rest);
            return all;
        }
    }
}
