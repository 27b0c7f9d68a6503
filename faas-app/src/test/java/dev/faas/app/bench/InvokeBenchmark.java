package dev.faas.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.adapter.memory.InMemoryFunctionRepository;
import dev.faas.adapter.process.ProcessFunctionRuntime;
import dev.faas.adapter.process.ProcessRuntimeSettings;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import dev.faas.python.RunnerConnection;
import dev.faas.python.RunnerScript;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invoke path's benchmark: warm calls at concurrency 1 and 16, first calls of new versions, and beside them the
 * floors measured in the same run (a trivial endpoint of the same server, a raw runner round trip on its socket).
 * Prints a table and writes it to {@code faas-app/target/benchmark.txt}. Run it with {@code bench/run.sh}.
 */
@Tag("benchmark")
class InvokeBenchmark {

    private static final int WARMUP = 300;
    private static final int SAMPLES = Integer.getInteger("bench.samples", 2000);
    private static final Duration THROUGHPUT_WINDOW = Duration.ofSeconds(Integer.getInteger("bench.seconds", 5));
    private static final int CONCURRENCY = 16;
    private static final int COLD_STARTS = 20;
    private static final String TRIVIAL = "def user_function(name):\\n    return name";

    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(CONCURRENCY)).build();
    private final List<String> rows = new ArrayList<>();

    @Test
    void processRuntime() throws Exception {
        FaasConfig config = FaasConfig.fromEnvironment(Map.of("FAAS_PORT", "0", "DELETE_AFTER", "1h",
                "FAAS_PREWARM", "0", "FAAS_DATA_DIR", dataDir.toString()));
        try (FaasServer server = FaasServer.start(config, new InMemoryFunctionRepository(),
                new ProcessFunctionRuntime(ProcessRuntimeSettings.defaults(dataDir.resolve("instances"))))) {
            String base = "http://127.0.0.1:" + server.port();
            post(base + "/register", "{\"name\":\"trivial\",\"code\":\"" + TRIVIAL + "\"}");
            HttpRequest health = HttpRequest.newBuilder(URI.create(base + "/healthz")).GET().build();
            HttpRequest invoke = HttpRequest.newBuilder(URI.create(base + "/invoke"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"trivial-1\",\"params\":{\"name\":\"x\"}}"))
                    .build();

            header("runtime: process (" + SAMPLES + " samples per latency row, " + THROUGHPUT_WINDOW.toSeconds()
                    + " s per throughput row, " + Runtime.getRuntime().availableProcessors() + " cores)");
            LatencyRecorder healthLatency = latency(health);
            LatencyRecorder runnerLatency = rawRunnerLatency();
            LatencyRecorder warmLatency = latency(invoke);
            row("floor: GET /healthz, c=1", healthLatency, Double.NaN);
            row("floor: raw runner round trip", runnerLatency, Double.NaN);
            row("warm invoke, c=1", warmLatency, Double.NaN);
            double healthThroughput = throughput(health);
            double invokeThroughput = throughput(invoke);
            rows.add(String.format(Locale.ROOT, "%-34s %10s %10s %12.0f/s", "floor: GET /healthz, c=16", "", "",
                    healthThroughput));
            rows.add(String.format(Locale.ROOT, "%-34s %10s %10s %12.0f/s", "warm invoke, c=16", "", "",
                    invokeThroughput));
            row("first call of a new version (cold)", coldStarts(base), Double.NaN);
            rows.add(String.format(Locale.ROOT, "ratios: warm p50 / healthz p50 = %.1fx, warm p50 / raw runner p50 "
                            + "= %.1fx, throughput / healthz throughput = %.2f",
                    warmLatency.percentileMillis(50) / healthLatency.percentileMillis(50),
                    warmLatency.percentileMillis(50) / runnerLatency.percentileMillis(50),
                    invokeThroughput / healthThroughput));
        }
        String table = String.join("\n", rows);
        System.out.println(table);
        Files.writeString(Path.of("target", "benchmark.txt"), table + "\n");
        assertThat(rows).isNotEmpty();
    }

    private LatencyRecorder latency(HttpRequest request) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            send(request);
        }
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < SAMPLES; i++) {
            long start = System.nanoTime();
            send(request);
            recorder.record(System.nanoTime() - start);
        }
        return recorder;
    }

    private double throughput(HttpRequest request) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            long end = System.nanoTime() + THROUGHPUT_WINDOW.toNanos();
            List<Future<Integer>> counts = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < CONCURRENCY; i++) {
                counts.add(callers.submit(() -> {
                    int done = 0;
                    while (System.nanoTime() < end) {
                        send(request);
                        done++;
                    }
                    return done;
                }));
            }
            long total = 0;
            for (Future<Integer> count : counts) {
                total += count.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            callers.shutdownNow();
        }
    }

    private LatencyRecorder coldStarts(String base) throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < COLD_STARTS; i++) {
            String name = "cold" + i;
            post(base + "/register", "{\"name\":\"" + name + "\",\"code\":\"" + TRIVIAL + "\"}");
            HttpRequest first = HttpRequest.newBuilder(URI.create(base + "/invoke"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "-1\",\"params\":{\"name\":1}}"))
                    .build();
            long start = System.nanoTime();
            HttpResponse<String> response = send(first);
            recorder.record(System.nanoTime() - start);
            assertThat(response.headers().firstValue("X-Faas-Start")).contains("cold");
        }
        return recorder;
    }

    /** The protocol alone: one runner process, one socket, no HTTP and no pool. */
    private LatencyRecorder rawRunnerLatency() throws Exception {
        Path directory = Files.createTempDirectory(dataDir, "raw");
        Path runner = RunnerScript.writeTo(directory);
        Path socket = directory.resolve("raw.sock");
        Process process = new ProcessBuilder("python3", "-I", "-B", "-u", runner.toString(), "--socket",
                socket.toString()).redirectErrorStream(true).redirectOutput(directory.resolve("log").toFile()).start();
        try (RunnerConnection connection = RunnerConnection.connect(socket, Duration.ofSeconds(10),
                process::isAlive)) {
            connection.init("def user_function(name):\n    return name\n", "user_function");
            for (int i = 0; i < WARMUP; i++) {
                connection.run("{\"name\":\"x\"}");
            }
            LatencyRecorder recorder = new LatencyRecorder();
            for (int i = 0; i < SAMPLES; i++) {
                long start = System.nanoTime();
                connection.run("{\"name\":\"x\"}");
                recorder.record(System.nanoTime() - start);
            }
            return recorder;
        } finally {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void header(String title) {
        rows.add(title);
        rows.add(String.format(Locale.ROOT, "%-34s %10s %10s %14s", "measure", "p50 ms", "p99 ms", "throughput"));
    }

    private void row(String label, LatencyRecorder recorder, double throughput) {
        rows.add(String.format(Locale.ROOT, "%-34s %10s %10s %14s", label,
                LatencyRecorder.millis(recorder.percentileMillis(50)),
                LatencyRecorder.millis(recorder.percentileMillis(99)),
                Double.isNaN(throughput) ? "" : String.format(Locale.ROOT, "%.0f/s", throughput)));
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("unexpected " + response.statusCode() + ": " + response.body());
        }
        return response;
    }
}
