package dev.faas.adapter.docker;

import com.github.dockerjava.api.DockerClient;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.testkit.RuntimeLatencyBenchmark;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold start (create + start + connect), first call and warm call latency of the Docker runtime with a trivial
 * function ({@link RuntimeLatencyBenchmark}). Prints a table (in {@code target/surefire-reports/*-output.txt} and
 * {@code target/docker-latency.txt}); asserts nothing about speed. {@code -Dbench.coldStarts=N -Dbench.warmCalls=N}
 * change the sample counts.
 */
@Tag("docker")
@Tag("benchmark")
class DockerRuntimeLatencyBenchmark extends RuntimeLatencyBenchmark {

    private static final String NODE_ID = DockerTestEnvironment.uniqueNodeId("bench-");
    private static DockerClient docker;
    private static String unavailability;

    @TempDir
    Path socketRoot;

    @BeforeAll
    static void requireDocker() {
        docker = DockerClients.create();
        unavailability = DockerTestEnvironment.unavailability(docker);
    }

    @BeforeEach
    void skipWithoutDocker() {
        DockerTestEnvironment.skipIf(unavailability);
    }

    @AfterAll
    static void removeWhatTheBenchmarkLeft() throws Exception {
        if (docker != null) {
            try {
                if (unavailability == null) {
                    DockerTestEnvironment.removeContainersLabelled(docker, Map.of(DockerFunctionRuntime.LABEL_NODE,
                            NODE_ID));
                }
            } finally {
                docker.close();
            }
        }
    }

    DockerRuntimeLatencyBenchmark() {
        super(15, 200);
    }

    @Override
    protected FunctionRuntime createRuntime() {
        return new DockerFunctionRuntime(docker,
                DockerRuntimeSettings.defaults(NODE_ID, socketRoot).withImage(DockerTestEnvironment.image()));
    }

    @Override
    protected String describe(FunctionRuntime runtime) {
        return "docker runtime, image " + DockerTestEnvironment.image();
    }
}
