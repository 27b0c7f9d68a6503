package dev.faas.adapter.docker;

import dev.faas.ports.out.FunctionRuntime;
import dev.faas.testkit.RequiresDocker;
import dev.faas.testkit.RuntimeLatencyBenchmark;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold start (create + start + connect), first call and warm call latency of the Docker runtime with a trivial
 * function ({@link RuntimeLatencyBenchmark}). Prints a table (in {@code target/surefire-reports/*-output.txt} and
 * {@code target/docker-latency.txt}); asserts nothing about speed. {@code -Dbench.coldStarts=N -Dbench.warmCalls=N}
 * change the sample counts.
 */
@Tag("docker")
@Tag("benchmark")
@RequiresDocker
class DockerRuntimeLatencyBenchmark extends RuntimeLatencyBenchmark {

    @RegisterExtension
    static final DockerTestEnvironment ENGINE = DockerTestEnvironment.forNode("bench-");

    @TempDir
    Path socketRoot;

    DockerRuntimeLatencyBenchmark() {
        super(15, 200);
    }

    @Override
    protected FunctionRuntime createRuntime() {
        return new DockerFunctionRuntime(ENGINE.client(), ENGINE.settings(socketRoot));
    }

    @Override
    protected String describe(FunctionRuntime runtime) {
        return "docker runtime, image " + DockerTestEnvironment.image();
    }
}
