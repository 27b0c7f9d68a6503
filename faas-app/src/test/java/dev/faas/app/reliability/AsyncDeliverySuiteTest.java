package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.testkit.EmbeddedPostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery of asynchronous calls across nodes, end to end: two real servers (child JVMs) on one PostgreSQL, 1,000
 * asynchronous calls over 20 functions, each function appending the call's token to a journal file as it starts, so
 * the journal counts the runs whatever the platform records. With nothing failing, every call runs exactly once;
 * with one node killed (SIGKILL) mid-run, every call still ends, none is lost and none runs more than its
 * {@code maxAttempts} (2). And calls queued while every node is down run once a node is back.
 *
 * <p>Functions run as local python3 processes: a function in the Docker sandbox (no network, read-only root, its
 * socket directory mounted read-only) has no way to write a journal the test could read.
 */
@Tag("postgres")
@Tag("reliability")
class AsyncDeliverySuiteTest {

    private static final int FUNCTIONS = 20;
    private static final int CALLS = 1000;
    private static final int MAX_ATTEMPTS = 2;
    private static final int SUBMITTERS = 8;
    private static final String JOURNALING = """
            import os, time
            def user_function(token, journal, seconds=0.0):
                fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, (token + "\\n").encode())
                finally:
                    os.close(fd)
                time.sleep(seconds)
                return token
            """;

    @RegisterExtension
    final EmbeddedPostgresExtension postgres = EmbeddedPostgresExtension.restartable();

    @TempDir
    Path workDirectory;

    private final List<String> figures = new ArrayList<>();

    @Test
    void thousandAsyncCallsOnTwoNodes_eachRunsExactlyOnce() throws Exception {
        postgres.start();
        Path journal = workDirectory.resolve("journal-clean.txt");
        try (ServerUnderTest a = node("node-a"); ServerUnderTest b = node("node-b")) {
            Api apiA = new Api(a.port());
            Api apiB = new Api(b.port());
            List<String> functions = register(apiA);
            long startNanos = System.nanoTime();
            Map<String, String> tokens = submit(List.of(apiA, apiB), functions, journal, 0.0);
            long submittedNanos = System.nanoTime();
            awaitAllEnded(Duration.ofMinutes(5));
            long endedNanos = System.nanoTime();
            figure("1000 calls submitted through two nodes in " + millis(startNanos, submittedNanos) + " ms, all"
                    + " ended " + millis(startNanos, endedNanos) + " ms after the first ("
                    + (CALLS * 1000L / Math.max(1, millis(startNanos, endedNanos))) + " calls/s drained)");

            Map<String, Long> runs = runs(journal);
            Map<String, Row> rows = rows();
            assertThat(rows.values().stream().filter(row -> !row.status.equals("succeeded")).toList())
                    .as("calls that did not succeed").isEmpty();
            assertThat(runs.keySet()).as("every call ran").containsExactlyInAnyOrderElementsOf(tokens.keySet());
            assertThat(runs.values()).as("each exactly once").allMatch(count -> count == 1);
            assertThat(rows).hasSize(CALLS);
            assertThat(rows.values()).allSatisfy(row -> {
                assertThat(row.status).isEqualTo("succeeded");
                assertThat(row.attempt).isEqualTo(1);
            });
            Map<String, Long> byNode = rows.values().stream()
                    .collect(Collectors.groupingBy(row -> row.node, Collectors.counting()));
            figure("calls run by node: " + byNode);
            assertThat(byNode.keySet()).as("both nodes took calls from the shared queue")
                    .containsExactlyInAnyOrder("node-a", "node-b");
        } finally {
            figures.forEach(line -> System.out.println("async-delivery: " + line));
        }
    }

