package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Cold start, first call, stop and warm call latency of one {@link FunctionRuntime} with a trivial function: prints
 * a table (also written to {@code target/<name>-latency.txt}) and asserts nothing about speed. One subclass per
 * runtime, tagged {@code benchmark} so the normal build leaves it out; {@code -Dbench.coldStarts=N
 * -Dbench.warmCalls=N} change the sample counts.
 */
public abstract class RuntimeLatencyBenchmark {

    private static final FunctionDefinition TRIVIAL = new FunctionDefinition(FunctionId.parse("trivial-1"),
            "def user_function(name):\n    return name\n", "user_function",
            new FunctionLimits(Duration.ofSeconds(10), 256, 4), Instant.now(), "0".repeat(64));

    private final int coldStarts;
    private final int warmCalls;

    /** Default sample counts, which {@code bench.coldStarts} and {@code bench.warmCalls} override. */
    protected RuntimeLatencyBenchmark(int coldStarts, int warmCalls) {
        this.coldStarts = Integer.getInteger("bench.coldStarts", coldStarts);
        this.warmCalls = Integer.getInteger("bench.warmCalls", warmCalls);
    }

    /** A fresh runtime, closed by the benchmark. */
    protected abstract FunctionRuntime createRuntime();

    /** What the table's title says of the runtime, such as its image. */
    protected String describe(FunctionRuntime runtime) {
        return runtime.name() + " runtime";
    }

    @Test
    void coldStartAndWarmCallLatency() throws Exception {
        List<String> rows = new ArrayList<>();
        String title;
        try (FunctionRuntime runtime = createRuntime()) {
            title = describe(runtime);
            // Warm-up: the first start and the JVM's first calls are slower than all that follow.
            for (int i = 0; i < 3; i++) {
                runtime.stop(runtime.start(InstanceSpec.prewarm(256)));
            }
            long[] startNanos = new long[coldStarts];
            long[] firstCallNanos = new long[coldStarts];
            long[] stopNanos = new long[coldStarts];
            for (int i = 0; i < coldStarts; i++) {
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
            rows.add(row("cold start (launch+connect+ping)", startNanos));
            rows.add(row("cold start + init + first call", firstCallNanos));
            rows.add(row("stop (kill + remove)", stopNanos));

            Instance warm = runtime.start(new InstanceSpec(TRIVIAL.id(), 256));
            runtime.init(warm, TRIVIAL);
            for (int i = 0; i < Math.max(50, warmCalls / 10); i++) {
                runtime.run(warm, "{\"name\":\"x\"}", Duration.ofSeconds(10));
            }
            long[] warmNanos = new long[warmCalls];
            for (int i = 0; i < warmCalls; i++) {
                long begin = System.nanoTime();
                runtime.run(warm, "{\"name\":\"x\"}", Duration.ofSeconds(10));
                warmNanos[i] = System.nanoTime() - begin;
            }
            rows.add(row("warm run (deadline timer included)", warmNanos));
            String table = String.format(Locale.ROOT, "%s latency, %d cores%n%-36s %8s %9s %9s %9s%n", title,
                    Runtime.getRuntime().availableProcessors(), "", "samples", "median", "p90", "max")
                    + String.join("\n", rows) + "\n";
            System.out.print(table);
            Files.writeString(Path.of("target", runtime.name() + "-latency.txt"), table);
        }
    }

    private static String row(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%-36s %8d %7.2fms %7.2fms %7.2fms", name, sorted.length,
                millis(sorted[sorted.length / 2]), millis(sorted[(int) Math.ceil(sorted.length * 0.9) - 1]),
                millis(sorted[sorted.length - 1]));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000d;
    }
}
