package dev.faas.adapter.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.testkit.RequiresDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold start (create + start + connect), first call and warm call latency of the Docker runtime with a trivial
 * function. Prints a table (in {@code target/surefire-reports/*-output.txt} and {@code target/docker-latency.txt});
 * asserts nothing about speed. {@code -Dbench.coldStarts=N -Dbench.warmCalls=N} change the sample counts.
 */
@Tag("docker")
@Tag("benchmark")
@RequiresDocker
class DockerRuntimeLatencyBenchmark {

    @RegisterExtension
    static final DockerTestEnvironment ENGINE = DockerTestEnvironment.forNode("bench-");
    private static final String NODE_ID = ENGINE.nodeId();
    private static final DockerClient docker = ENGINE.client();

    private static final int COLD_STARTS = Integer.getInteger("bench.coldStarts", 15);
    private static final int WARM_CALLS = Integer.getInteger("bench.warmCalls", 200);
    private static final FunctionDefinition TRIVIAL = new FunctionDefinition(FunctionId.parse("trivial-1"),
            "def user_function(name):\n    return name\n", "user_function",
            new FunctionLimits(Duration.ofSeconds(10), 256, 4), Instant.now(), "0".repeat(64));


    @TempDir
    Path socketRoot;

    @Test
    void coldStartAndWarmCallLatency() throws Exception {
        List<String> rows = new ArrayList<>();
        try (DockerFunctionRuntime runtime = new DockerFunctionRuntime(docker,
                DockerRuntimeSettings.defaults(NODE_ID, socketRoot).withImage(DockerTestEnvironment.image()))) {
            // Warm-up: the engine's first container and the JVM's first calls are slower than all that follow.
            for (int i = 0; i < 3; i++) {
                runtime.stop(runtime.start(InstanceSpec.prewarm(256)));
            }
            long[] startNanos = new long[COLD_STARTS];
            long[] firstCallNanos = new long[COLD_STARTS];
            long[] stopNanos = new long[COLD_STARTS];
            for (int i = 0; i < COLD_STARTS; i++) {
                long begin = System.nanoTime();
                Instance instance = runtime.start(new InstanceSpec(TRIVIAL.id(), 256));
                long started = System.nanoTime();
                runtime.init(instance, TRIVIAL);
                assertThat(runtime.run(instance, "{\"name\":\"x\"}", Duration.ofSeconds(10)).resultJson())
                        .isEqualTo("\"x\"");
                long answered = System.nanoTime();
                runtime.stop(instance);
                stopNanos[i] = System.nanoTime() - answered;
                startNanos[i] = started - begin;
                firstCallNanos[i] = answered - begin;
            }
            rows.add(row("cold start (create+start+connect)", startNanos));
            rows.add(row("cold start + init + first call", firstCallNanos));
            rows.add(row("stop (kill + remove)", stopNanos));

            Instance warm = runtime.start(new InstanceSpec(TRIVIAL.id(), 256));
            runtime.init(warm, TRIVIAL);
            for (int i = 0; i < 50; i++) {
                runtime.run(warm, "{\"name\":\"x\"}", Duration.ofSeconds(10));
            }
            long[] warmNanos = new long[WARM_CALLS];
            for (int i = 0; i < WARM_CALLS; i++) {
                long begin = System.nanoTime();
                runtime.run(warm, "{\"name\":\"x\"}", Duration.ofSeconds(10));
                warmNanos[i] = System.nanoTime() - begin;
            }
            rows.add(row("warm run (deadline timer included)", warmNanos));
        }
        String table = String.format(Locale.ROOT, "docker runtime latency, image %s, %d cores%n%-36s %8s %8s %8s %8s%n",
                DockerTestEnvironment.image(), Runtime.getRuntime().availableProcessors(), "", "samples",
                "median", "p90", "max") + String.join("\n", rows) + "\n";
        System.out.print(table);
        Files.writeString(Path.of("target", "docker-latency.txt"), table);
    }

    private static String row(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%-36s %8d %6.1fms %6.1fms %6.1fms", name, sorted.length,
                millis(sorted[sorted.length / 2]), millis(sorted[(int) Math.ceil(sorted.length * 0.9) - 1]),
                millis(sorted[sorted.length - 1]));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000d;
    }
}
