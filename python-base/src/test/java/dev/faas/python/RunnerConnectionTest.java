package dev.faas.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.InvalidResultException;
import dev.faas.ports.out.RunOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real {@code python3} running {@code faas_runner.py}. */
class RunnerConnectionTest {

    private static final String SEED_FUNCTION = "def user_function(name):\n    return f\"Hello, {name}!\"\n";
    private static final String HANDLER = "user_function";

    @TempDir
    Path directory;

    @RegisterExtension
    final StartedRunner.PerTest runners = new StartedRunner.PerTest();

    @Test
    void givenStartedRunner_ping_returnsItsPid() throws IOException {
        StartedRunner runner = start();
        RunnerConnection connection = connect(runner);

        assertThat(connection.ping()).isEqualTo(runner.process.pid());
    }

    @Test
    void givenSeedFunction_run_returnsTheGreeting() throws IOException {
        RunnerConnection connection = loaded(SEED_FUNCTION);

        assertThat(connection.run("{\"name\":\"World\"}")).isEqualTo(new RunOutput("\"Hello, World!\"", "", false));
    }

    @Test
    void givenHandlerReturningNone_run_returnsNull() throws IOException {
        RunnerConnection connection = loaded("def user_function():\n    pass\n");

        assertThat(connection.run("{}").resultJson()).isEqualTo("null");
    }

    @Test
    void givenStructuredUnicodeResult_run_returnsCompactStrictJson() throws IOException {
        RunnerConnection connection = loaded(
                "def user_function(word):\n    return {'word': word, 'list': [1, 2.5, None, True], 'emoji': '\\U0001F600'}\n");

        assertThat(connection.run("{\"word\":\"\u00e9t\u00e9 \u4e2d\"}").resultJson())
                .isEqualTo("{\"word\":\"\u00e9t\u00e9 \u4e2d\",\"list\":[1,2.5,null,true],\"emoji\":\"\uD83D\uDE00\"}");
    }

    @Test
    void givenPrintsToStdoutAndStderr_run_capturesBothInOrder() throws IOException {
        RunnerConnection connection = loaded("import sys\n"
                + "def user_function():\n"
                + "    print('to stdout')\n"
                + "    print('to stderr', file=sys.stderr)\n"
                + "    print('\u00e9 again')\n"
                + "    return 1\n");

        RunOutput output = connection.run("{}");

        assertThat(output.logs()).isEqualTo("to stdout\nto stderr\n\u00e9 again\n");
        assertThat(output.logsTruncated()).isFalse();
    }

    @Test
    void givenOutputBeyondTheLogLimit_run_truncatesTheLogsWithANotice() throws IOException {
        RunnerConnection connection = loaded(
                "def user_function():\n    for _ in range(2000):\n        print('x' * 99)\n    return 'done'\n");

        RunOutput output = connection.run("{}");

        assertThat(output.resultJson()).isEqualTo("\"done\"");
        assertThat(output.logsTruncated()).isTrue();
        assertThat(output.logs())
                .startsWith("x".repeat(99) + "\n")
                .endsWith("\n[output truncated: " + (200_000 - 65_536) + " more bytes not shown]\n");
        assertThat(output.logs().length()).isLessThan(65_536 + 100);
    }

    @Test
    void givenTenMegabytePrint_run_dropsItWithoutBufferingIt() throws IOException {
        RunnerConnection connection = loaded("import resource\n"
                + "def user_function():\n"
                + "    text = 'x' * 10_000_000\n"
                + "    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
                + "    print(text)\n"
                + "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n");

        RunOutput output = connection.run("{}");

        long growthKilobytes = Long.parseLong(output.resultJson());
        assertThat(growthKilobytes).isLessThan(2_000);
        assertThat(output.logs()).endsWith("[output truncated: " + (10_000_001 - 65_536) + " more bytes not shown]\n");
    }

    @Test
    void givenHandlerThatRaises_run_throwsFunctionRaisedWithTheUserTracebackOnly() throws IOException {
        RunnerConnection connection = loaded("def user_function():\n"
                + "    print('about to fail')\n"
                + "    return divide(1)\n"
                + "\n"
                + "def divide(number):\n"
                + "    return number / 0\n");

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOfSatisfying(FunctionRaisedException.class, raised -> {
                    assertThat(raised.errorType()).isEqualTo("ZeroDivisionError");
                    assertThat(raised.errorMessage()).isEqualTo("division by zero");
                    assertThat(raised.traceback())
                            .contains("File \"function.py\", line 3, in user_function")
                            .contains("File \"function.py\", line 6, in divide")
                            .contains("return number / 0")
                            .doesNotContain("faas_runner.py");
                    assertThat(raised.logs()).isEqualTo("about to fail\n");
                });
    }

