package dev.faas.adapter.process;

import dev.faas.ports.out.FunctionRuntime;
import dev.faas.testkit.RuntimeLatencyBenchmark;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold start (launch + connect + first ping), first call, stop and warm call latency of the process runtime
 * ({@link RuntimeLatencyBenchmark}); prints a table in {@code target/process-latency.txt}, asserts nothing.
 */
@Tag("benchmark")
class ProcessRuntimeLatencyBenchmark extends RuntimeLatencyBenchmark {

    @TempDir
    Path workDirectory;

    ProcessRuntimeLatencyBenchmark() {
        super(30, 1000);
    }

    @Override
    protected FunctionRuntime createRuntime() {
        return new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(workDirectory));
    }
}
