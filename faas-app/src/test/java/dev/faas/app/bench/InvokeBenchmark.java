package dev.faas.app.bench;

import static dev.faas.app.bench.BenchSettings.CONCURRENCY;
import static dev.faas.app.bench.BenchSettings.FIRST_CALLS;
import static dev.faas.app.bench.BenchSettings.PARAMS;
import static dev.faas.app.bench.BenchSettings.SAMPLES;
import static dev.faas.app.bench.BenchSettings.SECONDS;
import static dev.faas.app.bench.BenchSettings.TRIVIAL;

import dev.faas.adapter.docker.DockerClients;
import dev.faas.adapter.docker.DockerFunctionRuntime;
import dev.faas.adapter.docker.DockerRuntimeSettings;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.python.RunnerConnection;
import dev.faas.python.RunnerListener;
import dev.faas.python.RunnerScript;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invoke path's benchmark, per runtime, each row beside the floors measured in the same run: a trivial endpoint
 * of the same server ({@code GET /healthz}), a raw runner round trip on its socket (no HTTP, no pool) and, for
 * Docker, a {@code docker run} of the function image. Prints tables and appends them to
 * {@code faas-app/target/benchmark.txt}. Asserts nothing about speed. Run it with {@code bench/run.sh}.
 */
@Tag("benchmark")
class InvokeBenchmark {

    private static final String TRIVIAL_SOURCE = "def user_function(name):\n    return name\n";

    @TempDir
    Path dataDir;

    @Test
    void processRuntime() throws Exception {
        try (FaasServer server = FaasServer.start(config("process", 0))) {
            BenchClient client = new BenchClient(server.port(), CONCURRENCY);
            BenchTable table = sizedTable("runtime process");
            warmRows(client, table, rawProcessRunner());
            asyncRows(client, table);
            LatencyRecorder cold = firstCalls(client, "firstc", null, "cold", () -> { });
            table.latency("first call of a new version (cold)", cold);
            table.publish();
        }
    }