    @Test
    void givenSysExitInHandler_run_reportsItAndKeepsServing() throws IOException {
        RunnerConnection connection = loaded(
                "import sys\ndef user_function(code):\n    if code:\n        sys.exit(code)\n    return 'alive'\n");

        assertThatThrownBy(() -> connection.run("{\"code\":3}"))
                .isInstanceOfSatisfying(FunctionRaisedException.class,
                        raised -> assertThat(raised.errorType()).isEqualTo("SystemExit"));
        assertThat(connection.run("{\"code\":0}").resultJson()).isEqualTo("\"alive\"");
    }

    @Test
    void givenSyntaxError_init_reportsLineAndMessage() throws IOException {
        RunnerConnection connection = connect(start());

        assertThatThrownBy(() -> connection.init("x = 1\n\ndef user_function(:\n    pass\n", HANDLER))
                .isInstanceOfSatisfying(FunctionInitException.class, failed -> {
                    assertThat(failed.errorType()).isEqualTo("SyntaxError");
                    assertThat(failed.errorMessage()).isEqualTo("invalid syntax");
                    assertThat(failed.line()).isEqualTo(3);
                    assertThat(failed.traceback()).contains("def user_function(:").doesNotContain("faas_runner.py");
                });
    }

    @Test
    void givenIndentationError_init_reportsItsLine() throws IOException {
        RunnerConnection connection = connect(start());

        assertThatThrownBy(() -> connection.init("def user_function():\nreturn 1\n", HANDLER))
                .isInstanceOfSatisfying(FunctionInitException.class, failed -> {
                    assertThat(failed.errorType()).isEqualTo("IndentationError");
                    assertThat(failed.line()).isEqualTo(2);
                });
    }

    @Test
    void givenCodeWithoutTheHandler_init_reportsHandlerNotFound() throws IOException {
        RunnerConnection connection = connect(start());

        assertThatThrownBy(() -> connection.init("def other():\n    pass\nuser_function = 42\n", HANDLER))
                .isInstanceOfSatisfying(FunctionInitException.class, failed -> {
                    assertThat(failed.errorType()).isEqualTo("HandlerNotFound");
                    assertThat(failed.errorMessage())
                            .isEqualTo("no callable 'user_function' defined in the function's code");
                    assertThat(failed.line()).isZero();
                });
    }

    @Test
    void givenCodeThatRaisesWhileLoading_init_reportsTheExceptionAndTheOutput() throws IOException {
        RunnerConnection connection = connect(start());

        assertThatThrownBy(() -> connection.init("print('loading')\nsettings = {}\nsettings['missing']\n", HANDLER))
                .isInstanceOfSatisfying(FunctionInitException.class, failed -> {
                    assertThat(failed.errorType()).isEqualTo("KeyError");
                    assertThat(failed.traceback())
                            .contains("File \"function.py\", line 3, in <module>")
                            .doesNotContain("faas_runner.py");
                    assertThat(failed.logs()).isEqualTo("loading\n");
                    assertThat(failed.line()).isZero();
                });
    }

    @Test
    void givenCustomHandlerName_init_callsThatHandler() throws IOException {
        RunnerConnection connection = connect(start());

        connection.init("def main(a, b):\n    return a + b\n", "main");

        assertThat(connection.run("{\"a\":2,\"b\":3}").resultJson()).isEqualTo("5");
    }

    @Test
    void givenSecondInit_init_isRejectedAndTheConnectionStaysUsable() throws IOException {
        RunnerConnection connection = loaded(SEED_FUNCTION);

        assertThatThrownBy(() -> connection.init(SEED_FUNCTION, HANDLER))
                .isInstanceOf(InstanceCrashedException.class)
                .hasMessageContaining("AlreadyInitialized");
        assertThat(connection.run("{\"name\":\"again\"}").resultJson()).isEqualTo("\"Hello, again!\"");
    }

    @Test
    void givenNoInit_run_throwsInstanceCrashed() throws IOException {
        RunnerConnection connection = connect(start());

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOf(InstanceCrashedException.class)
                .hasMessageContaining("NotInitialized");
    }

    @Test
    void givenSetResult_run_throwsInvalidResult() throws IOException {
        RunnerConnection connection = loaded("def user_function():\n    print('made a set')\n    return {1, 2}\n");

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOfSatisfying(InvalidResultException.class, invalid -> {
                    assertThat(invalid.errorType()).isEqualTo("ResultNotSerializable");
                    assertThat(invalid.errorMessage()).isEqualTo("Object of type set is not JSON serializable");
                    assertThat(invalid.logs()).isEqualTo("made a set\n");
                });
    }

    @Test
    void givenNaNResult_run_throwsInvalidResult() throws IOException {
        RunnerConnection connection = loaded("def user_function():\n    return [float('nan')]\n");

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOfSatisfying(InvalidResultException.class,
                        invalid -> assertThat(invalid.errorMessage()).contains("not JSON compliant"));
    }

