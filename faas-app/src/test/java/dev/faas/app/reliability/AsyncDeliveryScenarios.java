package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.faas.testkit.Closing;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery of asynchronous calls across nodes, end to end, whatever the runtime: two real servers (child JVMs) on one
 * PostgreSQL, 1,000 asynchronous calls over 20 functions, each function marking the call's token in a journal file
 * as it starts, so the journal counts the runs whatever the platform records. With nothing failing, every call runs
 * exactly once; with one node killed (SIGKILL) mid-run, every call still ends, none is lost and none runs more than
 * its {@code maxAttempts} (2). A subclass says how its runtime's functions reach the journal.
 */
abstract class AsyncDeliveryScenarios {

    static final int FUNCTIONS = 20;
    static final int CALLS = 1000;
    static final int MAX_ATTEMPTS = 2;
    private static final int SUBMITTERS = 8;

    @RegisterExtension
    final EmbeddedPostgresExtension postgres = EmbeddedPostgresExtension.restartable();

    @TempDir
    Path workDirectory;

    private final List<String> figures = new ArrayList<>();

    /** The node id of the test's node {@code letter} ("a" or "b"). */
    abstract String nodeId(String letter);

    /** The runtime's variables for a node (the shared ones are set by {@link #node}). */
    abstract Map<String, String> runtimeEnvironment(String nodeId) throws Exception;

    /** Registers one journaling function, returns its id. */
    abstract String registerJournaling(Api api, String name);

    /** The call's params: the token to journal, where, and how long to sleep after journaling. */
    abstract String callParams(String token, Path journal, double seconds);

    /**
     * SIGTERM to each, so each node removes what it made (a node that fails its test is SIGKILLed on close); the JVM
     * ends a clean stop with 143 (128 + SIGTERM).
     */
    static void stopGracefully(ServerUnderTest... servers) throws InterruptedException {
        List<Integer> statuses = new ArrayList<>();
        for (ServerUnderTest server : servers) {
            statuses.add(server.stop());
        }
        assertThat(statuses).as("exit statuses of clean stops").allMatch(status -> status == 143);
    }

    /** After the test: whatever the runtime left of the node behind (SIGKILLed, or not stopped on a failure). */
    void cleanUp(String nodeId, boolean killed) throws Exception {
    }

    @Test
    void thousandAsyncCallsOnTwoNodes_eachRunsExactlyOnce() throws Exception {
        try (TwoNodes nodes = startTwoNodes("journal-clean.txt")) {
            long startNanos = System.nanoTime();
            Map<String, String> tokens = submit(nodes, 0.0);
            long submittedNanos = System.nanoTime();
            awaitAllEnded(Duration.ofMinutes(5));
            long endedNanos = System.nanoTime();
            figure(CALLS + " calls submitted through two nodes in " + millis(startNanos, submittedNanos) + " ms, all"
                    + " ended " + millis(startNanos, endedNanos) + " ms after the first ("
                    + (CALLS * 1000L / Math.max(1, millis(startNanos, endedNanos))) + " calls/s drained)");

            Map<String, Long> runs = runs(nodes.journal());
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
            figure("calls run by node: " + byNode + ", " + runs.size() + " tokens journaled once each; start kinds "
                    + startKinds());
            assertThat(byNode.keySet()).as("both nodes took calls from the shared queue")
                    .containsExactlyInAnyOrder(nodeId("a"), nodeId("b"));
            stopGracefully(nodes.a(), nodes.b());
        } finally {
            cleanUp(nodeId("a"), false);
            cleanUp(nodeId("b"), false);
            printFigures();
        }
    }