    @Test
    void dockerRuntime() throws Exception {
        try (FaasServer server = FaasServer.start(config("docker", 2))) {
            BenchClient client = new BenchClient(server.port(), CONCURRENCY);
            BenchTable table = sizedTable("runtime docker");
            warmRows(client, table, rawContainerRunner());
            // The warm rows' instances would hold node room the first calls' versions below need.
            HttpResponse<String> deleted = client.send(client.delete("/functions/trivial"));
            if (deleted.statusCode() / 100 != 2) {
                throw new IllegalStateException("could not delete the warm rows' function: " + deleted.body());
            }
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> server.pool().instanceCount() == server.pool().prewarmedCount());

            LatencyRecorder dockerRun = dockerRunFloor(10);
            LatencyRecorder registrations = registrations(client, server, FIRST_CALLS);
            // Each once the stock is back at its target: the registration's code check took an instance, and the
            // refill's container start would otherwise share the CPU with the call, as it does in the row after.
            LatencyRecorder prewarmed = firstCalls(client, "firstp", null, "prewarmed", () -> awaitFullStock(server));
            LatencyRecorder rightAfter = firstCalls(client, "firstr", null, "prewarmed",
                    () -> awaitStock(server, 1, Duration.ofSeconds(30)));
            // 128 MB is not the pre-warmed size, so these first calls must start a container.
            LatencyRecorder cold = firstCalls(client, "firstc", "{\"memoryMb\":128}", "cold", () -> { });
            table.latency("floor: docker run --rm of the function image", dockerRun);
            table.latency("registration, the stock at its target", registrations);
            table.latency("first call, pre-warmed pool (stock at its target)", prewarmed);
            table.latency("first call right after its registration (a refill under way)", rightAfter);
            table.latency("first call, no pre-warmed instance (cold)", cold);
            table.note("ratios: cold / pre-warmed first call p50 = %.1fx; cold p50 / docker run p50 = %.2f",
                    cold.percentileMillis(50) / prewarmed.percentileMillis(50),
                    cold.percentileMillis(50) / dockerRun.percentileMillis(50));
            for (int parallel : new int[] {1, 2, 4, 8, 16}) {
                double wallMillis = parallelStartsMillis(parallel);
                table.note("parallel starts: %2d instances started at once through the Docker runtime: %.0f ms wall"
                        + " time (%.0f ms per instance)", parallel, wallMillis, wallMillis / parallel);
            }
            table.publish();
        }
        // Bursts on servers of their own, whose node room is not held by the warm instances of the rows above.
        try (FaasServer server = FaasServer.start(config("docker", 2))) {
            BenchClient client = new BenchClient(server.port(), CONCURRENCY);
            BenchTable table = new BenchTable("runtime docker, FAAS_PREWARM=2 (the default), FAAS_PREWARM_MAX=32");
            LatencyRecorder dockerRun = dockerRunFloor(10);
            table.latency("floor: docker run --rm of the function image", dockerRun);
            Burst burst = burstOfFirstCalls(client, server, "burst", 20);
            burstRows(table, "burst: 20 first calls of 20 new functions", burst, dockerRun);
            // The stock grew with the first burst's misses (and the registrations'): the second burst meets it.
            Burst second = burstOfFirstCalls(client, server, "again", 20);
            burstRows(table, "burst again: 20 first calls of 20 other new functions", second, dockerRun);
            table.publish();
        }
        try (FaasServer server = FaasServer.start(config("docker", 20))) {
            BenchClient client = new BenchClient(server.port(), CONCURRENCY);
            BenchTable table = new BenchTable("runtime docker, FAAS_PREWARM=20");
            awaitStock(server, 20, Duration.ofSeconds(90));
            LatencyRecorder dockerRun = dockerRunFloor(10);
            table.latency("floor: docker run --rm of the function image", dockerRun);
            Burst burst = burstOfFirstCalls(client, server, "burst", 20);
            burstRows(table, "burst: 20 first calls of 20 new functions", burst, dockerRun);
            table.publish();
        }
    }

    /** A table titled {@code title} and this run's sizes. */
    private static BenchTable sizedTable(String title) {
        return new BenchTable(title + ": " + SAMPLES + " samples per latency row, " + SECONDS + " s per throughput row, "
                + Runtime.getRuntime().availableProcessors() + " cores");
    }

    private static void burstRows(BenchTable table, String label, Burst burst, LatencyRecorder dockerRun) {
        table.latency(label, burst.latency);
        table.note("%s: %d ok, %d errors, %.0f ms wall time, stock before: %d, starts: %s; p99 / docker run p50 ="
                        + " %.2f", label.substring(0, label.indexOf(':')), burst.ok, burst.errors, burst.wallMillis,
                burst.stockAtStart, burst.startKinds,
                burst.latency.percentileMillis(99) / dockerRun.percentileMillis(50));
    }

    /** Waits (bounded) until the pool's pre-warm stock holds {@code count} ready instances. */
    private static void awaitStock(FaasServer server, int count, Duration atMost) {
        try {
            Awaitility.await().atMost(atMost).until(() -> server.pool().prewarmedCount() >= count);
        } catch (ConditionTimeoutException notRefilled) {
            // Bounded: the burst then runs with what the stock holds, and its row says how many that was.
        }
    }

    /** Waits (bounded) until the pool's pre-warm stock is at its target: no refill under way. */
    private static void awaitFullStock(FaasServer server) {
        awaitStock(server, server.pool().prewarmTarget(), Duration.ofSeconds(30));
    }

    /** Wall time of starting {@code count} instances at once through the Docker runtime, as the stock's refills do. */
    private double parallelStartsMillis(int count) throws Exception {
        try (var docker = DockerClients.create()) {
            DockerFunctionRuntime runtime = new DockerFunctionRuntime(docker, DockerRuntimeSettings.defaults(
                    "benchpar" + ProcessHandle.current().pid(), Files.createTempDirectory("faas-par")));
            var threads = java.util.concurrent.Executors.newFixedThreadPool(count);
            try {
                long start = System.nanoTime();
                List<java.util.concurrent.Future<Instance>> starts = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    starts.add(threads.submit(() -> runtime.start(InstanceSpec.prewarm(256))));
                }
                for (var started : starts) {
                    started.get();
                }
                return (System.nanoTime() - start) / 1e6;
            } finally {
                threads.shutdownNow();
                runtime.close();
            }
        }
    }

    private FaasConfig config(String runtime, int prewarm) {
        Map<String, String> env = new HashMap<>(Map.of("FAAS_PORT", "0", "FAAS_RUNTIME", runtime,
                "DELETE_AFTER", "1h", "FAAS_PREWARM", Integer.toString(prewarm),
                "FAAS_DATA_DIR", dataDir.toString(), "FAAS_NODE_ID", "bench" + ProcessHandle.current().pid()));
        try {
            env.put("FAAS_SOCKET_DIR", Files.createTempDirectory("faas-bench").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return FaasConfig.fromEnvironment(env);
    }

    /** Warm latency and throughput of a trivial function, beside the HTTP and raw runner floors. */
    private void warmRows(BenchClient client, BenchTable table, LatencyRecorder rawRunner) throws Exception {
        String id = client.register("trivial", TRIVIAL, "{\"maxInstances\":" + CONCURRENCY + "}");
        LatencyRecorder health = client.latency(client.get("/healthz"), SAMPLES);
        LatencyRecorder warm = client.latency(client.invoke(id, PARAMS), SAMPLES);
        double healthThroughput = client.throughput(client.get("/healthz"), CONCURRENCY, SECONDS);
        // Unmeasured round first: concurrency N needs N instances, and their cold starts are not warm throughput.
        client.throughput(client.invoke(id, PARAMS), CONCURRENCY, 3);
        double warmThroughput = client.throughput(client.invoke(id, PARAMS), CONCURRENCY, SECONDS);
        table.latency("floor: GET /healthz, c=1", health);
        table.latency("floor: raw runner round trip (no HTTP, no pool)", rawRunner);
        table.latency("warm invoke, c=1", warm);
        table.throughput("floor: GET /healthz, c=" + CONCURRENCY, healthThroughput);
        table.throughput("warm invoke, c=" + CONCURRENCY, warmThroughput);
        table.note("ratios: warm p50 / healthz p50 = %.2f; warm p50 / raw runner p50 = %.1fx; "
                        + "warm throughput / healthz throughput = %.2f",
                warm.percentileMillis(50) / health.percentileMillis(50),
                warm.percentileMillis(50) / rawRunner.percentileMillis(50), warmThroughput / healthThroughput);
    }

    /**
     * Asynchronous calls of the warm function: the 202's latency at concurrency 1, then how fast the node drains
     * {@code 10 * SECONDS * 100} calls submitted at once from {@code CONCURRENCY} callers (submit to last end); and
     * what the asynchronous worker costs the synchronous path: the warm call's latency with the worker idle, then
     * while it runs calls of another function that a background caller keeps queueing, in the same run.
     */
    private void asyncRows(BenchClient client, BenchTable table) throws Exception {
        warmBesideAsyncRows(client, table);
        HttpRequest queue = client.post("/functions/trivial/versions/1/invoke?async=true", PARAMS);
        LatencyRecorder accepted = client.latency(queue, SAMPLES);
        awaitDrained(client);
        int calls = SECONDS * 200;
        long start = System.nanoTime();
        ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<?>> submitted = new ArrayList<>();
            for (int caller = 0; caller < CONCURRENCY; caller++) {
                int first = caller;
                submitted.add(callers.submit(() -> {
                    for (int i = first; i < calls; i += CONCURRENCY) {
                        client.send(queue);
                    }
                    return null;
                }));
            }
            for (Future<?> done : submitted) {
                done.get();
            }
        } finally {
            callers.shutdownNow();
        }
        double submitSeconds = (System.nanoTime() - start) / 1e9;
        awaitDrained(client);
        double drainSeconds = (System.nanoTime() - start) / 1e9;
        table.latency("async invoke accepted (202), c=1", accepted);
        table.throughput("async: " + calls + " calls submitted, c=" + CONCURRENCY, calls / submitSeconds);
        table.throughput("async: the same drained (submit to last end)", calls / drainSeconds);
    }

    /**
     * The warm call at c=1 with the asynchronous worker idle, then while it runs {@code SECONDS * 200} calls of
     * another function (each sleeping 0.5 s, so the worker's slots stay taken for a while) queued beforehand: no
     * submission competes with the samples, only the worker's dispatching, leases and instances.
     */
    private void warmBesideAsyncRows(BenchClient client, BenchTable table) throws Exception {
        HttpRequest warmCall = client.invoke("trivial-1", PARAMS);
        client.register("sleeper", "import time\\ndef user_function(name):\\n    time.sleep(0.5)\\n    return name",
                null);
        HttpRequest background = client.post("/functions/sleeper/versions/1/invoke?async=true", PARAMS);
        awaitDrained(client);
        LatencyRecorder idle = client.latency(warmCall, SAMPLES);
        int calls = SECONDS * 200;
        for (int i = 0; i < calls; i++) {
            client.send(background);
        }
        LatencyRecorder busy = client.latency(warmCall, SAMPLES);
        boolean stillQueued = !client.send(client.get("/activations?status=queued&limit=1")).body()
                .contains("\"activations\":[]");
        table.latency("warm invoke, c=1, async worker idle", idle);
        table.latency("warm invoke, c=1, async worker busy", busy);
        table.note("warm p50 with the asynchronous worker busy / idle = %.2f (%d calls of a 0.5 s function queued"
                        + " first; %s still queued when the samples ended)",
                busy.percentileMillis(50) / idle.percentileMillis(50), calls, stillQueued ? "some" : "none");
        awaitDrained(client);
    }

    /** Waits until no asynchronous call is queued or running. */
    private static void awaitDrained(BenchClient client) {
        Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() ->
                client.send(client.get("/activations?status=queued&limit=1")).body().contains("\"activations\":[]")
                        && client.send(client.get("/activations?status=running&limit=1")).body()
                        .contains("\"activations\":[]"));
    }

    /**
     * Registrations of new functions, one at a time, each once the pre-warm stock is back at its target (its code
     * check runs in a stock instance): the registration's cost without a container start, its own or a refill's.
     */
    private LatencyRecorder registrations(BenchClient client, FaasServer server, int count) throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < count; i++) {
            awaitFullStock(server);
            long start = System.nanoTime();
            client.register("registered" + i, TRIVIAL, null);
            recorder.record(System.nanoTime() - start);
        }
        return recorder;
    }

    /**
     * First calls of new versions, one at a time, each after {@code beforeCall}, the version named {@code prefix} and
     * a number, registered with {@code limits}; each must report the start {@code expected}.
     */
    private LatencyRecorder firstCalls(BenchClient client, String prefix, String limits, String expected,
                                       Runnable beforeCall) throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < FIRST_CALLS; i++) {
            String id = client.register(prefix + i, TRIVIAL, limits);
            beforeCall.run();
            long start = System.nanoTime();
            HttpResponse<String> response = client.send(client.invoke(id, PARAMS));
            recorder.record(System.nanoTime() - start);
            String kind = response.headers().firstValue("X-Faas-Start").orElse("?");
            if (!kind.equals(expected)) {
                throw new IllegalStateException("expected a " + expected + " start, got " + kind);
            }
        }
        return recorder;
    }

    private record Burst(LatencyRecorder latency, int ok, int errors, double wallMillis,
                         Map<String, Integer> startKinds, int stockAtStart) {
    }

    /**
     * Registers {@code functions} new functions (each code check takes a stock instance), waits for the stock to
     * refill (bounded), then calls them all at once.
     */
    private Burst burstOfFirstCalls(BenchClient client, FaasServer server, String prefix, int functions)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < functions; i++) {
            ids.add(client.register(prefix + i, TRIVIAL, null));
        }
        // Each registration's code check took a stock instance: first calls meet the stock once it has refilled.
        long waitStart = System.nanoTime();
        awaitStock(server, server.pool().prewarmTarget(), Duration.ofSeconds(90));
        int stockAtStart = server.pool().prewarmedCount();
        System.out.printf("%s: waited %d ms for the stock: %d ready, target %d%n", prefix,
                (System.nanoTime() - waitStart) / 1_000_000, stockAtStart, server.pool().prewarmTarget());
        LatencyRecorder recorder = new LatencyRecorder();
        AtomicInteger errors = new AtomicInteger();
        Map<String, Integer> kinds = new java.util.concurrent.ConcurrentHashMap<>();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> calls = ids.stream().map(id -> CompletableFuture.runAsync(() -> {
            long callStart = System.nanoTime();
            try {
                HttpResponse<String> response = client.send(client.invoke(id, PARAMS));
                synchronized (recorder) {
                    recorder.record(System.nanoTime() - callStart);
                }
                kinds.merge(response.headers().firstValue("X-Faas-Start").orElse("?"), 1, Integer::sum);
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }, java.util.concurrent.Executors.newCachedThreadPool())).toList();
        calls.forEach(CompletableFuture::join);
        double wall = (System.nanoTime() - start) / 1e6;
        return new Burst(recorder, functions - errors.get(), errors.get(), wall, kinds, stockAtStart);
    }

    /** The protocol alone against a local runner process. */
    private LatencyRecorder rawProcessRunner() throws Exception {
        Path directory = Files.createTempDirectory(dataDir, "raw");
        RunnerListener listener = RunnerListener.bind(directory.resolve("raw.sock"),
                PosixFilePermissions.fromString("rw-------"), RunnerListener.ANY_USER);
        Process process = new ProcessBuilder("python3", "-I", "-B", "-u", RunnerScript.writeTo(directory).toString(),
                "--connect", listener.socketPath().toString()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("log").toFile()).start();
        try (listener; RunnerConnection connection = listener.accept(Duration.ofSeconds(10), process.onExit())) {
            connection.init(TRIVIAL_SOURCE, "user_function");
            return BenchClient.latency(() -> connection.run(PARAMS), SAMPLES);
        } finally {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The protocol alone against a runner in a container of the function image, through the Docker runtime. */
    private LatencyRecorder rawContainerRunner() throws Exception {
        try (var docker = DockerClients.create()) {
            DockerFunctionRuntime runtime = new DockerFunctionRuntime(docker, DockerRuntimeSettings.defaults(
                    "benchraw" + ProcessHandle.current().pid(), Files.createTempDirectory("faas-raw")));
            try {
                Instance instance = runtime.start(InstanceSpec.prewarm(256));
                runtime.init(instance, new FunctionDefinition(FunctionId.parse("raw-1"), TRIVIAL_SOURCE,
                        "user_function", new FunctionLimits(Duration.ofSeconds(10), 256, 1), Instant.now(),
                        "0".repeat(64)));
                return BenchClient.latency(() -> runtime.run(instance, PARAMS, Duration.ofSeconds(10)), SAMPLES);
            } finally {
                runtime.close();
            }
        }
    }

    private static LatencyRecorder dockerRunFloor(int samples) throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            Process run = new ProcessBuilder("docker", "run", "--rm", "--network", "none", "--entrypoint", "python3",
                    DockerRuntimeSettings.DEFAULT_IMAGE, "-c", "pass").redirectErrorStream(true).start();
            run.getInputStream().readAllBytes();
            if (run.waitFor() != 0) {
                throw new IllegalStateException("docker run failed with " + run.exitValue());
            }
            recorder.record(System.nanoTime() - start);
        }
        return recorder;
    }
}