    @Test
    void givenResultLargerThanTheLimit_run_throwsResultTooLarge() throws IOException {
        RunnerConnection connection = loaded(start("--max-result-bytes", "100"),
                "def user_function():\n    return 'x' * 200\n", HANDLER);

        assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOfSatisfying(InvalidResultException.class, invalid -> {
                    assertThat(invalid.errorType()).isEqualTo("ResultTooLarge");
                    assertThat(invalid.errorMessage()).isEqualTo(
                            "the result is 202 bytes, more than the limit of 100 bytes");
                });
    }

    @Test
    void givenParamsThatAreNotAnObject_run_throwsInvalidRequest() throws IOException {
        RunnerConnection connection = loaded(SEED_FUNCTION);

        assertThatThrownBy(() -> connection.run("[\"World\"]"))
                .isInstanceOfSatisfying(InvalidRequestException.class, invalid -> {
                    assertThat(invalid.field()).isEqualTo("params");
                    assertThat(invalid.getMessage()).isEqualTo("the params must be a JSON object, not an array");
                });
        assertThatThrownBy(() -> connection.run("{\"name\": NaN}"))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void givenDeeplyNestedParams_run_throwsInvalidRequestAndKeepsServing() throws IOException {
        RunnerConnection connection = loaded(SEED_FUNCTION);

        assertThatThrownBy(() -> connection.run("{\"name\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("the params are nested too deeply");
        assertThat(connection.run("{\"name\":\"still here\"}").resultJson()).isEqualTo("\"Hello, still here!\"");
    }

    @Test
    void givenRunnerKilledDuringACall_run_throwsConnectionLostPromptly() throws IOException {
        StartedRunner runner = start();
        RunnerConnection connection = loaded(runner, "import time\ndef user_function():\n    time.sleep(5)\n", HANDLER);
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(runner.process::destroyForcibly);

        assertTimeoutPreemptively(Duration.ofSeconds(4), () -> assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOf(RunnerConnectionLostException.class));
    }

    @Test
    void givenConnectionClosedFromAnotherThread_run_throwsConnectionLostPromptly() throws IOException {
        RunnerConnection connection = loaded("import time\ndef user_function():\n    time.sleep(5)\n");
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(connection::close);

        assertTimeoutPreemptively(Duration.ofSeconds(4), () -> assertThatThrownBy(() -> connection.run("{}"))
                .isInstanceOf(RunnerConnectionLostException.class));
    }

    @Test
    void givenConnectionClosed_runner_exitsWithStatusZero() throws IOException, InterruptedException {
        StartedRunner runner = start();
        RunnerConnection connection = connect(runner);
        connection.ping();

        connection.close();

        assertThat(runner.awaitExit()).isZero();
    }

    @Test
    void givenPlatformSocketThatIsNotThere_runner_exitsWithStatusThree() throws IOException, InterruptedException {
        Path nowhere = directory.resolve("nobody.sock");
        Process process = new ProcessBuilder("python3", RunnerScript.writeTo(directory).toString(),
                "--connect", nowhere.toString(), "--connect-timeout", "0.2").redirectErrorStream(true).start();

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(3);
        assertThat(new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("could not be reached within 0.2 s");
    }

    @Test
    void givenNewSession_runner_leadsItsOwnSessionAndProcessGroup() throws IOException {
        RunnerConnection connection = loaded(start("--new-session"),
                "import os\ndef user_function():\n    return [os.getpid() == os.getsid(0), os.getpid() == os.getpgid(0)]\n",
                HANDLER);

        assertThat(connection.run("{}").resultJson()).isEqualTo("[true,true]");
    }

    @Test
    void givenNoNewSession_runner_staysInTheCallersProcessGroup() throws IOException {
        RunnerConnection connection = loaded("import os\ndef user_function():\n    return os.getpid() == os.getpgid(0)\n");

        assertThat(connection.run("{}").resultJson()).isEqualTo("false");
    }

    @Test
    void givenRunnerScript_writeTo_writesTheClasspathCopy() throws IOException {
        Path written = RunnerScript.writeTo(directory);

        assertThat(written).hasFileName("faas_runner.py");
        assertThat(Files.readAllBytes(written)).isEqualTo(RunnerScript.bytes());
        assertThat(new String(RunnerScript.bytes(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("\"\"\"Runs one Python function");
    }

    private StartedRunner start(String... extraArguments) throws IOException {
        return runners.start(directory, extraArguments);
    }

    private RunnerConnection connect(StartedRunner runner) {
        return runners.connect(runner);
    }

    private RunnerConnection loaded(String code) throws IOException {
        return runners.loaded(directory, code);
    }

    private RunnerConnection loaded(StartedRunner runner, String code, String handler) {
        return runners.loaded(runner, code, handler);
    }
}
