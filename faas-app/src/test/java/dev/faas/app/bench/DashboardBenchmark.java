package dev.faas.app.bench;

import static dev.faas.app.bench.BenchSettings.CONCURRENCY;
import static dev.faas.app.bench.BenchSettings.PARAMS;
import static dev.faas.app.bench.BenchSettings.SAMPLES;
import static dev.faas.app.bench.BenchSettings.SECONDS;

import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import dev.faas.domain.stats.CallStatistics;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.StartKind;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dashboard costs the warm call path, measured in one run on one server (process runtime): warm invoke
 * latency (c=1) and throughput (c=16) with the dashboard closed, with one node page open (it reads {@code /stats}
 * every 2 s), and with ten open (five reads a second), in alternating rounds so drift on a shared machine spreads over
 * all three; and the cost of the call observer that feeds {@code /stats}, which every call pays, timed alone. Prints
 * figures, asserts none ({@code bench/run.sh} with {@code BENCH_TEST=DashboardBenchmark}).
 */
@Tag("benchmark")
class DashboardBenchmark {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    @TempDir
    Path dataDir;

    @Test
    void dashboardOpenVersusClosed() throws Exception {
        try (FaasServer server = FaasServer.start(config())) {
            BenchClient client = new BenchClient(server.port(), CONCURRENCY);
            String id = client.register("trivial", "def user_function(name):\\n    return name",
                    "{\"maxInstances\":" + CONCURRENCY + "}");
            // Unmeasured: JIT warm-up and the instances c=16 needs, so no mode pays for them.
            client.latency(client.invoke(id, PARAMS), SAMPLES);
            client.throughput(client.invoke(id, PARAMS), CONCURRENCY, SECONDS);
            Map<String, LatencyRecorder> latency = new HashMap<>();
            Map<String, List<Double>> throughput = new HashMap<>();
            Map<String, AtomicLong> reads = new HashMap<>();
            List<String> modes = List.of("closed", "1 node page (/stats every 2 s)", "10 node pages (/stats 5/s)");
            for (int round = 0; round < ROUNDS; round++) {
                for (String mode : modes) {
                    int pages = mode.startsWith("10") ? 10 : mode.startsWith("1 ") ? 1 : 0;
                    AtomicLong count = reads.computeIfAbsent(mode, m -> new AtomicLong());
                    ScheduledExecutorService dashboards = openDashboards(server.port(), pages, count);
                    try {
                        LatencyRecorder recorder = client.latency(client.invoke(id, PARAMS), SAMPLES);
                        latency.computeIfAbsent(mode, m -> new LatencyRecorder()).addAll(recorder);
                        throughput.computeIfAbsent(mode, m -> new ArrayList<>())
                                .add(client.throughput(client.invoke(id, PARAMS), CONCURRENCY, SECONDS));
                    } finally {
                        dashboards.shutdownNow();
                        dashboards.awaitTermination(10, TimeUnit.SECONDS);
                    }
                }
            }
            BenchTable table = new BenchTable("dashboard open vs closed, process runtime: " + ROUNDS
                    + " alternating rounds of " + SAMPLES + " latency samples and " + SECONDS + " s of c="
                    + CONCURRENCY + " per mode, " + Runtime.getRuntime().availableProcessors() + " cores");
            for (String mode : modes) {
                table.latency("warm invoke c=1, dashboard " + mode, latency.get(mode));
            }
            for (String mode : modes) {
                table.throughput("warm invoke c=" + CONCURRENCY + ", dashboard " + mode + " (mean of rounds "
                        + throughput.get(mode).stream().map(v -> String.format("%.0f", v)).toList() + ")",
                        throughput.get(mode).stream().mapToDouble(Double::doubleValue).average().orElse(0));
            }
            double closed = latency.get(modes.get(0)).percentileMillis(50);
            table.note("p50 ratios to closed: 1 page %.3f, 10 pages %.3f; /stats reads served: %s",
                    latency.get(modes.get(1)).percentileMillis(50) / closed,
                    latency.get(modes.get(2)).percentileMillis(50) / closed, reads);
            table.note("call observer feeding /stats (CallStatistics.succeeded), every call pays it: %.0f ns per call"
                    + " alone, %.0f ns with 4 threads at once", observerNanos(1), observerNanos(4));
            table.publish();
        }
    }

    /** {@code pages} node pages: each reads /stats every 2 s (the page's rate), spread evenly. */
    private static ScheduledExecutorService openDashboards(int port, int pages, AtomicLong reads) {
        ScheduledExecutorService dashboards = Executors.newSingleThreadScheduledExecutor();
        BenchClient client = new BenchClient(port, 1);
        if (pages > 0) {
            HttpRequest stats = client.get("/stats");
            long periodMillis = 2000L / pages;
            dashboards.scheduleAtFixedRate(() -> {
                try {
                    if (client.send(stats).statusCode() == 200) {
                        reads.incrementAndGet();
                    }
                } catch (Exception e) {
                    Thread.currentThread().interrupt();
                }
            }, 0, periodMillis, TimeUnit.MILLISECONDS);
        }
        return dashboards;
    }

    /** Nanoseconds per {@link CallStatistics#succeeded} call, with {@code threads} threads recording at once. */
    private static double observerNanos(int threads) throws Exception {
        CallStatistics statistics = new CallStatistics(Clock.systemUTC());
        InvocationResult result = new InvocationResult(FunctionId.of("trivial", 1), "1", StartKind.WARM,
                Duration.ZERO, Duration.ZERO, Duration.ofNanos(700_000), Duration.ofNanos(800_000), "", false);
        int calls = 2_000_000;
        var pool = Executors.newFixedThreadPool(threads);
        try {
            for (int warmup = 0; warmup < 2; warmup++) {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                long start = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < calls; i++) {
                            statistics.succeeded(result);
                        }
                    }));
                }
                for (var future : done) {
                    future.get();
                }
                if (warmup == 1) {
                    return (System.nanoTime() - start) / (double) calls;
                }
            }
            throw new IllegalStateException("unreachable");
        } finally {
            pool.shutdownNow();
        }
    }

    private FaasConfig config() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("FAAS_PORT", "0", "FAAS_RUNTIME", "process",
                "DELETE_AFTER", "1h", "FAAS_PREWARM", "0", "FAAS_DATA_DIR", dataDir.toString(),
                "FAAS_NODE_ID", "dash" + ProcessHandle.current().pid(),
                "FAAS_SOCKET_DIR", Files.createTempDirectory("faas-bench").toString()));
        return FaasConfig.fromEnvironment(env);
    }
}
