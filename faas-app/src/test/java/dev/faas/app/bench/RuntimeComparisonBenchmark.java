package dev.faas.app.bench;

import static dev.faas.app.bench.BenchSettings.CONCURRENCY;
import static dev.faas.app.bench.BenchSettings.FIRST_CALLS;
import static dev.faas.app.bench.BenchSettings.PARAMS;
import static dev.faas.app.bench.BenchSettings.SAMPLES;
import static dev.faas.app.bench.BenchSettings.SECONDS;

import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import dev.faas.testkit.DockerAvailability;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python and Node.js side by side in one run, on one server of each runtime (process, and Docker when an engine and
 * both function images are there): warm invoke p50/p99 at concurrency 1, throughput at concurrency 16, and first
 * calls of new versions from each runtime's pre-warm stock and cold. Prints one table per server and appends it to
 * {@code faas-app/target/benchmark.txt}. Asserts nothing about speed. Run it with
 * {@code BENCH_TEST=RuntimeComparisonBenchmark bench/run.sh}.
 */
@Tag("benchmark")
class RuntimeComparisonBenchmark {

    /** The same trivial function in each language, JSON-escaped. */
    private static final Map<String, String> TRIVIAL = new LinkedHashMap<>(Map.of(
            "python3", "def user_function(name):\\n    return name",
            "nodejs", "exports.user_function = ({name}) => name;"));

    @TempDir
    Path dataDir;

    @Test
    void processRuntime() throws Exception {
        compare("process");
    }

    @Test
    void dockerRuntime() throws Exception {
        DockerAvailability.require(true);
        DockerAvailability.requireNodeImage();
        compare("docker");
    }

    private void compare(String runtime) throws Exception {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (FaasServer server = FaasServer.start(config(runtime))) {
            BenchClient client = new BenchClient(server.port(), CONCURRENCY);
            // Phase by phase, each language in turn: first calls while both stocks are at their floors (the
            // throughput rows' cold starts grow a stock, whose refills would weigh on the next rows).
            Map<String, String[]> firstCalls = new LinkedHashMap<>();
            for (String language : List.of("python3", "nodejs")) {
                LatencyRecorder prewarmed = firstCalls(client, server, language, null, "prewarmed");
                // 128 MB is not the pre-warmed size, so these first calls must start an instance.
                LatencyRecorder cold = firstCalls(client, server, language, "{\"memoryMb\":128}", "cold");
                firstCalls.put(language, new String[] {pair(prewarmed), pair(cold)});
            }
            for (String language : List.of("python3", "nodejs")) {
                rows.put(language, measure(client, language, firstCalls.get(language)));
            }
        }
        BenchTable table = BenchTable.untitledColumns("runtime " + runtime + ", python3 and nodejs side by side: "
                + SAMPLES + " samples per latency row, " + SECONDS + " s per throughput row, " + FIRST_CALLS
                + " first calls per row, " + Runtime.getRuntime().availableProcessors() + " cores");
        table.note("%-46s %20s %20s", "measure (p50 / p99 ms, or calls/s)", "python3", "nodejs");
        table.note("%-46s %20s %20s", "warm invoke, c=1", rows.get("python3").warm, rows.get("nodejs").warm);
        table.note("%-46s %20s %20s", "warm invoke, c=" + CONCURRENCY, rows.get("python3").throughput,
                rows.get("nodejs").throughput);
        table.note("%-46s %20s %20s", "first call, pre-warmed instance of its runtime", rows.get("python3").prewarmed,
                rows.get("nodejs").prewarmed);
        table.note("%-46s %20s %20s", "first call, cold (no instance of its size)", rows.get("python3").cold,
                rows.get("nodejs").cold);
        table.publish();
    }

    private Row measure(BenchClient client, String language, String[] firstCalls) throws Exception {
        String code = TRIVIAL.get(language);
        String id = client.register(language + "-trivial", code, "{\"maxInstances\":" + CONCURRENCY + "}", language);
        LatencyRecorder warm = client.latency(client.invoke(id, PARAMS), SAMPLES);
        // Unmeasured round first: concurrency N needs N instances, and their cold starts are not warm throughput.
        client.throughput(client.invoke(id, PARAMS), CONCURRENCY, 3);
        double throughput = client.throughput(client.invoke(id, PARAMS), CONCURRENCY, SECONDS);
        return new Row(pair(warm), String.format(Locale.ROOT, "%.0f/s", throughput), firstCalls[0], firstCalls[1]);
    }

    private LatencyRecorder firstCalls(BenchClient client, FaasServer server, String language, String limits,
                                       String expected) throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < FIRST_CALLS; i++) {
            String id = client.register(language + "-" + expected + i, TRIVIAL.get(language), limits, language);
            if (expected.equals("prewarmed")) {
                // The registration's code check took a stock instance: wait for its runtime's stock to refill.
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> server.pool().prewarmedCount(language) >= 1);
            }
            long start = System.nanoTime();
            HttpResponse<String> response = client.send(client.invoke(id, PARAMS));
            recorder.record(System.nanoTime() - start);
            String kind = response.headers().firstValue("X-Faas-Start").orElse("?");
            if (!kind.equals(expected)) {
                throw new IllegalStateException(language + ": expected a " + expected + " start, got " + kind);
            }
        }
        return recorder;
    }

    private static String pair(LatencyRecorder recorder) {
        return String.format(Locale.ROOT, "%.2f / %.2f", recorder.percentileMillis(50), recorder.percentileMillis(99));
    }

    private FaasConfig config(String runtime) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("FAAS_PORT", "0", "FAAS_RUNTIME", runtime,
                "DELETE_AFTER", "1h", "FAAS_PREWARM", "1", "FAAS_PREWARM_NODEJS", "1",
                "FAAS_DATA_DIR", dataDir.toString(), "FAAS_NODE_ID", "benchrt" + ProcessHandle.current().pid(),
                "FAAS_SOCKET_DIR", Files.createTempDirectory("faas-bench").toString()));
        env.put("FAAS_IMAGE_NODEJS", DockerAvailability.nodeFunctionImage());
        env.put("FAAS_IMAGE", DockerAvailability.functionImage());
        return FaasConfig.fromEnvironment(env);
    }

    private record Row(String warm, String throughput, String prewarmed, String cold) {
    }
}