    @Test
    void oneOfTwoNodesKilledMidRun_noCallIsLost_andNoneRunsMoreThanMaxAttempts() throws Exception {
        postgres.start();
        Path journal = workDirectory.resolve("journal-kill.txt");
        try (ServerUnderTest a = node("node-a"); ServerUnderTest b = node("node-b")) {
            Api apiA = new Api(a.port());
            Api apiB = new Api(b.port());
            List<String> functions = register(apiA);
            // Each call sleeps a little after it is journaled, so node A dies with calls under way.
            Map<String, String> tokens = submit(List.of(apiA, apiB), functions, journal, 0.2);
            await("a third of the calls journaled").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(20)).until(() -> lines(journal) >= CALLS / 3);
            int runningOnA = count("SELECT COUNT(*) FROM activations WHERE status = 'running'"
                    + " AND node_id = 'node-a'");
            long killedNanos = System.nanoTime();
            a.kill();
            figure("node-a killed with " + runningOnA + " calls running on it and " + lines(journal)
                    + " runs journaled");

            awaitAllEnded(Duration.ofMinutes(5));
            figure("all calls ended " + millis(killedNanos, System.nanoTime()) + " ms after the kill");

            Map<String, Long> runs = runs(journal);
            Map<String, Row> rows = rows();
            assertThat(rows).hasSize(CALLS);
            assertThat(rows.values().stream().filter(row -> !row.status.equals("succeeded")).toList())
                    .as("calls that did not succeed").isEmpty();
            assertThat(runs.keySet()).as("no call lost: every one ran").containsAll(tokens.keySet());
            assertThat(runs.values()).as("none ran more than maxAttempts").allMatch(count -> count <= MAX_ATTEMPTS);
            assertThat(rows.values()).as("every call ended well on one node or the other").allSatisfy(row ->
                    assertThat(row.status).as(row.toString()).isEqualTo("succeeded"));
            List<Row> retried = rows.values().stream().filter(row -> row.attempt == 2).toList();
            assertThat(retried).as("calls run again were run again by the survivor")
                    .allSatisfy(row -> assertThat(row.node).isEqualTo("node-b"));
            long ranTwice = runs.values().stream().filter(count -> count == 2).count();
            for (Map.Entry<String, Long> run : runs.entrySet()) {
                if (run.getValue() == 2) {
                    assertThat(rows.get(run.getKey()).attempt).as("a call journaled twice was claimed twice")
                            .isEqualTo(2);
                }
            }
            figure(retried.size() + " calls taken over from node-a (attempt 2), " + ranTwice
                    + " of them had started on node-a before it died");
            assertThat(retried).as("node-a held calls when it was killed").isNotEmpty();
        } finally {
            figures.forEach(line -> System.out.println("async-delivery: " + line));
        }
    }

    @Test
    void callsQueuedWhileEveryNodeIsDown_runOnceANodeIsBack() throws Exception {
        postgres.start();
        Path journal = workDirectory.resolve("journal-restart.txt");
        List<String> tokens = new ArrayList<>();
        // A node with a single slot, queued calls that take a while: most are still queued when it stops.
        Map<String, String> slow = Map.of("FAAS_MAX_INSTANCES", "1", "FAAS_ASYNC_SHARE", "100");
        String id;
        try (ServerUnderTest a = node("node-a", slow)) {
            Api api = new Api(a.port());
            id = api.register("survivor", JOURNALING);
            for (int i = 0; i < 20; i++) {
                String token = "restart-" + i;
                tokens.add(token);
                submitOne(api, id, token, journal, 0.3);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> lines(journal) >= 1);
            a.stop();
        }
        int queued = count("SELECT COUNT(*) FROM activations WHERE status = 'queued'");
        figure(queued + " of 20 calls still queued when the only node stopped");
        assertThat(queued).isPositive();

        try (ServerUnderTest b = node("node-b")) {
            awaitAllEnded(Duration.ofMinutes(2));
            Map<String, Long> runs = runs(journal);
            assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(tokens);
            assertThat(runs.values()).allMatch(count -> count <= MAX_ATTEMPTS);
            assertThat(rows().values()).allSatisfy(row -> assertThat(row.status).isEqualTo("succeeded"));
        } finally {
            figures.forEach(line -> System.out.println("async-delivery: " + line));
        }
    }

    private ServerUnderTest node(String nodeId) throws Exception {
        return node(nodeId, Map.of());
    }

    private ServerUnderTest node(String nodeId, Map<String, String> extra) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "FAAS_RUNTIME", "process",
                "FAAS_PREWARM", "0",
                "FAAS_NODE_ID", nodeId,
                "FAAS_DATA_DIR", workDirectory.resolve(nodeId).toString(),
                "FAAS_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres",
                "FAAS_DB_USER", EmbeddedPostgresExtension.USER,
                "FAAS_MAX_INSTANCES", "24",
                "FAAS_ASYNC_LEASE", "10s",
                "FAAS_ASYNC_POLL_INTERVAL", "200ms"));
        environment.put("FAAS_QUEUE_TIMEOUT", "30s");
        environment.putAll(extra);
        return ServerUnderTest.start(workDirectory, environment);
    }

    private static List<String> register(Api api) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < FUNCTIONS; i++) {
            ids.add(api.register("journal" + i, JOURNALING));
        }
        return ids;
    }

    /**
     * Submits the calls round the functions from 8 threads, alternating nodes; returns token to activation id.
     */
    private static Map<String, String> submit(List<Api> nodes, List<String> functions, Path journal,
                                              double seconds) throws Exception {
        Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.ExecutorService submitters = java.util.concurrent.Executors.newFixedThreadPool(SUBMITTERS);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int first = 0; first < SUBMITTERS; first++) {
                int thread = first;
                done.add(submitters.submit(() -> {
                    for (int i = thread; i < CALLS; i += SUBMITTERS) {
                        String token = "call-" + i;
                        tokens.put(token, submitOne(nodes.get(i % nodes.size()),
                                functions.get(i % functions.size()), token, journal, seconds));
                    }
                }));
            }
            for (java.util.concurrent.Future<?> submitter : done) {
                submitter.get(10, java.util.concurrent.TimeUnit.MINUTES);
            }
        } finally {
            submitters.shutdownNow();
        }
        assertThat(tokens).hasSize(CALLS);
        return tokens;
    }

    private static String submitOne(Api api, String functionId, String token, Path journal, double seconds) {
        int dash = functionId.lastIndexOf('-');
        String path = "/functions/" + functionId.substring(0, dash) + "/versions/" + functionId.substring(dash + 1)
                + "/invoke?async=true";
        Api.Reply reply = api.post(path, "{\"token\":\"" + token + "\",\"journal\":\"" + journal + "\",\"seconds\":"
                + seconds + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().get("activationId").asText();
    }

    private void awaitAllEnded(Duration atMost) {
        await("every activation in a final status").atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> count("SELECT COUNT(*) FROM activations WHERE status IN ('queued', 'running')") == 0);
    }

    private static long lines(Path journal) throws Exception {
        return Files.exists(journal) ? Files.readAllLines(journal, StandardCharsets.UTF_8).size() : 0;
    }

    private static Map<String, Long> runs(Path journal) throws Exception {
        return Files.readAllLines(journal, StandardCharsets.UTF_8).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private record Row(String token, String status, int attempt, String node, String problem) {
    }

    /** Every activation by its call's token (from its params). */
    private Map<String, Row> rows() throws Exception {
        Map<String, Row> rows = new HashMap<>();
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT params, status, attempt, node_id, problem_type, problem_detail FROM activations")) {
            while (result.next()) {
                String token = Api.JSON.readTree(result.getString(1)).get("token").asText();
                rows.put(token, new Row(token, result.getString(2), result.getInt(3), result.getString(4),
                        result.getString(5) == null ? null : result.getString(5) + ": " + result.getString(6)));
            }
        }
        return rows;
    }

    private int count(String sql) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getInt(1);
        }
    }

    private void figure(String line) {
        figures.add(line);
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }
}