    @Test
    void oneOfTwoNodesKilledMidRun_noCallIsLost_andNoneRunsMoreThanMaxAttempts() throws Exception {
        String nodeA = nodeId("a");
        String nodeB = nodeId("b");
        try (TwoNodes nodes = startTwoNodes("journal-kill.txt")) {
            Path journal = nodes.journal();
            long startNanos = System.nanoTime();
            // Each call sleeps a little after it is journaled, so node A dies with calls under way.
            Map<String, String> tokens = submit(nodes, 0.2);
            await("a third of the calls journaled").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(20)).until(() -> lines(journal) >= CALLS / 3);
            int runningOnA = count("SELECT COUNT(*) FROM activations WHERE status = 'running'"
                    + " AND node_id = '" + nodeA + "'");
            long killedNanos = System.nanoTime();
            nodes.a().kill();
            figure("node a killed with " + runningOnA + " calls running on it and " + lines(journal)
                    + " runs journaled");

            awaitAllEnded(Duration.ofMinutes(5));
            figure("all calls ended " + millis(killedNanos, System.nanoTime()) + " ms after the kill, "
                    + millis(startNanos, System.nanoTime()) + " ms after the first");

            Map<String, Long> runs = runs(journal);
            Map<String, Row> rows = rows();
            assertThat(rows).hasSize(CALLS);
            assertThat(rows.values().stream().filter(row -> !row.status.equals("succeeded")).toList())
                    .as("calls that did not succeed").isEmpty();
            assertThat(runs.keySet()).as("no call lost: every one ran").containsAll(tokens.keySet());
            assertThat(runs.values()).as("none ran more than maxAttempts").allMatch(count -> count <= MAX_ATTEMPTS);
            List<Row> retried = rows.values().stream().filter(row -> row.attempt == 2).toList();
            assertThat(retried).as("calls run again were run again by the survivor")
                    .allSatisfy(row -> assertThat(row.node).isEqualTo(nodeB));
            long ranTwice = runs.values().stream().filter(count -> count == 2).count();
            for (Map.Entry<String, Long> run : runs.entrySet()) {
                if (run.getValue() == 2) {
                    assertThat(rows.get(run.getKey()).attempt).as("a call journaled twice was claimed twice")
                            .isEqualTo(2);
                }
            }
            figure(retried.size() + " calls taken over from node a (attempt 2), " + ranTwice
                    + " of them had started on node a before it died; " + runs.size() + " tokens journaled; start"
                    + " kinds " + startKinds());
            assertThat(retried).as("node a held calls when it was killed").isNotEmpty();
            stopGracefully(nodes.b());
        } finally {
            cleanUp(nodeA, true);
            cleanUp(nodeB, false);
            printFigures();
        }
    }

    ServerUnderTest node(String nodeId) throws Exception {
        return node(nodeId, Map.of());
    }

    ServerUnderTest node(String nodeId, Map<String, String> extra) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "FAAS_PREWARM", "0",
                "FAAS_NODE_ID", nodeId,
                "FAAS_DATA_DIR", workDirectory.resolve(nodeId).toString(),
                "FAAS_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres",
                "FAAS_DB_USER", EmbeddedPostgresExtension.USER,
                "FAAS_MAX_INSTANCES", "24",
                "FAAS_ASYNC_LEASE", "10s",
                "FAAS_ASYNC_POLL_INTERVAL", "200ms",
                "FAAS_QUEUE_TIMEOUT", "30s"));
        environment.putAll(runtimeEnvironment(nodeId));
        environment.putAll(extra);
        return ServerUnderTest.start(workDirectory, environment);
    }

    /** Nodes a and b on the shared PostgreSQL, the functions (registered through a), and the run's journal. */
    record TwoNodes(ServerUnderTest a, ServerUnderTest b, List<String> functions, Path journal)
            implements AutoCloseable {

        @Override
        public void close() throws Exception {
            Closing.all(b, a);
        }
    }

    /** Starts PostgreSQL and nodes a and b on it, registers the functions; the journal is the file {@code journal}. */
    TwoNodes startTwoNodes(String journal) throws Exception {
        postgres.start();
        ServerUnderTest a = node(nodeId("a"));
        ServerUnderTest b = null;
        try {
            b = node(nodeId("b"));
            return new TwoNodes(a, b, register(new Api(a.port())), workDirectory.resolve(journal));
        } catch (Exception | AssertionError e) {
            try (ServerUnderTest first = a; ServerUnderTest second = b) {
                throw e;
            }
        }
    }

    private List<String> register(Api api) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < FUNCTIONS; i++) {
            ids.add(registerJournaling(api, "journal" + i));
        }
        return ids;
    }

    /**
     * Submits the calls round the functions from 8 threads, alternating nodes; returns token to activation id.
     */
    private Map<String, String> submit(TwoNodes run, double seconds) throws Exception {
        List<Api> nodes = List.of(new Api(run.a().port()), new Api(run.b().port()));
        Map<String, String> tokens = new ConcurrentHashMap<>();
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int first = 0; first < SUBMITTERS; first++) {
                int thread = first;
                done.add(submitters.submit(() -> {
                    for (int i = thread; i < CALLS; i += SUBMITTERS) {
                        String token = "call-" + i;
                        tokens.put(token, submitOne(nodes.get(i % nodes.size()),
                                run.functions().get(i % run.functions().size()), token, run.journal(), seconds));
                    }
                }));
            }
            for (Future<?> submitter : done) {
                submitter.get(10, TimeUnit.MINUTES);
            }
        } finally {
            submitters.shutdownNow();
        }
        assertThat(tokens).hasSize(CALLS);
        return tokens;
    }

    String submitOne(Api api, String functionId, String token, Path journal, double seconds) {
        int dash = functionId.lastIndexOf('-');
        String path = "/functions/" + functionId.substring(0, dash) + "/versions/" + functionId.substring(dash + 1)
                + "/invoke?async=true";
        Api.Reply reply = api.post(path, callParams(token, journal, seconds));
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().get("activationId").asText();
    }

    void awaitAllEnded(Duration atMost) {
        await("every activation in a final status").atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> count("SELECT COUNT(*) FROM activations WHERE status IN ('queued', 'running')") == 0);
    }

    static long lines(Path journal) throws Exception {
        return Files.exists(journal) ? Files.readAllLines(journal, StandardCharsets.UTF_8).size() : 0;
    }

    static Map<String, Long> runs(Path journal) throws Exception {
        return Files.readAllLines(journal, StandardCharsets.UTF_8).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    record Row(String token, String status, int attempt, String node, String problem) {
    }

    /** Every activation by its call's token (from its params). */
    Map<String, Row> rows() throws Exception {
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

    /** How many calls started warm, cold or pre-warmed. */
    private Map<String, Integer> startKinds() throws Exception {
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT start_kind, COUNT(*) FROM activations GROUP BY start_kind")) {
            while (result.next()) {
                kinds.put(String.valueOf(result.getString(1)), result.getInt(2));
            }
        }
        return kinds;
    }

    int count(String sql) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getInt(1);
        }
    }

    void figure(String line) {
        figures.add(line);
    }

    void printFigures() {
        figures.forEach(line -> System.out.println("async-delivery(" + getClass().getSimpleName() + "): " + line));
    }

    static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }
}
