package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.out.FunctionRuntime;
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
}
