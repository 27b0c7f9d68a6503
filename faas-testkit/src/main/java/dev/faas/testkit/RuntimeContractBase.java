package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The runtime a runtime contract tests: made by {@link #createRuntime()} before each test, closed after it, when no
 * instance may be left running. Shared by {@link FunctionRuntimeContract} and {@link NodeRuntimeContract}.
 */
public abstract class RuntimeContractBase {

    protected FunctionRuntime runtime;

    protected abstract FunctionRuntime createRuntime();

    @BeforeEach
    void createTheRuntime() {
        runtime = createRuntime();
    }

    @AfterEach
    void closeTheRuntime() {
        runtime.close();
        assertThat(runtime.running()).isEmpty();
    }

    /**
     * Runs {@code instance}, whose function loops forever, with a 500 ms deadline: the run is cut, not before its
     * deadline and within {@code maxMillis} (a generous liveness bound), and the instance is gone.
     */
    protected void assertEndlessLoopIsCutAtTheDeadline(Instance instance, long maxMillis) {
        long start = System.nanoTime();

        assertThatThrownBy(() -> runtime.run(instance, "{}", Duration.ofMillis(500)))
                .isInstanceOf(InstanceTimeoutException.class);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(400L, maxMillis);
        assertThat(runtime.running()).doesNotContain(instance.id());
    }
}
