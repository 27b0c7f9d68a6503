package dev.faas.app.bench;

import static dev.faas.app.bench.BenchSettings.CONCURRENCY;
import static dev.faas.app.bench.BenchSettings.FIRST_CALLS;
import static dev.faas.app.bench.BenchSettings.PARAMS;
import static dev.faas.app.bench.BenchSettings.SAMPLES;
import static dev.faas.app.bench.BenchSettings.SECONDS;
import static dev.faas.app.bench.BenchSettings.TRIVIAL;

import com.github.dockerjava.api.DockerClient;
import dev.faas.adapter.docker.DockerClients;
import dev.faas.app.FaasConfig;
import dev.faas.app.FaasServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the sandbox options cost, measured in one run on the Docker runtime: the engine's default OCI runtime (runc)
 * beside gVisor ({@code bench.ociRuntime}, default {@code runsc-faas}, as {@code .ci/run} registers it) for cold
 * first calls, warm latency and warm throughput; and the first calls of a version with network egress (always
 * started for itself) beside those of a version without network served from the pre-warm stock and started cold.
 * The gVisor column is measured only when the engine has that runtime registered; otherwise the table says so (and
 * how to register it) instead of the column, as it says why when gVisor is registered but cannot run here (the
 * server's start error). {@code bench/run.sh} runs it after {@link InvokeBenchmark}.
 * Prints a table and appends it to {@code faas-app/target/benchmark.txt}. Asserts nothing about speed.
 */
@Tag("benchmark")
class SandboxBenchmark {

    private static final String OCI_RUNTIME = System.getProperty("bench.ociRuntime", "runsc-faas");

    @TempDir
    Path dataDir;

    @Test
    void runcBesideRunsc_andEgressFirstCalls() throws Exception {
        Map<String, Map<String, String>> columns = new LinkedHashMap<>();
        columns.put("runc (engine default)", runtimeColumn(null));
        String registered = registeredRuntimes();
        boolean gvisorRegistered = Arrays.asList(registered.split(",")).contains(OCI_RUNTIME);
        if (gvisorRegistered) {
            columns.put(OCI_RUNTIME + " (gVisor)", runtimeColumn(OCI_RUNTIME));
        }
        BenchTable table = new BenchTable("sandbox: OCI runtime side by side (" + FIRST_CALLS + " cold first calls, "
                + SAMPLES + " warm samples, c=" + CONCURRENCY + " for " + SECONDS + " s), "
                + Runtime.getRuntime().availableProcessors() + " cores");
        List<String> rows = List.of("cold first call p50 ms", "cold first call p99 ms", "warm invoke p50 ms",
                "warm invoke p99 ms", "warm throughput calls/s");
        List<Object> header = new ArrayList<>(List.of(""));
        header.addAll(columns.keySet());
        String format = "%-26s" + " %24s".repeat(columns.size());
        table.note(format, header.toArray());
        for (String row : rows) {
            List<Object> cells = new ArrayList<>(List.of(row));
            columns.values().forEach(column -> cells.add(column.getOrDefault(row, "-")));
            table.note(format, cells.toArray());
        }
        if (!gvisorRegistered) {
            table.note("NO gVisor COLUMN: the Docker engine has no runtime named %s (it has: %s). Register it in"
                    + " /etc/docker/daemon.json as README \"Stronger isolation\" shows (.ci/run's register_runsc does)"
                    + " and reload the engine, or name another with -Dbench.ociRuntime=...", OCI_RUNTIME, registered);
        }
        columns.forEach((name, column) -> {
            if (column.containsKey("error")) {
                table.note("%s failed here (rows without a figure were not reached): %s", name,
                        column.get("error"));
            }
        });
        egressRows(table);
        table.publish();
    }

    /** The engine's runtime names, comma-separated, or why they could not be listed. */
    private static String registeredRuntimes() {
        try (DockerClient docker = DockerClients.create()) {
            Map<String, ?> runtimes = docker.infoCmd().exec().getRuntimes();
            return runtimes == null ? "" : String.join(",", new TreeSet<>(runtimes.keySet()));
        } catch (Exception e) {
            return "(the engine could not be asked: " + e.getMessage() + ")";
        }
    }

    /**
     * Cold first calls, warm latency and throughput on a server whose containers use {@code ociRuntime}; a failure
     * ends the column with an {@code error} entry holding its message, keeping the rows measured before it.
     */
    private Map<String, String> runtimeColumn(String ociRuntime) {
        Map<String, String> column = new HashMap<>();
        try (FaasServer server = FaasServer.start(config(ociRuntime, 0, false))) {
            BenchClient client = new BenchClient(server.port(), CONCURRENCY);
            LatencyRecorder cold = firstCalls(client, (ociRuntime == null ? "runc" : "gv") + "cold");
            column.put("cold first call p50 ms", String.format("%.1f", cold.percentileMillis(50)));
            column.put("cold first call p99 ms", String.format("%.1f", cold.percentileMillis(99)));
            String id = client.register("trivial", TRIVIAL, "{\"maxInstances\":" + CONCURRENCY + "}");
            LatencyRecorder warm = client.latency(client.invoke(id, PARAMS), SAMPLES);
            column.put("warm invoke p50 ms", String.format("%.2f", warm.percentileMillis(50)));
            column.put("warm invoke p99 ms", String.format("%.2f", warm.percentileMillis(99)));
            client.throughput(client.invoke(id, PARAMS), CONCURRENCY, 2);
            double throughput = client.throughput(client.invoke(id, PARAMS), CONCURRENCY, SECONDS);
            column.put("warm throughput calls/s", String.format("%.0f", throughput));
        } catch (Exception e) {
            column.put("error", e.getCause() != null ? e.getCause().getMessage() : String.valueOf(e.getMessage()));
        }
        return column;
    }

    /** First calls of an egress version (cold by design) beside a version without network, pre-warmed and cold. */
    private void egressRows(BenchTable table) throws Exception {
        try (FaasServer server = FaasServer.start(config(null, 1, true))) {
            BenchClient client = new BenchClient(server.port(), CONCURRENCY);
            LatencyRecorder egress = firstCalls(client, "egress", ",\"network\":\"egress\"", "cold", FIRST_CALLS,
                null);
            LatencyRecorder prewarmed = firstCalls(client, "nonepre", ",\"network\":\"none\"", "prewarmed",
                    FIRST_CALLS, server);
            LatencyRecorder cold = firstCalls(client, "nonecold", ",\"limits\":{\"memoryMb\":128}", "cold",
                    FIRST_CALLS, null);
            table.latency("first call, network egress (started cold, on the egress bridge)", egress);
            table.latency("first call, no network, pre-warmed stock", prewarmed);
            table.latency("first call, no network, cold (128 MB, not the stock's size)", cold);
            table.note("ratios: egress cold p50 / no-network cold p50 = %.2f; egress p50 / pre-warmed p50 = %.1fx",
                    egress.percentileMillis(50) / cold.percentileMillis(50),
                    egress.percentileMillis(50) / prewarmed.percentileMillis(50));
        }
    }

    private LatencyRecorder firstCalls(BenchClient client, String prefix) throws Exception {
        return firstCalls(client, prefix, "", "cold", FIRST_CALLS, null);
    }

    /**
     * {@code count} first calls of new versions registered with {@code extraJson} members, one at a time; with a
     * {@code stocked} server, each waits (bounded) until a pre-warmed instance is ready.
     */
    private LatencyRecorder firstCalls(BenchClient client, String prefix, String extraJson, String expected, int count,
                                       FaasServer stocked) throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < count; i++) {
            String body = "{\"name\":\"" + prefix + i + "\",\"code\":\"" + TRIVIAL + "\"" + extraJson + "}";
            HttpResponse<String> registered = client.send(client.post("/register", body));
            if (registered.statusCode() != 200) {
                throw new IllegalStateException("registration refused: " + registered.body());
            }
            String id = prefix + i + "-1";
            if (stocked != null) {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> stocked.pool().prewarmedCount() >= 1);
            }
            long start = System.nanoTime();
            HttpResponse<String> response = client.send(client.invoke(id, PARAMS));
            recorder.record(System.nanoTime() - start);
            String kind = response.headers().firstValue("X-Faas-Start").orElse("?");
            if (response.statusCode() != 200 || !kind.equals(expected)) {
                throw new IllegalStateException("expected a " + expected + " start, got " + kind + ": "
                        + response.body());
            }
        }
        return recorder;
    }

    private FaasConfig config(String ociRuntime, int prewarm, boolean egress) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("FAAS_PORT", "0", "FAAS_RUNTIME", "docker",
                "DELETE_AFTER", "1h", "FAAS_PREWARM", Integer.toString(prewarm),
                "FAAS_DATA_DIR", Files.createTempDirectory(dataDir, "data").toString(),
                "FAAS_NODE_ID", "bsand" + ProcessHandle.current().pid() + (ociRuntime == null ? "" : "g"),
                "FAAS_SOCKET_DIR", Files.createTempDirectory("faas-bsand").toString()));
        if (ociRuntime != null) {
            env.put("FAAS_DOCKER_RUNTIME", ociRuntime);
        }
        if (egress) {
            env.put("FAAS_EGRESS", "on");
        }
        return FaasConfig.fromEnvironment(env);
    }
}
