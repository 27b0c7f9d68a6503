package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InvalidResultException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.ports.out.RunOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FunctionRuntime} that runs real Python must do. Extend it with {@link #createRuntime()} and
 * {@link #killFromOutside(Instance)} for the runtime under test.
 */
public abstract class FunctionRuntimeContract extends RuntimeContractBase {

    protected static final String SEED_CODE = "def user_function(name):\n    return f\"Hello, {name}!\"\n";

    /** Kills the instance's process or container the way an operator or the kernel would. */
    protected abstract void killFromOutside(Instance instance) throws Exception;

    @Test
    void givenSeedFunction_run_returnsItsGreeting() {
        Instance instance = started(SEED_CODE, "user_function", Duration.ofSeconds(10));

        RunOutput output = runtime.run(instance, "{\"name\":\"World\"}", Duration.ofSeconds(10));

        assertThat(output.resultJson()).isEqualTo("\"Hello, World!\"");
    }

    @Test
    void givenWarmInstance_secondRun_isServedByTheSameInstance() {
        Instance instance = started("count = 0\ndef user_function():\n    global count\n    count += 1\n"
                + "    return count\n", "user_function", Duration.ofSeconds(10));

        runtime.run(instance, "{}", Duration.ofSeconds(10));
        RunOutput second = runtime.run(instance, "{}", Duration.ofSeconds(10));

        assertThat(second.resultJson()).isEqualTo("2");
        assertThat(runtime.running()).containsExactly(instance.id());
    }

    @Test
    void givenPrints_run_returnsThemAsLogs() {
        Instance instance = started("def user_function():\n    print('hello from the function')\n    return None\n",
                "user_function", Duration.ofSeconds(10));

        RunOutput output = runtime.run(instance, "{}", Duration.ofSeconds(10));

        assertThat(output.resultJson()).isEqualTo("null");
        assertThat(output.logs()).contains("hello from the function");
    }

    @Test
    void givenHandlerRaises_run_reportsThePythonException() {
        Instance instance = started("def user_function():\n    return 1 / 0\n", "user_function",
                Duration.ofSeconds(10));

        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(FunctionRaisedException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("ZeroDivisionError");
                    assertThat(e.traceback()).contains("line 2");
                });
        // A raise is the user's fault, not the instance's: it keeps serving.
        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofSeconds(10)))
                .isInstanceOf(FunctionRaisedException.class);
        assertThat(runtime.running()).contains(instance.id());
    }

    @Test
    void givenSyntaxError_init_reportsTheLine() {
        Instance instance = runtime.start(new InstanceSpec(FunctionId.parse("broken-1"), 256));

        assertThatThrownBy(() -> runtime.init(instance, definition("x = 1\ndef user_function(:\n", "user_function",
                Duration.ofSeconds(10))))
                .isInstanceOfSatisfying(FunctionInitException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("SyntaxError");
                    assertThat(e.line()).isEqualTo(2);
                });
    }

    @Test
    void givenNonJsonResult_run_reportsIt() {
        Instance instance = started("def user_function():\n    return {1, 2}\n", "user_function",
                Duration.ofSeconds(10));

        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofSeconds(10)))
                .isInstanceOf(InvalidResultException.class)
                .hasMessageContaining("set");
    }

    @Test
    void givenEndlessLoop_run_isCutAtTheDeadlineAndTheInstanceIsGone() {
        Instance instance = started("def user_function():\n    while True:\n        pass\n", "user_function",
                Duration.ofSeconds(10));

        assertEndlessLoopIsCutAtTheDeadline(instance, 5000L);
    }

    @Test
    void givenInstanceKilledFromOutside_run_failsPromptly() throws Exception {
        Instance instance = started(SEED_CODE, "user_function", Duration.ofSeconds(10));
        killFromOutside(instance);
        long start = System.nanoTime();

        assertThatThrownBy(() -> runtime.run(instance, "{\"name\":\"x\"}", Duration.ofSeconds(30)))
                .isInstanceOf(InstanceCrashedException.class);

        // A liveness bound, a sixth of the 30 s deadline: the death is noticed, the deadline is not waited out.
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000L);
    }

    @Test
    void stop_isIdempotentAndForgetsTheInstance() {
        Instance instance = started(SEED_CODE, "user_function", Duration.ofSeconds(10));

        runtime.stop(instance);
        runtime.stop(instance);

        assertThat(runtime.running()).isEmpty();
        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofSeconds(5)))
                .isInstanceOf(InstanceCrashedException.class);
    }

    protected Instance started(String code, String handler, Duration timeout) {
        Instance instance = runtime.start(new InstanceSpec(FunctionId.parse("contract-1"), 256));
        runtime.init(instance, definition(code, handler, timeout));
        return instance;
    }

    protected static FunctionDefinition definition(String code, String handler, Duration timeout) {
        return new FunctionDefinition(FunctionId.parse("contract-1"), code, handler,
                new FunctionLimits(timeout, 256, 4), Instant.now(), "0".repeat(64));
    }
}
